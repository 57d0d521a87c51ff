export const WECHAT_PAY_SANDBOX_OPTIONS = Symbol('WECHAT_PAY_SANDBOX_OPTIONS');

export interface WechatPaySandboxOptions {
  /**
   * Every n-th successful payment is first notified by a deliberately mis-signed copy, as WeChat
   * probes whether merchants verify signatures; 0 turns probes off. Default 5.
   */
  probeEvery: number;
  /** The sandbox's own "WeChat Pay platform" private key (PEM); kept in the store when absent. */
  privateKeyPem?: string;
}

/** SANDBOX_WECHAT_PROBE_EVERY and SANDBOX_WECHAT_PRIVATE_KEY, or fail with the name. */
export function wechatPaySandboxOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WechatPaySandboxOptions {
  const probeEvery = env.SANDBOX_WECHAT_PROBE_EVERY === undefined ? 5 : Number(env.SANDBOX_WECHAT_PROBE_EVERY);
  if (!Number.isInteger(probeEvery) || probeEvery < 0) throw new Error(`SANDBOX_WECHAT_PROBE_EVERY must be a whole number ≥ 0, got "${env.SANDBOX_WECHAT_PROBE_EVERY}"`);
  return { probeEvery, privateKeyPem: env.SANDBOX_WECHAT_PRIVATE_KEY?.replace(/\\n/g, '\n') || undefined };
}
