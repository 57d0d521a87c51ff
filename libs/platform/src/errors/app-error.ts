/**
 * The one error base of the platform. Faults carry a stable string `code` (`ORDER.NOT_FOUND`),
 * the HTTP status a caller should see, and whether retrying may help. Declines are data, not
 * errors: see `@cardshop/payments`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly retryable = false,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  toJSON(): { code: string; message: string; details?: unknown } {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

export const notFound = (code: string, message: string, details?: unknown) => new AppError(code, message, 404, false, details);
export const badRequest = (code: string, message: string, details?: unknown) => new AppError(code, message, 400, false, details);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(code, message, 409, false, details);
export const unauthorized = (code: string, message: string) => new AppError(code, message, 401, false);
export const unavailable = (code: string, message: string, cause?: unknown) => new AppError(code, message, 503, true, undefined, { cause });

/** Anything with a string `code` and optional `status` (an AppError, or one that crossed NATS). */
export interface CodedError {
  code: string;
  message: string;
  status?: number;
  retryable?: boolean;
  details?: unknown;
}

export function isCodedError(e: unknown): e is CodedError {
  return typeof e === 'object' && e !== null && typeof (e as CodedError).code === 'string' && typeof (e as CodedError).message === 'string';
}
