export * from './gen';
export * from './naming';
export * from './registry';
export * from './codec';
export * from './int64';
