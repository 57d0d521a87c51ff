import { createCipheriv, createDecipheriv } from 'node:crypto';

/** GCM tag length WeChat appends to every ciphertext. */
const TAG_BYTES = 16;

export interface EncryptedResource {
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/**
 * Opens a notification `resource` (AEAD_AES_256_GCM, RFC 5116): the APIv3 key's 32 ASCII bytes are
 * the AES key, the nonce string's bytes the IV, `associated_data` the AAD, and the base64 ciphertext
 * ends with the 16-byte tag. Null when anything is off: a wrong key, a flipped bit, a short input.
 */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string | null {
  try {
    const key = Buffer.from(apiV3Key, 'utf8');
    const data = Buffer.from(resource.ciphertext, 'base64');
    if (key.length !== 32 || !resource.nonce || data.length <= TAG_BYTES) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The inverse, for tests: what WeChat does before it sends a notification. */
export function encryptResource(plaintext: string, apiV3Key: string, nonce: string, associatedData = ''): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'), { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}
