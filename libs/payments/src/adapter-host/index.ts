export * from './run-adapter';
export * from './proto-mapping';
export * from './adapter-rpc.controller';
export * from './expected-payments';
export * from './webhook.controller';
