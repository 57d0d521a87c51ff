import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { create } from '@bufbuild/protobuf';
import { patternOfMethod, RankChannelsResponseSchema, RoutingService, type RankChannelsRequest } from '@cardshop/contracts';
import { badRequest } from '@cardshop/platform';
import { ROUTER_CONFIG, type RouterConfig } from '../router.config';
import { ChannelCatalogue } from './channel-catalogue';
import { rankChannels } from './channel-ranking';

@Controller()
export class RankChannelsController {
  constructor(private readonly catalogue: ChannelCatalogue, @Inject(ROUTER_CONFIG) private readonly config: RouterConfig) {}

  /** Answers from memory: no database round trip on the checkout path. */
  @MessagePattern(patternOfMethod(RoutingService.method.rankChannels))
  rank(@Payload() req: RankChannelsRequest) {
    const amount = req.amount;
    if (!amount || amount.minorAmount <= 0n) throw badRequest('ROUTING.INVALID_AMOUNT', 'amount must be a positive integer in minor units');
    if (!/^[A-Z]{3,4}$/.test(amount.currency)) throw badRequest('ROUTING.INVALID_CURRENCY', 'currency must be an upper-case ISO code or USDT');
    const country = req.country.trim().toUpperCase();
    if (country && !/^[A-Z]{2}$/.test(country)) throw badRequest('ROUTING.INVALID_COUNTRY', 'country must be an ISO 3166 alpha-2 code');
    const ranked = rankChannels(this.catalogue.all(), { country, device: req.device.trim().toLowerCase(), amountMinor: amount.minorAmount, currency: amount.currency }, this.config.ROUTER_PRIORITIES);
    // One currency for now: the buyer pays the order's amount on every channel (FX comes later).
    return create(RankChannelsResponseSchema, { items: ranked.map((r) => ({ ...r, amount: { minorAmount: amount.minorAmount, currency: amount.currency } })) });
  }
}
