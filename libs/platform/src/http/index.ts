export * from './validation';
export * from './bootstrap';
