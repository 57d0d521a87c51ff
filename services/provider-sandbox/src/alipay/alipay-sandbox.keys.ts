import { Inject, Injectable } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { badRequest } from '@cardshop/platform';
import { ALIPAY_SANDBOX_OPTIONS, type AlipaySandboxOptions } from './alipay-sandbox.options';
import { normalisePublicKey } from './alipay-sandbox.wire';

export interface AlipayMerchantApp {
  appId: string;
  appPublicKey: string;
  notifyUrl?: string;
}

/** The sandbox's "Alipay" key pair and the apps registered as in the open-platform console. */
@Injectable()
export class AlipaySandboxKeys {
  readonly privateKey: string;
  readonly publicKey: string;
  private readonly apps = new Map<string, AlipayMerchantApp>();

  constructor(@Inject(ALIPAY_SANDBOX_OPTIONS) options: AlipaySandboxOptions) {
    if (options.privateKeyPem) {
      this.privateKey = options.privateKeyPem;
      this.publicKey = createPublicKey(createPrivateKey(options.privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
    } else {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      this.publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    }
  }

  registerApp(appId: string, publicKey: string, notifyUrl?: string): AlipayMerchantApp {
    const pem = normalisePublicKey(publicKey);
    try {
      createPublicKey(pem);
    } catch {
      throw badRequest('SANDBOX.INVALID_PUBLIC_KEY', 'publicKey is not an RSA public key (PEM or base64 SPKI)');
    }
    const app = { appId, appPublicKey: pem, notifyUrl };
    this.apps.set(appId, app);
    return app;
  }

  app(appId: string): AlipayMerchantApp | undefined {
    return this.apps.get(appId);
  }
}
