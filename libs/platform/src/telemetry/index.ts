export * from './span-store';
export * from './tracing';
