import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { GetSellerBalanceResponseSchema, patternOfMethod, SettlementService, type GetSellerBalanceRequest } from '@cardshop/contracts';
import { badRequest } from '@cardshop/platform';
import { sellerPendingByCurrency } from '../ledger/ledger.repository';
import { toBalances } from './seller-balance';

@Controller()
export class GetSellerBalanceController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A seller the ledger has never seen has no balances (an empty list, not an error). */
  @MessagePattern(patternOfMethod(SettlementService.method.getSellerBalance))
  async getSellerBalance(@Payload() req: GetSellerBalanceRequest) {
    const sellerId = req.sellerId.trim();
    if (!sellerId || sellerId.length > 100) throw badRequest('SETTLEMENT.INVALID_SELLER_ID', 'sellerId must be 1 to 100 characters');
    return create(GetSellerBalanceResponseSchema, { balances: toBalances(await sellerPendingByCurrency(this.db, sellerId)) });
  }
}
