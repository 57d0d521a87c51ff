import { z } from 'zod';

const aggregatorSchema = z.object({
  /** A label for people and logs, e.g. `rainbow-a`. */
  name: z.string().min(1),
  /** The aggregator's base URL; `mapi.php` and `api.php` are resolved against it. */
  gatewayUrl: z
    .string()
    .url()
    .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
  /** Our merchant id at this aggregator (商户ID). */
  pid: z.coerce.string().min(1),
  /** The MD5 merchant key (商户密钥). Secret; an empty one would make every notify forgeable. */
  key: z.string().min(1, 'must not be empty (md5(data + "") is forgeable)'),
  /** Payment types this merchant account has enabled: alipay, wxpay, qqpay, bank, … */
  types: z.array(z.string().regex(/^[a-z0-9._-]+$/i, 'a payment type like alipay or wxpay')).min(1),
});

const schema = z
  .object({
    aggregators: z.array(aggregatorSchema).min(1),
    /** One URL for every aggregator (`…/webhooks/epay`): notifications carry `pid`, which picks the key. */
    notifyUrl: z.string().url(),
    /** Where the buyer's browser goes after paying when a create call gives no returnUrl. */
    returnUrl: z.string().url(),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.aggregators.forEach((a, i) => {
      // A notification names its merchant only by pid, so two accounts with one pid are ambiguous.
      if (seen.has(a.pid)) ctx.addIssue({ code: 'custom', path: ['aggregators', i, 'pid'], message: `pid ${a.pid} is configured twice` });
      seen.add(a.pid);
    });
  });

export type EpayAggregatorInput = z.input<typeof aggregatorSchema>;
export type EpayConfigInput = z.input<typeof schema>;
export type EpayAggregator = z.output<typeof aggregatorSchema>;

/** Validated epay options for one or more aggregator merchant accounts; keys never appear in logs or JSON. */
export class EpayConfig {
  readonly aggregators!: readonly EpayAggregator[];
  readonly notifyUrl!: string;
  readonly returnUrl!: string;
  readonly timeoutMs!: number;

  constructor(input: EpayConfigInput) {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const [, index] = issue.path;
      const named = typeof index === 'number' && input.aggregators?.[index]?.name ? ` (aggregator "${input.aggregators[index].name}")` : '';
      throw new Error(`invalid epay config: ${issue.path.join('.')}${named}: ${issue.message}`);
    }
    const { aggregators, ...rest } = parsed.data;
    Object.assign(this, rest);
    // The key stays reachable for signing but is not enumerable, so spreads and dumps skip it.
    const hidden = aggregators.map((a) => Object.defineProperty({ ...a }, 'key', { enumerable: false, value: a.key }) as EpayAggregator);
    Object.defineProperty(this, 'aggregators', { enumerable: true, value: Object.freeze(hidden) });
  }

  /**
   * Reads EPAY_AGGREGATORS (a JSON array of `{ name, gatewayUrl, pid, key, types }`),
   * EPAY_NOTIFY_URL, EPAY_RETURN_URL and EPAY_TIMEOUT_MS; a missing one fails fast with its name.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): EpayConfig {
    const need = (name: string): string => {
      const v = env[name];
      if (!v) throw new Error(`missing environment variable ${name}`);
      return v;
    };
    const json = need('EPAY_AGGREGATORS');
    let aggregators: unknown;
    try {
      aggregators = JSON.parse(json);
    } catch {
      // The JSON holds keys: never echo it or the parser's excerpt of it.
      throw new Error('EPAY_AGGREGATORS is not valid JSON');
    }
    if (!Array.isArray(aggregators)) throw new Error('EPAY_AGGREGATORS must be a JSON array of { name, gatewayUrl, pid, key, types }');
    return new EpayConfig({
      aggregators: aggregators as EpayAggregatorInput[],
      notifyUrl: need('EPAY_NOTIFY_URL'),
      returnUrl: need('EPAY_RETURN_URL'),
      timeoutMs: env.EPAY_TIMEOUT_MS ? Number(env.EPAY_TIMEOUT_MS) : undefined,
    });
  }

  /** The configured aggregator whose merchant id is `pid`. */
  byPid(pid: string): EpayAggregator | undefined {
    return this.aggregators.find((a) => a.pid === pid);
  }

  /** The first aggregator offering payment type `type`: config order is preference order. */
  forType(type: string): EpayAggregator | undefined {
    return this.aggregators.find((a) => a.types.includes(type));
  }

  toJSON(): Record<string, unknown> {
    const { notifyUrl, returnUrl, timeoutMs } = this;
    const aggregators = this.aggregators.map(({ name, gatewayUrl, pid, types }) => ({ name, gatewayUrl, pid, key: '[redacted]', types }));
    return { aggregators, notifyUrl, returnUrl, timeoutMs };
  }

  toString(): string {
    return `EpayConfig(${JSON.stringify(this.toJSON())})`;
  }
}
