export * from './persistence.module';
export * from './write-behind';
