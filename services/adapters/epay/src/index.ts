export * from './epay.adapter';
export * from './epay.config';
