import { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig, redactConfig } from './config';

const env = {
  SERVICE_NAME: 'orders', HTTP_PORT: '3002', DATABASE_URL: 'postgres://u:pw@localhost:5432/db', DB_SCHEMA: 'orders',
  NATS_URL: 'nats://localhost:4222', OPS_TOKEN: 'a-long-enough-ops-token',
};

describe('config', () => {
  it('a missing variable fails at boot with its name', () => {
    const { DATABASE_URL: _, ...rest } = env;
    expect(() => loadConfig(baseConfigSchema, rest)).toThrow(/DATABASE_URL is required/);
  });

  it('every problem is named, not only the first', () => {
    try {
      loadConfig(baseConfigSchema, { ...env, HTTP_PORT: 'x', DB_SCHEMA: 'Bad-Name' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.join()).toMatch(/HTTP_PORT/);
      expect((e as ConfigError).problems.join()).toMatch(/DB_SCHEMA/);
    }
  });

  it('values are typed and defaults applied', () => {
    const c = loadConfig(baseConfigSchema.extend({ EXTRA: z.coerce.number().default(7) }), env);
    expect(c.HTTP_PORT).toBe(3002);
    expect(c.EXTRA).toBe(7);
    expect(c.NATS_NAMESPACE).toBe('cardshop');
  });

  it('secrets never appear in the printable copy', () => {
    const printable = JSON.stringify(redactConfig(loadConfig(baseConfigSchema, env) as never));
    expect(printable).not.toContain('a-long-enough-ops-token');
    expect(printable).not.toContain(':pw@');
  });
});
