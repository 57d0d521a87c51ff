export * from './buyer-page';
export * from './notifier';
export * from './payment-book';
export * from './provider-keys';
export * from './sandbox-kit.module';
export * from './sandbox-store';
export * from './buyer-pages.controller';
