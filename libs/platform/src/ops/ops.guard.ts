import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PLATFORM_CONFIG } from '../tokens';
import type { BaseConfig } from '../config';
import { unauthorized } from '../errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when `presented` equals `expected`, compared in constant time. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

/** The ops credential from an `Authorization` header: `Bearer <token>` or Basic with the token as password. */
export function presentedOpsToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme) && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

/**
 * Guards `/ops` pages and ops routes with OPS_TOKEN. Browsers get a Basic challenge (user name
 * is ignored, the password is the token) so a person can open a dashboard without tooling.
 */
@Injectable()
export class OpsGuard implements CanActivate {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: BaseConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (tokenMatches(presentedOpsToken(req.headers.authorization), this.config.OPS_TOKEN)) return true;
    ctx.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', 'Basic realm="ops", charset="UTF-8"');
    throw unauthorized('OPS.UNAUTHORIZED', 'the ops credential is missing or wrong');
  }
}
