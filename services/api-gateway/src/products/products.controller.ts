import { Controller, Get, Param } from '@nestjs/common';
import { CatalogService } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { publicProduct } from '../shared/public-shapes';

@Controller('api/v1/products')
export class ProductsController {
  constructor(private readonly rpc: TypedRpc) {}

  @Get()
  async list() {
    const r = await this.rpc.call(CatalogService.method.listProducts, {});
    return { items: r.items.map((p) => publicProduct(p)) };
  }

  @Get(':id')
  async one(@Param('id') id: string) {
    const r = await this.rpc.call(CatalogService.method.getProduct, { productId: id });
    return publicProduct(r.product!, true);
  }
}
