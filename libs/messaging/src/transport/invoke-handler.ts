import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';

/**
 * Calls a Nest handler and waits for its outcome, whether it returns a value, a Promise or an
 * Observable (Nest's exception filters turn a throw into an erroring Observable, so an
 * Observable must be run to its end to learn that the handler failed).
 */
export async function invokeHandler(handler: MessageHandler, data: unknown, ctx: unknown): Promise<unknown> {
  const result: unknown = await handler(data, ctx);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}

/** A one-line, header-safe description of a failure. */
export function errorText(err: unknown): string {
  const raw =
    typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string'
      ? (err as { message: string }).message
      : String(err);
  return raw.replace(/[\r\n]+/g, ' ').slice(0, 1024);
}

/** The `code` of an error, if it has a string one. */
export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
