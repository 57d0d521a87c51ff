import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { SandboxStore } from './sandbox-store';

export interface ProviderKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * The simulated provider's own RSA key pair: the configured one, else the one kept in the store,
 * else a new one (kept, so the public key merchants configured stays valid across restarts).
 */
export async function providerKeyPair(store: SandboxStore, provider: string, configuredPem?: string): Promise<ProviderKeyPair> {
  let pem = configuredPem ?? (await store.loadPrivateKey(provider));
  if (!pem) {
    const fresh = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await store.savePrivateKey(provider, fresh);
    // Another replica may have saved its pair first: use whichever the store kept.
    pem = (await store.loadPrivateKey(provider)) ?? fresh;
  }
  return { privateKey: pem, publicKey: createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString() };
}

/** Merchants as registered in a provider's console, kept in the store. */
export class MerchantRegistry<M> {
  private readonly merchants = new Map<string, M>();

  constructor(
    private readonly provider: string,
    private readonly store: SandboxStore,
    private readonly idOf: (m: M) => string,
  ) {}

  async load(): Promise<this> {
    for (const m of await this.store.loadMerchants<M>(this.provider)) this.merchants.set(this.idOf(m), m);
    return this;
  }

  async save(merchant: M): Promise<M> {
    await this.store.saveMerchant(this.provider, this.idOf(merchant), merchant);
    this.merchants.set(this.idOf(merchant), merchant);
    return merchant;
  }

  get(id: string): M | undefined {
    return this.merchants.get(id);
  }
}
