import { Aes } from 'wechatpay-axios-plugin';
import { decryptResource, encryptResource } from './wechat-pay.aead';

const KEY = '0123456789abcdef0123456789ABCDEF';
const NONCE = 'fdasflkja484';
const plaintext = JSON.stringify({ out_trade_no: 'att_1', amount: { total: 8888, currency: 'CNY' }, note: '点卡' });

describe('wechat-pay.aead', () => {
  it('decrypts what was encrypted with the APIv3 key, nonce and associated data', () => {
    const ciphertext = encryptResource(plaintext, KEY, NONCE, 'transaction');
    expect(decryptResource({ ciphertext, nonce: NONCE, associated_data: 'transaction' }, KEY)).toBe(plaintext);
    expect(decryptResource({ ciphertext: encryptResource(plaintext, KEY, NONCE), nonce: NONCE }, KEY)).toBe(plaintext);
  });

  it('agrees with the WeChat SDK both ways (ciphertext then 16-byte tag, base64)', () => {
    const ours = encryptResource(plaintext, KEY, NONCE, 'transaction');
    expect(Aes.AesGcm.decrypt(ours, KEY, NONCE, 'transaction')).toBe(plaintext);
    expect(decryptResource({ ciphertext: Aes.AesGcm.encrypt(plaintext, KEY, NONCE, 'transaction'), nonce: NONCE, associated_data: 'transaction' }, KEY)).toBe(plaintext);
    expect(Buffer.from(encryptResource('{}', KEY, NONCE, 'transaction'), 'base64')).toHaveLength(2 + 16);
  });

  it.each([
    ['a flipped ciphertext bit', (c: string) => ({ ciphertext: flip(c, 0), nonce: NONCE, associated_data: 'transaction' }), KEY],
    ['a flipped tag bit', (c: string) => ({ ciphertext: flip(c, Buffer.from(c, 'base64').length - 1), nonce: NONCE, associated_data: 'transaction' }), KEY],
    ['other associated data', (c: string) => ({ ciphertext: c, nonce: NONCE, associated_data: 'refund' }), KEY],
    ['another nonce', (c: string) => ({ ciphertext: c, nonce: 'aaaaaaaaaaaa', associated_data: 'transaction' }), KEY],
    ['another key', (c: string) => ({ ciphertext: c, nonce: NONCE, associated_data: 'transaction' }), 'X'.repeat(32)],
    ['a key of the wrong length', (c: string) => ({ ciphertext: c, nonce: NONCE, associated_data: 'transaction' }), 'short'],
    ['a ciphertext shorter than a tag', () => ({ ciphertext: 'AAAA', nonce: NONCE }), KEY],
    ['an empty nonce', (c: string) => ({ ciphertext: c, nonce: '' }), KEY],
    ['non-base64 garbage', () => ({ ciphertext: '%%%%'.repeat(20), nonce: NONCE }), KEY],
  ])('returns null, never throws, for %s', (_what, make, key) => {
    expect(decryptResource(make(encryptResource(plaintext, KEY, NONCE, 'transaction')), key)).toBeNull();
  });
});

function flip(b64: string, at: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] ^= 0x01;
  return bytes.toString('base64');
}
