import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { NextFunction, Request, Response } from 'express';
import type { BaseConfig } from '../config';
import { createLogger, PinoNestLogger } from '../logging';
import { httpRequestDuration } from '../metrics';
import { ReadinessRegistry } from '../health';
import { traceHttpRequest } from '../telemetry';

/** Probes and scrapes are not traced: they would drown the requests that matter. */
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

export interface RunServiceOptions {
  module: Type<unknown> | DynamicModule;
  config: BaseConfig;
  /** The NATS side of the hybrid app (the JetStream transport); omitted for HTTP-only processes. */
  transport?: (app: INestApplication) => CustomTransportStrategy;
  /** Extra HTTP setup (static files, OpenAPI) before listening. */
  configure?: (app: INestApplication) => void | Promise<void>;
  bodyLimit?: string;
}

/**
 * Boots a hybrid service: HTTP (health, metrics, ops, the service's own routes, raw bodies kept for
 * webhook signatures) plus the NATS microservice, and shuts both down cleanly on SIGTERM/SIGINT:
 * readiness flips to draining, consumers stop and in-flight handlers finish, then connections close.
 */
export async function runService(opts: RunServiceOptions): Promise<INestApplication> {
  const logger = createLogger(opts.config.SERVICE_NAME, opts.config.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(opts.module, { rawBody: true, logger: new PinoNestLogger(logger), abortOnError: false });
  // No `X-Powered-By` banner; no ETag hashed over every JSON answer (no client sends If-None-Match).
  app.disable('x-powered-by');
  app.set('etag', false);
  app.useBodyParser('json', { limit: opts.bodyLimit ?? '1mb' });
  app.useBodyParser('urlencoded', { extended: false, limit: opts.bodyLimit ?? '1mb' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = httpRequestDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: (req.route?.path as string | undefined) ?? 'unmatched', status: String(res.statusCode) }));
    if (UNTRACED.test(req.url)) return next();
    traceHttpRequest(req, res, () => req.route?.path as string | undefined, (span) => {
      // Lets a buyer, a support agent or a test find this request's trace on every service's ops page.
      if (span.isRecording()) res.setHeader('X-Trace-Id', span.spanContext().traceId);
      next();
    });
  });
  if (opts.transport) app.connectMicroservice({ strategy: opts.transport(app) }, { inheritAppConfig: true });
  await opts.configure?.(app);
  if (opts.transport) await app.startAllMicroservices();
  await app.listen(opts.config.HTTP_PORT, opts.config.HTTP_HOST);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    app.get(ReadinessRegistry).markDraining();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
  logger.info({ port: opts.config.HTTP_PORT }, 'service started');
  return app;
}
