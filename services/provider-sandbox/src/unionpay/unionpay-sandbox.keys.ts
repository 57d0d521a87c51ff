import { Injectable, OnModuleInit } from '@nestjs/common';
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { badRequest } from '@cardshop/platform';
import { MerchantRegistry, providerKeyPair, SandboxStore } from '../kit';
import { compact, unionPaySign } from './unionpay-sandbox.wire';
import { caMatchesKeys, createCa, issue, spkiPem, type SandboxCa } from './unionpay-sandbox.pki';

/** A merchant as UnionPay's merchant service knows it: the signing certificates it issued to it. */
export interface UnionPayMerchant {
  merId: string;
  /** Every certificate issued (re-registration adds one; the old one keeps verifying until replaced). */
  certificates: { certId: string; pem: string }[];
  notifyUrl?: string;
}

const CA_RECORD = { provider: 'unionpay:ca', id: 'ca' };

/**
 * The simulated UnionPay PKI and merchant registry. Its three keys are kept with the store's
 * provider keys and its certificates as a record of their own, so the root and middle that
 * merchants configured stay valid across restarts; so do the merchants and their certificates.
 */
@Injectable()
export class UnionPaySandboxKeys implements OnModuleInit {
  ca!: SandboxCa;
  signingKey!: KeyObject;
  private middleKeyPem!: string;
  private merchants!: MerchantRegistry<UnionPayMerchant>;

  constructor(private readonly store: SandboxStore) {}

  async onModuleInit(): Promise<void> {
    const [root, middle, signing] = await Promise.all(['unionpay-root', 'unionpay-middle', 'unionpay-sign'].map((p) => providerKeyPair(this.store, p)));
    const keys = { root: root.privateKey, middle: middle.privateKey, signing: signing.privateKey };
    const stored = (await this.store.loadMerchants<SandboxCa>(CA_RECORD.provider))[0];
    if (stored && caMatchesKeys(stored, keys)) {
      this.ca = stored;
    } else {
      this.ca = createCa(keys);
      await this.store.saveMerchant(CA_RECORD.provider, CA_RECORD.id, this.ca);
    }
    this.middleKeyPem = keys.middle;
    this.signingKey = createPrivateKey(keys.signing);
    this.merchants = await new MerchantRegistry<UnionPayMerchant>('unionpay', this.store, (m) => m.merId).load();
  }

  /** Signs a response or notification as UnionPay does: its certificate embedded as `signPubKeyCert`. */
  signMessage(fields: Record<string, string | undefined>): Record<string, string> {
    const body = { ...compact(fields), signMethod: '01', signPubKeyCert: this.ca.signingCertificate };
    return { ...body, signature: unionPaySign(body, this.signingKey) };
  }

  /** Issues the merchant a signing certificate for its public key, from the sandbox's middle CA. */
  async registerMerchant(merId: string, publicKeyPem: string, notifyUrl?: string): Promise<{ merchant: UnionPayMerchant; certId: string; certificate: string }> {
    if (!/^\d{15}$/.test(merId)) throw badRequest('REQUEST.INVALID', 'merId: UnionPay merchant ids are 15 digits');
    let spki: string;
    try {
      spki = spkiPem(publicKeyPem);
      if (createPublicKey(spki).asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    } catch {
      throw badRequest('SANDBOX.INVALID_PUBLIC_KEY', 'publicKey is not an RSA public key PEM');
    }
    const cert = issue({ commonName: `CFCA@sandbox@${merId}@00000001`, publicKeyPem: spki, ca: false, years: 5, issuer: { certPem: this.ca.middleCertificate, privateKeyPem: this.middleKeyPem } });
    const previous = this.merchants.get(merId);
    const merchant: UnionPayMerchant = {
      merId,
      certificates: [...(previous?.certificates ?? []), { certId: cert.certId, pem: cert.pem }],
      notifyUrl: notifyUrl ?? previous?.notifyUrl,
    };
    await this.merchants.save(merchant);
    return { merchant, certId: cert.certId, certificate: cert.pem };
  }

  merchant(merId: string): UnionPayMerchant | undefined {
    return this.merchants.get(merId);
  }

  /** The public key of the merchant's certificate with serial `certId`, if UnionPay issued it. */
  merchantKey(merId: string, certId: string): KeyObject | undefined {
    const pem = this.merchant(merId)?.certificates.find((c) => c.certId === certId)?.pem;
    return pem ? new X509Certificate(pem).publicKey : undefined;
  }
}
