import { Controller, Get, Header, Inject, Injectable, Param, Query, UseGuards } from '@nestjs/common';
import { PLATFORM_CONFIG } from '../tokens';
import { redactConfig, type BaseConfig } from '../config';
import { spanStore } from '../telemetry';
import { ReadinessRegistry } from '../health';
import { OpsGuard } from './ops.guard';
import { renderOpsPage, type OpsSection, type OpsSectionSource } from './ops-page';

/** Services add their dashboard sections here (on module init). */
@Injectable()
export class OpsRegistry {
  readonly sources: OpsSectionSource[] = [];
  add(source: OpsSectionSource): void {
    this.sources.push(source);
  }
}

@Controller('ops')
@UseGuards(OpsGuard)
export class OpsController {
  constructor(
    private readonly registry: OpsRegistry,
    private readonly readiness: ReadinessRegistry,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(@Query() query: Record<string, unknown> = {}): Promise<string> {
    // Only single string values reach the sections: `?a=1&a=2` or nested keys are dropped.
    const q = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const own = await Promise.all(this.registry.sources.map((s) => s.sections(q)));
    const health = await this.readiness.run();
    const mem = process.memoryUsage();
    const sections: OpsSection[] = [
      ...own.flat(),
      { title: 'Process', kind: 'figures', figures: { ready: health.ready ? 'yes' : 'no', ...health.checks, 'uptime s': Math.round(process.uptime()), 'rss MiB': Math.round(mem.rss / 2 ** 20), pid: process.pid } },
      { title: 'Recent spans', kind: 'table', rows: (spanStore()?.recent(15) ?? []).map((s) => ({ trace: s.traceId, span: s.name, ms: s.durationMs.toFixed(2) })) },
      { title: 'Configuration', kind: 'figures', figures: redactConfig(this.config as unknown as Record<string, unknown>) as Record<string, string> },
    ];
    return renderOpsPage(this.config.SERVICE_NAME, sections);
  }

  /** The spans this process recorded for one trace (JSON), for ops and trace tests. */
  @Get('traces/:traceId')
  trace(@Param('traceId') traceId: string) {
    return { service: this.config.SERVICE_NAME, spans: spanStore()?.byTrace(traceId) ?? [] };
  }
}
