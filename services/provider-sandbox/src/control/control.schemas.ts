import { badRequest } from '@cardshop/platform';
import { z } from 'zod';

export const completeSchema = z.object({
  outcome: z.enum(['success', 'decline', 'abandon']),
  reason: z.string().min(1).max(128).optional(),
});

export const notificationPlanSchema = z.object({
  provider: z.string().min(1),
  mode: z.enum(['normal', 'drop', 'duplicate', 'delay', 'reorder']),
  count: z.number().int().min(1).max(100).optional(),
  delayMs: z.number().int().min(0).max(3_600_000).optional(),
});

export const merchantSchema = z
  .object({
    publicKey: z.string().min(1).optional(),
    certificate: z.string().min(1).optional(),
    secret: z.string().min(1).optional(),
    notifyUrl: z.string().url().optional(),
  })
  .strict();

/** Parses a request body or throws a 400 naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw badRequest('REQUEST.INVALID', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return r.data;
}
