export * from './unionpay-sandbox.module';
export { UNIONPAY_DECLINE_CODES, UNIONPAY_NOTIFY_RETRY_MS } from './unionpay-ledger';
