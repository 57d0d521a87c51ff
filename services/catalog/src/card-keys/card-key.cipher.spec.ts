import { randomBytes } from 'node:crypto';
import { CardKeyCipher } from './card-key.cipher';

const cipher = new CardKeyCipher(randomBytes(32).toString('base64'));

describe('CardKeyCipher', () => {
  it('a card key round-trips and its ciphertext does not contain the plaintext', () => {
    const stored = cipher.encrypt('XXXX-YYYY-ZZZZ-1234');
    expect(stored.toString('latin1')).not.toContain('XXXX-YYYY');
    expect(cipher.decrypt(stored)).toBe('XXXX-YYYY-ZZZZ-1234');
  });
  it('the same key encrypts differently each time (random IV)', () => {
    expect(cipher.encrypt('K').equals(cipher.encrypt('K'))).toBe(false);
  });
  it('a tampered ciphertext is refused', () => {
    const stored = cipher.encrypt('GIFT-0001');
    stored[stored.length - 1] ^= 1;
    expect(() => cipher.decrypt(stored)).toThrow();
  });
  it('fingerprints match for the same key, ignoring surrounding whitespace, and differ across keys', () => {
    expect(cipher.fingerprint(' A-1 ').equals(cipher.fingerprint('A-1'))).toBe(true);
    expect(cipher.fingerprint('A-1').equals(cipher.fingerprint('A-2'))).toBe(false);
  });
  it('a key of the wrong length is refused at construction', () => {
    expect(() => new CardKeyCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
