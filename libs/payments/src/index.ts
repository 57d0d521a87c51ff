export * from './money';
export * from './adapter-kit';
export * from './adapter-host';
export * from './crypto/rsa-sha256';
