import { AccessTokens } from './access-token';
import { hashQueryPassword, verifyQueryPassword } from './query-password';

describe('buyer credentials', () => {
  const tokens = new AccessTokens('s'.repeat(32));
  it('an access token opens its own order and no other', () => {
    const t = tokens.issue('order-a');
    expect(tokens.verify('order-a', t)).toBe(true);
    expect(tokens.verify('order-b', t)).toBe(false);
    expect(tokens.verify('order-a', undefined)).toBe(false);
    expect(tokens.verify('order-a', t.slice(0, -1))).toBe(false);
  });
  it('a token from another secret is refused', () => {
    expect(tokens.verify('order-a', new AccessTokens('x'.repeat(32)).issue('order-a'))).toBe(false);
  });
  it('a query password is stored hashed and verifies only itself', async () => {
    const stored = await hashQueryPassword('hunter22');
    expect(stored).not.toContain('hunter22');
    expect(await verifyQueryPassword('hunter22', stored)).toBe(true);
    expect(await verifyQueryPassword('hunter23', stored)).toBe(false);
    expect(await verifyQueryPassword('hunter22', null)).toBe(false);
  });
});
