export * from './wechat-pay-sandbox.module';
export * from './wechat-pay-sandbox.options';
export { WECHAT_DECLINE_REASONS } from './wechat-pay-decline.reasons';
export { WECHAT_NOTIFY_RETRY_MS } from './wechat-pay-sandbox.state';
