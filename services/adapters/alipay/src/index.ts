export * from './alipay.adapter';
export * from './alipay.config';
