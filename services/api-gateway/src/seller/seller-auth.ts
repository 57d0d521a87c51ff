import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { HttpRequest } from '@cardshop/platform';
import type { Subscription } from 'nats';
import { CatalogService, eventSubject, patternOfEvent, SellerApiKeyRotatedSchema } from '@cardshop/contracts';
import { MESSAGING_OPTIONS, NatsConnectionProvider, protoCodec, TypedRpc, type MessagingModuleOptions } from '@cardshop/messaging';
import { bearerToken } from '../shared/bearer';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

const codec = protoCodec('server');

/**
 * Resolves seller API keys through the catalog, caching each answer briefly. A rotated key is
 * dropped from this gateway's cache at once, and from every other gateway's when the catalog's
 * `SellerApiKeyRotated` event reaches it, so an old key stops working everywhere within moments
 * rather than after the cache time.
 */
@Injectable()
export class SellerAuth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(SellerAuth.name);
  private readonly cache = new Map<string, { sellerId: string; until: number }>();
  private sub?: Subscription;

  constructor(
    private readonly rpc: TypedRpc,
    private readonly nats: NatsConnectionProvider,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const pattern = patternOfEvent(SellerApiKeyRotatedSchema);
    const nc = await this.nats.get();
    this.sub = nc.subscribe(eventSubject(this.options.namespace, pattern), {
      callback: (err, msg) => {
        if (err) return;
        try {
          this.forget((codec.decode(pattern, msg.data) as { sellerId: string }).sellerId);
        } catch (e) {
          this.log.warn({ err: (e as Error).message }, 'undecodable key rotation event skipped');
        }
      },
    });
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }

  /** The seller the request's bearer key belongs to, or SELLER.UNAUTHORIZED (401). */
  async seller(req: HttpRequest): Promise<string> {
    const key = bearerToken(req);
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.sellerId;
    const r = await this.rpc.call(CatalogService.method.authenticateSeller, { apiKey: key });
    if (this.cache.size > 10000) this.cache.clear();
    this.cache.set(key, { sellerId: r.sellerId, until: Date.now() + this.config.SELLER_AUTH_CACHE_MS });
    return r.sellerId;
  }

  forget(sellerId: string): void {
    for (const [key, v] of this.cache) if (v.sellerId === sellerId) this.cache.delete(key);
  }
}
