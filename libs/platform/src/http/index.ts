export * from './validation';
export * from './bootstrap';
export * from './http-client';
