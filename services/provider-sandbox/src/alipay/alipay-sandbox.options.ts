export const ALIPAY_SANDBOX_OPTIONS = Symbol('ALIPAY_SANDBOX_OPTIONS');

export interface AlipaySandboxOptions {
  /** Multiplies Alipay's notify retry schedule (4m,10m,…); 0.001 turns 4 minutes into 240 ms. */
  timeScale: number;
  /** The sandbox's own "Alipay" private key (PEM); generated at boot when absent. */
  privateKeyPem?: string;
}

export function alipaySandboxOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AlipaySandboxOptions {
  const scale = env.SANDBOX_TIME_SCALE === undefined ? 1 : Number(env.SANDBOX_TIME_SCALE);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`SANDBOX_TIME_SCALE must be a positive number, got "${env.SANDBOX_TIME_SCALE}"`);
  return { timeScale: scale, privateKeyPem: env.SANDBOX_ALIPAY_PRIVATE_KEY?.replace(/\\n/g, '\n') || undefined };
}
