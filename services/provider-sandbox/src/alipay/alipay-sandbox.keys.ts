import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { badRequest } from '@cardshop/platform';
import { ALIPAY_SANDBOX_OPTIONS, type AlipaySandboxOptions } from './alipay-sandbox.options';
import { normalisePublicKey } from './alipay-sandbox.wire';
import { AlipaySandboxStore } from './alipay-sandbox.store';

export interface AlipayMerchantApp {
  appId: string;
  appPublicKey: string;
  notifyUrl?: string;
}

/**
 * The sandbox's "Alipay" key pair and the apps registered as in the open-platform console. The
 * key pair is made once and kept in the store (or given as SANDBOX_ALIPAY_PRIVATE_KEY), so the
 * Alipay public key merchants configured stays valid across restarts; so do their apps.
 */
@Injectable()
export class AlipaySandboxKeys implements OnModuleInit {
  privateKey!: string;
  publicKey!: string;
  private readonly apps = new Map<string, AlipayMerchantApp>();

  constructor(
    @Inject(ALIPAY_SANDBOX_OPTIONS) private readonly options: AlipaySandboxOptions,
    private readonly store: AlipaySandboxStore,
  ) {}

  async onModuleInit(): Promise<void> {
    let pem = this.options.privateKeyPem ?? (await this.store.loadPrivateKey());
    if (!pem) {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await this.store.savePrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      // Another instance may have saved its pair first: use whichever the store kept.
      pem = (await this.store.loadPrivateKey()) ?? pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    }
    this.privateKey = pem;
    this.publicKey = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
    for (const app of await this.store.loadApps()) this.apps.set(app.appId, app);
  }

  async registerApp(appId: string, publicKey: string, notifyUrl?: string): Promise<AlipayMerchantApp> {
    const pem = normalisePublicKey(publicKey);
    try {
      createPublicKey(pem);
    } catch {
      throw badRequest('SANDBOX.INVALID_PUBLIC_KEY', 'publicKey is not an RSA public key (PEM or base64 SPKI)');
    }
    const app = { appId, appPublicKey: pem, notifyUrl };
    await this.store.saveApp(app);
    this.apps.set(appId, app);
    return app;
  }

  app(appId: string): AlipayMerchantApp | undefined {
    return this.apps.get(appId);
  }
}
