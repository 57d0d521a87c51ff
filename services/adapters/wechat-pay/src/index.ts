export * from './wechat-pay.adapter';
export * from './wechat-pay.config';
