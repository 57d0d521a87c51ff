export * from './alipay-sandbox.module';
export * from './alipay-sandbox.options';
export { ALIPAY_NOTIFY_RETRY_MINUTES } from './alipay-notifier.service';
