import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import {
  CatalogService, ListAuditLogResponseSchema, OrderCancelledSchema, OrdersService, patternOfEvent, patternOfMethod, PaymentsService, RunOpsActionResponseSchema,
  type ListAuditLogRequest, type RunOpsActionRequest,
} from '@cardshop/contracts';
import { Outbox, TypedRpc } from '@cardshop/messaging';
import { AppError, badRequest, conflict, isUuid, notFound, queryRows } from '@cardshop/platform';
import { appendAudit } from '../audit/audit-log';
import { DeliveryEmails } from '../delivery-email/delivery-email';
import { fromStatesInto } from '../order-state/order-state';
import { ORDER_COLUMNS, toOrder, type OrderRow } from '../order-row';

const NEEDS_REASON = new Set(['mark_paid', 'cancel', 'refund']);
const ACTIONS = new Set(['mark_paid', 'resend_delivery', 'cancel', 'reveal_keys', 'refund']);
/** States whose money can go back. */
const REFUNDABLE = fromStatesInto('refunded');

/**
 * Ops actions on one order, each written to the append-only audit log (who, when, what, why,
 * outcome) in the transaction that holds the order row, so no action happens unlogged:
 * - mark_paid: a payment received outside every channel; payments books it on channel "manual"
 *   and the order is delivered as after any payment;
 * - resend_delivery: the delivery email again;
 * - cancel: an unpaid order; its keys and coupon use go back (`OrderCancelled`);
 * - reveal_keys: the delivered keys, to ops, or to the seller of the order's product;
 * - refund: all that is left of the payment goes back through its channel (once per order).
 */
