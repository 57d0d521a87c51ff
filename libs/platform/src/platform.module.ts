import { DynamicModule, Global, Inject, Module, OnModuleInit, Optional } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG } from './tokens';
import type { BaseConfig } from './config';
import { HttpErrorFilter } from './errors';
import { HealthController, ReadinessRegistry } from './health';
import { MetricsController } from './metrics';
import { OpsController, OpsGuard, OpsRegistry } from './ops';

/**
 * What every service gets: its validated config, `/health/*`, `/metrics`, `/ops`, the ops guard and
 * the JSON error shape. Import once in the service's root module.
 */
@Global()
@Module({})
export class PlatformModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
  ) {}

  static forRoot(config: BaseConfig): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController, OpsController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ReadinessRegistry,
        OpsRegistry,
        OpsGuard,
      ],
      exports: [PLATFORM_CONFIG, ReadinessRegistry, OpsRegistry, OpsGuard],
    };
  }

  onModuleInit(): void {
    const ds = this.dataSource;
    if (ds) this.readiness.add({ name: 'postgres', check: async () => void (await ds.query('SELECT 1')) });
  }
}
