import { DynamicModule, Module } from '@nestjs/common';
import { messagingEntities, messagingMigrations, ServiceMessagingModule } from '@cardshop/messaging';
import { PersistenceModule, PlatformModule } from '@cardshop/platform';
import { ChannelOutcomesController } from './channel-outcomes/channel-outcomes.controller';
import { RouterInit1732600000000 } from './migrations/1732600000000-router-init';
import { ChinaChannels1764200000000 } from './migrations/1764200000000-china-channels';
import { ChannelCatalogue } from './rank-channels/channel-catalogue';
import { RankChannelsController } from './rank-channels/rank-channels.controller';
import { ROUTER_CONFIG, type RouterConfig } from './router.config';
import { RouterOps } from './router.ops';

const controllers = [RankChannelsController, ChannelOutcomesController];
export const routerMigrations = [...messagingMigrations, RouterInit1732600000000, ChinaChannels1764200000000];

@Module({})
export class AppModule {
  static forRoot(config: RouterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), PersistenceModule.forRoot({ entities: messagingEntities, migrations: routerMigrations }), ServiceMessagingModule.forRoot(config)],
      controllers,
      providers: [{ provide: ROUTER_CONFIG, useValue: config }, ChannelCatalogue, RouterOps],
    };
  }
}
