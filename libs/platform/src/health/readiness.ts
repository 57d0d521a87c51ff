import { Controller, Get, HttpCode, Injectable, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is usable; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

/** Dependencies register here (PostgreSQL by the platform, NATS by messaging). */
@Injectable()
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];
  private draining = false;

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Called at shutdown so load balancers stop sending work before consumers drain. */
  markDraining(): void {
    this.draining = true;
  }

  async run(timeoutMs = 2000): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    await Promise.all(
      this.checks.map(async (c) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([c.check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
          results[c.name] = 'ok';
        } catch (e) {
          results[c.name] = `down: ${(e as Error).message}`;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    if (this.draining) results.shutdown = 'draining';
    return { ready: !this.draining && Object.values(results).every((r) => r === 'ok'), checks: results };
  }
}

@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  /** The process is up and its event loop turns. */
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Every dependency (PostgreSQL, NATS) answers; 503 otherwise, with which one failed. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const r = await this.readiness.run();
    void reply.status(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks });
  }
}