@Controller()
export class OpsActionsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly rpc: TypedRpc,
    private readonly emails: DeliveryEmails,
  ) {}

  @MessagePattern(patternOfMethod(OrdersService.method.runOpsAction))
  async run(@Payload() req: RunOpsActionRequest) {
    if (!ACTIONS.has(req.action)) throw badRequest('OPS.UNKNOWN_ACTION', `unknown action ${JSON.stringify(req.action).slice(0, 40)}`);
    const actor = req.actor.trim();
    const reason = req.reason.trim();
    if (!actor || actor.length > 200) throw badRequest('OPS.ACTOR_REQUIRED', 'say who acts (1 to 200 characters)');
    if (NEEDS_REASON.has(req.action) && !reason) throw badRequest('OPS.REASON_REQUIRED', `${req.action} needs a reason`);
    if (reason.length > 2000) throw badRequest('OPS.REASON_TOO_LONG', 'reason must be at most 2000 characters');
    if (!isUuid(req.orderId)) throw notFound('ORDER.NOT_FOUND', 'no such order');
    if (req.sellerId && req.action !== 'reveal_keys') throw badRequest('OPS.NOT_FOR_SELLERS', 'sellers may only look at the keys of their own orders');
    try {
      return await this.db.transaction(async (em) => {
        const [o]: OrderRow[] = await em.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [req.orderId]);
        // A seller sees only orders of their own products; another's answers like a missing one.
        if (!o || (req.sellerId && o.seller_id !== req.sellerId)) throw notFound('ORDER.NOT_FOUND', 'no such order');
        const { outcome, keys } = await this.perform(em, req, o, actor, reason);
        await appendAudit(em, { actor, action: req.action, orderId: o.id, reason, outcome });
        const [now]: OrderRow[] = await em.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [o.id]);
        return create(RunOpsActionResponseSchema, { order: toOrder(now), outcome, keys });
      });
    } catch (e) {
      // A refused action is logged too (its own statement: the action's transaction rolled back).
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code !== 'ORDER.NOT_FOUND') {
        await appendAudit(this.db, { actor, action: req.action, orderId: req.orderId, reason, outcome: `refused: ${code}` });
      }
      throw e;
    }
  }

  private async perform(em: EntityManager, req: RunOpsActionRequest, o: OrderRow, actor: string, reason: string): Promise<{ outcome: string; keys?: string[] }> {
    const action = req.action;
    switch (action) {
      case 'mark_paid': {
        if (!fromStatesInto('paid').includes(o.status)) throw conflict('ORDER.NOT_PAYABLE', `the order is ${o.status}; only an unpaid or expired order can be marked paid`);
        const r = await this.rpc.call(PaymentsService.method.recordManualPayment, {
          orderId: o.id, sellerId: o.seller_id, amount: { minorAmount: BigInt(o.total_minor), currency: o.currency }, reason, actor,
        });
        return { outcome: `manual payment ${r.attemptId} ${r.created ? 'recorded' : 'was already recorded'}; delivery follows` };
      }
      case 'resend_delivery': {
        const r = await this.emails.send(o.id, true);
        return { outcome: `delivery email sent (${r.messageId ?? 'no id'})` };
      }
      case 'cancel': {
        const cancelled = await queryRows<{ id: string }>(em, `UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status = ANY($2) RETURNING id`, [o.id, fromStatesInto('cancelled')]);
        if (cancelled.length === 0) throw conflict('ORDER.NOT_CANCELLABLE', `the order is ${o.status}; only an unpaid order can be cancelled`);
        await this.outbox.enqueue(em, patternOfEvent(OrderCancelledSchema), create(OrderCancelledSchema, { orderId: o.id, reason }));
        return { outcome: 'cancelled; its keys go back on the shelf' };
      }
      case 'reveal_keys': {
        if (o.status !== 'delivered' && o.status !== 'completed') throw conflict('ORDER.NOT_DELIVERED', `the order is ${o.status}: no keys were delivered`);
        const { keys } = await this.rpc.call(CatalogService.method.revealKeys, { orderId: o.id });
        return { outcome: `${keys.length} key(s) revealed`, keys };
      }
      case 'refund': {
        if (!REFUNDABLE.includes(o.status)) throw conflict('ORDER.NOT_REFUNDABLE', `the order is ${o.status}: there is no payment to refund`);
        const key = req.idempotencyKey.trim();
        if (req.amount && !key) throw badRequest('OPS.IDEMPOTENCY_KEY_REQUIRED', 'a partial refund needs an Idempotency-Key, so that asking twice refunds once');
        if (key && !/^[\w.-]{1,48}$/.test(key)) throw badRequest('OPS.INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 48 letters, digits, _ . or -');
        const r = await this.rpc.call(PaymentsService.method.refundOrder, { orderId: o.id, refundId: key ? `ops:${key}` : `ops:${o.id}`, reason, actor, amount: req.amount });
        if (r.status === 'failed') throw conflict('REFUND.DECLINED', `the provider declined the refund: ${r.failure?.cause ?? 'no reason given'}`, { failure: r.failure });
        // A waiting order must not be delivered on restock once its money is on the way back.
        await em.query('UPDATE orders SET refund_requested_at = COALESCE(refund_requested_at, now()) WHERE id = $1', [o.id]);
        return { outcome: `refund ${r.refundId} ${r.status} (${r.amount?.minorAmount ?? 0n} ${r.amount?.currency ?? ''})` };
      }
      default:
        throw new AppError('OPS.UNKNOWN_ACTION', action, 400);
    }
  }

  @MessagePattern(patternOfMethod(OrdersService.method.listAuditLog))
  async audit(@Payload() req: ListAuditLogRequest) {
    if (req.orderId && !isUuid(req.orderId)) return create(ListAuditLogResponseSchema, { entries: [] });
    const limit = Math.min(Math.max(req.limit || 100, 1), 500);
    const rows: { at: Date; actor: string; action: string; order_id: string | null; reason: string; outcome: string }[] = await this.db.query(
      `SELECT at, actor, action, order_id, reason, outcome FROM audit_log WHERE ($1::uuid IS NULL OR order_id = $1) ORDER BY at DESC, id DESC LIMIT $2`,
      [req.orderId || null, limit],
    );
    return create(ListAuditLogResponseSchema, {
      entries: rows.map((r) => ({ atMs: BigInt(new Date(r.at).getTime()), actor: r.actor, action: r.action, orderId: r.order_id ?? '', reason: r.reason, outcome: r.outcome })),
    });
  }
}
