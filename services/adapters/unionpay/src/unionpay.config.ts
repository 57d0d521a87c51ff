import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { certIdOf } from './unionpay.signature';

const pem = (kind: string) => z.string().refine((s) => s.includes(`-----BEGIN`) && s.includes(kind), `must be a PEM ${kind}`);

const schema = z.object({
  /** 商户号: 15 digits. */
  merId: z.string().regex(/^\d{15}$/, 'must be 15 digits'),
  /** The private key of the merchant signing certificate (from its PFX), PKCS#8 or PKCS#1 PEM. Secret. */
  signPrivateKey: pem('PRIVATE KEY'),
  /** The merchant signing certificate (PEM); its serial in decimal is the `certId` we send. */
  signCert: pem('CERTIFICATE'),
  /** UnionPay's root and middle certificates: the chain every `signPubKeyCert` must lead to. */
  rootCert: pem('CERTIFICATE'),
  middleCert: pem('CERTIFICATE'),
  /** Base URL, e.g. https://gateway.test.95516.com (paths /gateway/api/… are appended). */
  gatewayUrl: z.string().url(),
  /** Our webhook (`backUrl`); no query string, it would break UnionPay's signature. */
  backUrl: z.string().url().refine((u) => !u.includes('?'), 'must not carry a query string'),
  /** Where the buyer's browser returns when a payment carries no return URL (`frontUrl`). */
  frontUrl: z.string().url(),
  /** This adapter's public `GET /pay/unionpay` page, which renders the signed form for the browser. */
  payPageUrl: z.string().url(),
  timeoutMs: z.number().int().positive().default(10_000),
});

export type UnionPayConfigInput = z.input<typeof schema>;

/** Validated UnionPay options; the private key never appears in logs or JSON. */
export class UnionPayConfig {
  readonly merId!: string;
  readonly signPrivateKey!: string;
  readonly signCert!: string;
  readonly rootCert!: string;
  readonly middleCert!: string;
  readonly gatewayUrl!: string;
  readonly backUrl!: string;
  readonly frontUrl!: string;
  readonly payPageUrl!: string;
  readonly timeoutMs!: number;
  /** Decimal serial of `signCert`. */
  readonly certId!: string;

  constructor(input: UnionPayConfigInput) {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`invalid UnionPay config: ${issue.path.join('.')}: ${issue.message}`);
    }
    const data = parsed.data;
    // A certificate that does not belong to the key would make every request fail signature
    // checks at UnionPay (respCode 11): refuse to start instead.
    let certId: string;
    try {
      const certKey = new X509Certificate(data.signCert).publicKey.export({ type: 'spki', format: 'der' });
      const ownKey = createPublicKey(createPrivateKey(data.signPrivateKey)).export({ type: 'spki', format: 'der' });
      if (!certKey.equals(ownKey)) throw new Error('signCert does not belong to signPrivateKey');
      certId = certIdOf(data.signCert);
    } catch (e) {
      throw new Error(`invalid UnionPay config: ${(e as Error).message}`);
    }
    Object.assign(this, data, { gatewayUrl: data.gatewayUrl.replace(/\/+$/, ''), certId });
    Object.defineProperty(this, 'signPrivateKey', { enumerable: false, value: data.signPrivateKey });
  }

  /** Reads UNIONPAY_* variables (PEMs may use literal `\n`); a missing one fails fast with its name. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): UnionPayConfig {
    const need = (name: string): string => {
      const v = env[name];
      if (!v) throw new Error(`missing environment variable ${name}`);
      return v;
    };
    const pemOf = (name: string) => need(name).replace(/\\n/g, '\n');
    return new UnionPayConfig({
      merId: need('UNIONPAY_MER_ID'),
      signPrivateKey: pemOf('UNIONPAY_SIGN_PRIVATE_KEY'),
      signCert: pemOf('UNIONPAY_SIGN_CERT'),
      rootCert: pemOf('UNIONPAY_ROOT_CERT'),
      middleCert: pemOf('UNIONPAY_MIDDLE_CERT'),
      gatewayUrl: need('UNIONPAY_GATEWAY_URL'),
      backUrl: need('UNIONPAY_BACK_URL'),
      frontUrl: need('UNIONPAY_FRONT_URL'),
      payPageUrl: need('UNIONPAY_PAY_PAGE_URL'),
      timeoutMs: env.UNIONPAY_TIMEOUT_MS ? Number(env.UNIONPAY_TIMEOUT_MS) : undefined,
    });
  }

  toJSON(): Record<string, unknown> {
    const { merId, certId, gatewayUrl, backUrl, frontUrl, payPageUrl, timeoutMs } = this;
    return { merId, certId, signPrivateKey: '[redacted]', gatewayUrl, backUrl, frontUrl, payPageUrl, timeoutMs };
  }

  toString(): string {
    return `UnionPayConfig(${JSON.stringify(this.toJSON())})`;
  }
}
