export * from './money';
export * from './adapter-kit';
