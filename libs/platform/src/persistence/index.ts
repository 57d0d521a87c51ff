export * from './persistence.module';
export * from './write-behind';
export * from './grouped-write';
