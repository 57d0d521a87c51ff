export * from './epay-sandbox.module';
export { EPAY_NOTIFY_RETRY_MS, EPAY_DECLINE_REASONS } from './epay-aggregator.service';
export type { EpayPaymentView } from './epay-sandbox.provider';
