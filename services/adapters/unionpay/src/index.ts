export * from './unionpay.adapter';
export * from './unionpay.config';
