import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Buyer access tokens are an HMAC of the order id under a server secret: nothing to store, and
 * a token for one order says nothing about any other.
 */
export class AccessTokens {
  constructor(private readonly secret: string) {}

  issue(orderId: string): string {
    return `ot_${createHmac('sha256', this.secret).update(orderId).digest('base64url')}`;
  }

  verify(orderId: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(this.issue(orderId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
