import { loadConfig } from '@cardshop/platform';
import { ordersConfigSchema } from './orders.config';

describe('orders configuration', () => {
  const env = {
    SERVICE_NAME: 'orders', HTTP_PORT: '3102', DATABASE_URL: 'postgres://u:pw@localhost:5432/db', DB_SCHEMA: 'orders',
    NATS_URL: 'nats://127.0.0.1:4222', OPS_TOKEN: 'ops-token-0123456789', ACCESS_TOKEN_SECRET: 'a'.repeat(44),
  };

  it('takes an empty SMTP_URL (as deploy files pass it) for no email, and refuses one that is not a URL', () => {
    expect(loadConfig(ordersConfigSchema, { ...env, SMTP_URL: '', SMTP_CAPTURE_PORT: '' })).toMatchObject({ SMTP_URL: undefined, SMTP_CAPTURE_PORT: undefined });
    expect(loadConfig(ordersConfigSchema, { ...env, SMTP_URL: 'smtp://u:p@relay.example:587' }).SMTP_URL).toBe('smtp://u:p@relay.example:587');
    expect(() => loadConfig(ordersConfigSchema, { ...env, SMTP_URL: 'relay.example' })).toThrow(/SMTP_URL/);
  });

  it('defaults to a 15-minute reservation and a day before an order waiting for stock is refunded', () => {
    expect(loadConfig(ordersConfigSchema, env)).toMatchObject({ ORDER_TTL_SECONDS: 900, AWAITING_STOCK_REFUND_AFTER_SECONDS: 86400, LOOKUP_MAX_FAILURES: 5 });
  });
});
