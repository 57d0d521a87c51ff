// Four suites: unit specs beside the code, integration specs against the real PostgreSQL and
// NATS, end-to-end specs against a whole running stack, and browser specs in headless Chromium.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true }, module: { type: 'commonjs' } }];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@cardshop/platform/testing$': '<rootDir>/libs/platform/src/testing/index.ts',
    '^@cardshop/payments/testing$': '<rootDir>/libs/payments/src/adapter-kit/testing/index.ts',
    '^@cardshop/(contracts|messaging|platform|payments)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  rootDir: __dirname,
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,tools}/**/*.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{libs,services}/**/test/**/*.int-spec.ts', '<rootDir>/test/int/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};
