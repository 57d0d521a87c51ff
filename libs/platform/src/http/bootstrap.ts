import type { DynamicModule, INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parse as parseQuery } from 'node:querystring';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BaseConfig } from '../config';
import { AppError, badRequest } from '../errors';
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
  /** Largest request body accepted, in bytes (413 above it); 1 MiB unless set. */
  bodyLimitBytes?: number;
}

/** An HTTP request as controllers see it: Fastify's, with the exact bytes of its body kept. */
export type HttpRequest = FastifyRequest<{ Querystring: Record<string, string | string[] | undefined> }> & { rawBody?: Buffer };
export type HttpReply = FastifyReply;

const unsupported = (message: string) => new AppError('REQUEST.UNSUPPORTED_MEDIA_TYPE', message, 415);
/** True when a Content-Type names no charset or UTF-8. */
const isUtf8 = (contentType: string | undefined) => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
};

/**
 * A Nest application on Fastify, as every service and test harness builds it. Every body is read
 * into a buffer kept as `req.rawBody` (webhook signatures are checked over those exact bytes);
 * JSON and form bodies are parsed besides, any other type is left to the route (a webhook adapter
 * decides what it accepts). An empty JSON body is `{}`. Malformed, oversized or unparseable bodies
 * are 4xx errors in the platform's error shape.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, opts: { logger?: NestApplicationOptions['logger']; bodyLimitBytes?: number } = {}): Promise<NestFastifyApplication> {
  const bodyLimit = opts.bodyLimitBytes ?? 1024 * 1024;
  // `/orders/` routes like `/orders`, as it did under Express.
  const adapter = new FastifyAdapter({ bodyLimit, routerOptions: { ignoreTrailingSlash: true } });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { rawBody: true, logger: opts.logger ?? false, abortOnError: false });
  const http = adapter.getInstance();
  // Bodies are read as sent: a compressed one is refused rather than misread.
  http.addHook('preParsing', (req, _reply, payload, done) => {
    const coding = req.headers['content-encoding'];
    if (coding && coding.trim().toLowerCase() !== 'identity') return done(unsupported(`content-encoding ${coding} is not accepted; send the body uncompressed`));
    done(null, payload);
  });
  const json = http.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (req, body, done) => {
    if (!isUtf8(req.headers['content-type'])) return done(unsupported('JSON must be sent as UTF-8'));
    if (body.length === 0) return done(null, {});
    json(req as never, body.toString('utf8'), (err, value) => (err ? done(badRequest('REQUEST.MALFORMED_BODY', 'the request body could not be parsed')) : done(null, value)));
  });
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (req, body, done) => {
    if (!isUtf8(req.headers['content-type'])) return done(unsupported('forms must be sent as UTF-8'));
    done(null, parseQuery(body.toString('utf8')));
  });
  app.useBodyParser('*', { bodyLimit }, (_req, _body, done) => done(null, undefined));
  return app;
}

/**
 * Boots a hybrid service: HTTP (health, metrics, ops, the service's own routes, raw bodies kept for
 * webhook signatures) plus the NATS microservice, and shuts both down cleanly on SIGTERM/SIGINT:
 * readiness flips to draining, consumers stop and in-flight handlers finish, then connections close.
 */
export async function runService(opts: RunServiceOptions): Promise<INestApplication> {
  const logger = createLogger(opts.config.SERVICE_NAME, opts.config.LOG_LEVEL);
  const app = await createHttpApp(opts.module, { logger: new PinoNestLogger(logger), bodyLimitBytes: opts.bodyLimitBytes });
  const http = app.getHttpAdapter().getInstance();
  const routeOf = (req: { routeOptions: { url?: string } }) => req.routeOptions.url;
  http.addHook('onRequest', (req, reply, done) => {
    const end = httpRequestDuration.startTimer({ method: req.method });
    reply.raw.once('finish', () => end({ route: routeOf(req) ?? 'unmatched', status: String(reply.raw.statusCode) }));
    done();
  });
  // The request's span is opened once its body is read, and the handler runs inside it.
  http.addHook('preHandler', (req, reply, done) => {
    if (UNTRACED.test(req.url)) return done();
    traceHttpRequest(req, reply.raw, () => routeOf(req), (span) => {
      // Lets a buyer, a support agent or a test find this request's trace on every service's ops page.
      if (span.isRecording()) reply.header('X-Trace-Id', span.spanContext().traceId);
      done();
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
