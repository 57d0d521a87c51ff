/**
 * Base of every fault raised by this library: a stable string `code`, a `retryable` flag telling
 * the caller whether trying again may help, and the underlying `cause`.
 */
export class MessagingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No answer in time: the responder is slow, absent (`reason: 'no_responders'`) or gone. Retryable. */
export class RpcTimeoutError extends MessagingError {
  constructor(
    readonly pattern: string,
    readonly reason: 'timeout' | 'no_responders',
    timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    const why = reason === 'no_responders' ? 'no responder is listening' : `no reply within ${timeoutMs} ms`;
    super('MESSAGING.TIMEOUT', `request ${pattern}: ${why}`, true, options);
  }
}

/** The responder answered with an error; `code`, `status` and `details` are the remote ones. */
export class RpcRemoteError extends MessagingError {
  constructor(
    readonly pattern: string,
    code: string,
    message: string,
    readonly status?: number,
    readonly details?: unknown,
    retryable = false,
  ) {
    super(code, message, retryable);
  }
}

/**
 * Throw this (or any error with `retryable === false`) from an event handler to send the message
 * straight to the dead-letter subject instead of retrying it.
 */
export class NonRetryableMessageError extends MessagingError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'MESSAGING.NON_RETRYABLE', message, false, options);
  }
}
