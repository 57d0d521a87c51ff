export * from './ops.guard';
export * from './ops-page';
export * from './ops.controller';
