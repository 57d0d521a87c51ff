import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Card keys at rest: AES-256-GCM with a random 96-bit IV per key, stored as iv ‖ tag ‖ ciphertext.
 * A keyed fingerprint (HMAC-SHA256 under a key derived from the same secret) lets the catalog
 * refuse duplicates without ever storing or comparing plaintext.
 */
export class CardKeyCipher {
  private readonly encKey: Buffer;
  private readonly fpKey: Buffer;

  constructor(masterKeyBase64: string) {
    const master = Buffer.from(masterKeyBase64, 'base64');
    if (master.length !== 32) throw new Error('card key encryption key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'cardshop card-key encryption', 32));
    this.fpKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'cardshop card-key fingerprint', 32));
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  /** Throws if the stored bytes were altered (GCM authentication). */
  decrypt(stored: Buffer): string {
    const d = createDecipheriv('aes-256-gcm', this.encKey, stored.subarray(0, 12));
    d.setAuthTag(stored.subarray(12, 28));
    return Buffer.concat([d.update(stored.subarray(28)), d.final()]).toString('utf8');
  }

  fingerprint(plain: string): Buffer {
    return createHmac('sha256', this.fpKey).update(plain.trim()).digest();
  }
}
