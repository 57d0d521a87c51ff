export * from './adapter-contract.suite';
