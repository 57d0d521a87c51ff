export * from './control.module';
export * from './sandbox-base-url';
export * from './sandbox-provider';
export * from './sandbox-provider.registry';
