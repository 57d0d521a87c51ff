export * from './decline-codes';
export * from './next-action';
export * from './payment-adapter.port';
export * from './payment-adapter.types';
export * from './payment-status';
export * from './payment.error';
export * from './verify-against';
