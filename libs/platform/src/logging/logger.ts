import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

/** Field names whose values never reach a log line (keys, tokens, card keys, signatures). */
export const REDACTED_PATHS = [
  'password', '*.password', 'queryPassword', '*.queryPassword', 'apiKey', '*.apiKey', 'api_key', '*.api_key',
  'accessToken', '*.accessToken', 'access_token', '*.access_token', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization', 'keys', '*.keys', 'privateKey', '*.privateKey', 'sign', '*.sign',
  'secret', '*.secret', 'OPS_TOKEN', '*.OPS_TOKEN',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: service, level, base: { service }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

/** Lets Nest write through pino, so framework and service logs share one structured stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) { this.write('info', message, context); }
  error(message: unknown, trace?: string, context?: string) { this.write('error', message, context, trace); }
  warn(message: unknown, context?: string) { this.write('warn', message, context); }
  debug(message: unknown, context?: string) { this.write('debug', message, context); }
  verbose(message: unknown, context?: string) { this.write('trace', message, context); }
  fatal(message: unknown, context?: string) { this.write('fatal', message, context); }

  private write(level: pino.Level, message: unknown, context?: string, trace?: string) {
    if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.logger[level]({ context, ...rest, ...(trace ? { trace } : {}) }, typeof msg === 'string' ? msg : undefined);
    } else {
      this.logger[level]({ context, ...(trace ? { trace } : {}) }, String(message));
    }
  }
}
