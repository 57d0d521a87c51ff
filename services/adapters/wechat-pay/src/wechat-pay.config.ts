import { z } from 'zod';

const pem = (...kinds: string[]) =>
  z.string().refine((s) => s.includes('-----BEGIN') && kinds.some((k) => s.includes(k)), `must be a PEM ${kinds.join(' or ')}`);

const schema = z.object({
  /** 商户号, e.g. `1900000109`. */
  mchid: z.string().min(1).max(32),
  /** The AppID bound to the merchant (official account or app), e.g. `wxd678efh567hg6787`. */
  appid: z.string().min(1).max(32),
  /** The merchant API private key (`apiclient_key.pem`). Secret. */
  merchantPrivateKey: pem('PRIVATE KEY'),
  /** Serial number of the merchant API certificate; goes into every Authorization header. */
  merchantSerial: z.string().min(1).max(64),
  /**
   * WeChat's keys that sign responses and notifications, by the serial in `Wechatpay-Serial`
   * (platform certificate serial or `PUB_KEY_ID_…`). During a migration WeChat signs with
   * either, so more than one may be configured. Public keys or certificates.
   */
  platformKeys: z
    .record(z.string().min(1), pem('PUBLIC KEY', 'CERTIFICATE'))
    .refine((keys) => Object.keys(keys).length > 0, 'at least one platform key is required'),
  /** The APIv3 key: 32 ASCII bytes used directly as the AES-256-GCM key of notifications. Secret. */
  apiV3Key: z.string().refine((s) => Buffer.byteLength(s, 'utf8') === 32, 'must be exactly 32 bytes'),
  /** `https://api.mch.weixin.qq.com`, or the sandbox's `<sandbox>/wechat-pay`. */
  baseUrl: z
    .string()
    .url()
    .default('https://api.mch.weixin.qq.com')
    .transform((s) => s.replace(/\/+$/, '')),
  /** Where WeChat posts payment and refund notifications (`…/webhooks/wechat_pay`); no query string. */
  notifyUrl: z.string().url(),
  timeoutMs: z.number().int().positive().default(10_000),
});

export type WechatPayConfigInput = z.input<typeof schema>;

/** Validated WeChat Pay options; the private key and the APIv3 key never appear in logs or JSON. */
export class WechatPayConfig {
  readonly mchid!: string;
  readonly appid!: string;
  readonly merchantPrivateKey!: string;
  readonly merchantSerial!: string;
  readonly platformKeys!: Readonly<Record<string, string>>;
  readonly apiV3Key!: string;
  readonly baseUrl!: string;
  readonly notifyUrl!: string;
  readonly timeoutMs!: number;

  constructor(input: WechatPayConfigInput) {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`invalid WeChat Pay config: ${issue.path.join('.')}: ${issue.message}`);
    }
    Object.assign(this, parsed.data);
    for (const secret of ['merchantPrivateKey', 'apiV3Key'] as const) {
      Object.defineProperty(this, secret, { enumerable: false, value: parsed.data[secret] });
    }
  }

  /**
   * Reads WECHATPAY_* variables; a missing one fails fast with its name. PEMs may carry literal
   * `\n` (one-line env files). A second platform key (`…_2`) is for WeChat's key migration.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): WechatPayConfig {
    const need = (name: string): string => {
      const v = env[name];
      if (!v) throw new Error(`missing environment variable ${name}`);
      return v;
    };
    const pemOf = (v: string) => v.replace(/\\n/g, '\n');
    const mchid = need('WECHATPAY_MCHID');
    const appid = need('WECHATPAY_APPID');
    const merchantPrivateKey = pemOf(need('WECHATPAY_MERCHANT_PRIVATE_KEY'));
    const merchantSerial = need('WECHATPAY_MERCHANT_SERIAL');
    const platformKeys: Record<string, string> = { [need('WECHATPAY_PLATFORM_SERIAL')]: pemOf(need('WECHATPAY_PLATFORM_PUBLIC_KEY')) };
    if (env.WECHATPAY_PLATFORM_SERIAL_2 || env.WECHATPAY_PLATFORM_PUBLIC_KEY_2) {
      platformKeys[need('WECHATPAY_PLATFORM_SERIAL_2')] = pemOf(need('WECHATPAY_PLATFORM_PUBLIC_KEY_2'));
    }
    return new WechatPayConfig({
      mchid,
      appid,
      merchantPrivateKey,
      merchantSerial,
      platformKeys,
      apiV3Key: need('WECHATPAY_APIV3_KEY'),
      baseUrl: env.WECHATPAY_BASE_URL || undefined,
      notifyUrl: need('WECHATPAY_NOTIFY_URL'),
      timeoutMs: env.WECHATPAY_TIMEOUT_MS ? Number(env.WECHATPAY_TIMEOUT_MS) : undefined,
    });
  }

  toJSON(): Record<string, unknown> {
    const { mchid, appid, merchantSerial, platformKeys, baseUrl, notifyUrl, timeoutMs } = this;
    return { mchid, appid, merchantSerial, platformSerials: Object.keys(platformKeys), merchantPrivateKey: '[redacted]', apiV3Key: '[redacted]', baseUrl, notifyUrl, timeoutMs };
  }

  toString(): string {
    return `WechatPayConfig(${JSON.stringify(this.toJSON())})`;
  }
}
