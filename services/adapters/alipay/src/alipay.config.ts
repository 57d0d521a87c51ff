import { z } from 'zod';

const pem = (kind: string) => z.string().refine((s) => s.includes(`-----BEGIN`) && s.includes(kind), `must be a PEM ${kind}`);

const schema = z.object({
  appId: z.string().min(1),
  /** The merchant's application private key (PKCS#8 or PKCS#1 PEM). Secret. */
  privateKey: pem('PRIVATE KEY'),
  /** Alipay's public key from the console (or the sandbox's `/control/keys/alipay`). */
  alipayPublicKey: pem('PUBLIC KEY'),
  gatewayUrl: z.string().url(),
  notifyUrl: z.string().url(),
  sellerId: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(10_000),
});

export type AlipayConfigInput = z.input<typeof schema>;

/** Validated Alipay options; the private key never appears in logs or JSON. */
export class AlipayConfig {
  readonly appId!: string;
  readonly privateKey!: string;
  readonly alipayPublicKey!: string;
  readonly gatewayUrl!: string;
  readonly notifyUrl!: string;
  readonly sellerId?: string;
  readonly timeoutMs!: number;

  constructor(input: AlipayConfigInput) {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`invalid Alipay config: ${issue.path.join('.')}: ${issue.message}`);
    }
    Object.assign(this, parsed.data);
    Object.defineProperty(this, 'privateKey', { enumerable: false, value: parsed.data.privateKey });
  }

  /** Reads ALIPAY_* variables; a missing one fails fast with its name. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): AlipayConfig {
    const need = (name: string): string => {
      const v = env[name];
      if (!v) throw new Error(`missing environment variable ${name}`);
      return v;
    };
    return new AlipayConfig({
      appId: need('ALIPAY_APP_ID'),
      privateKey: need('ALIPAY_PRIVATE_KEY').replace(/\\n/g, '\n'),
      alipayPublicKey: need('ALIPAY_PUBLIC_KEY').replace(/\\n/g, '\n'),
      gatewayUrl: need('ALIPAY_GATEWAY_URL'),
      notifyUrl: need('ALIPAY_NOTIFY_URL'),
      sellerId: env.ALIPAY_SELLER_ID || undefined,
      timeoutMs: env.ALIPAY_TIMEOUT_MS ? Number(env.ALIPAY_TIMEOUT_MS) : undefined,
    });
  }

  toJSON(): Record<string, unknown> {
    const { appId, gatewayUrl, notifyUrl, sellerId, timeoutMs } = this;
    return { appId, privateKey: '[redacted]', gatewayUrl, notifyUrl, sellerId, timeoutMs };
  }

  toString(): string {
    return `AlipayConfig(${JSON.stringify(this.toJSON())})`;
  }
}
