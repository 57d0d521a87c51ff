import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  Decision, GetAttemptByReferenceResponseSchema, GetPaymentResponseSchema, NextActionSchema, PaymentProviderService, PaymentsService,
  patternOfMethod, ProviderStatus, RiskService, RoutingService, StartPaymentResponseSchema,
  type Failure, type GetAttemptByReferenceRequest, type GetPaymentRequest, type StartPaymentRequest,
} from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { AppError, badRequest, currentTraceparent } from '@cardshop/platform';
import { ATTEMPT_COLUMNS, toAttempt, type AttemptRow, type AttemptState } from '../attempt-row';
import { OPEN_STATES } from '../attempt-states';
import { failureOf } from '../failure';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments.config';
import { CreatedAttempts } from '../confirm-payment/created-attempts';


/**
 * Starts (or resumes) paying an order: risk → router (for `auto`) → the channel's adapter creates
 * the payment at the provider → the attempt is stored with the buyer's next action. A decline is
 * data (`failure` with cause, remedy and alternatives), not an error.
 */
@Controller()
export class StartPaymentController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rpc: TypedRpc,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
    private readonly createdHere: CreatedAttempts,
  ) {}

  @MessagePattern(patternOfMethod(PaymentsService.method.startPayment))
  async start(@Payload() req: StartPaymentRequest) {
    const amount = req.amount;
    if (!amount || amount.minorAmount <= 0n) throw badRequest('PAYMENT.INVALID_AMOUNT', 'amount must be positive');
    const wanted = req.channel || 'auto';
    if (wanted !== 'auto' && !this.config.PAYMENT_CHANNEL_PROVIDERS[wanted]) {
      throw badRequest('PAYMENT.UNKNOWN_CHANNEL', `channel ${JSON.stringify(wanted).slice(0, 40)} is not offered; use one of ${Object.keys(this.config.PAYMENT_CHANNEL_PROVIDERS).join(', ')} or auto`);
    }
    const resumed = await this.live(req.orderId, wanted);
    if (resumed) return create(StartPaymentResponseSchema, { attempt: toAttempt(resumed) });

    const [risk, ranked] = await Promise.all([
      this.rpc.call(RiskService.method.assessPayment, { orderId: req.orderId, email: req.email, clientIp: req.clientIp, country: req.country, channel: wanted, amount }),
      this.rpc.call(RoutingService.method.rankChannels, { orderId: req.orderId, country: req.country, device: req.device, amount, email: req.email }),
    ]);
    const alternatives = ranked.items.map((i) => i.channel).filter((c) => c !== wanted);
    const channel = wanted === 'auto' ? ranked.items[0]?.channel : wanted;
    if (!channel) throw new AppError('PAYMENT.NO_CHANNEL', 'no payment channel can take this order from this country', 422);
    const provider = this.config.PAYMENT_CHANNEL_PROVIDERS[channel];
    if (!provider) throw new AppError('PAYMENT.NO_ADAPTER', `the router chose ${channel}, which no adapter serves`, 503, true);
    const attemptId = randomUUID();
    // The attempt id's 32 hex digits: within every provider's rules (WeChat out_trade_no ≤ 32,
    // UnionPay orderId 8–40 letters and digits, Alipay ≤ 64, epay letters and digits).
    const merchantReference = attemptId.replace(/-/g, '');
    // The provider is told this time and the attempt row keeps it: UnionPay finds a payment by reference and time.
    const createdAtMs = Date.now();
    const base = { attemptId, req, channel, provider, merchantReference, riskDecisionId: risk.decisionId, createdAtMs, alternatives };

    if (risk.decision === Decision.BLOCK || risk.decision === Decision.REVIEW) {
      const failure = failureOf('risk_rejected', [], risk.reasons.map((r) => r.message).join('; ') || undefined);
      return this.store({ ...base, status: 'failed', failure });
    }
    const created = await this.rpc.call(
      PaymentProviderService.method.createPayment,
      { provider, merchantReference, amount, subject: `Order ${req.orderId.slice(0, 8)}`, expiresAtMs: BigInt(createdAtMs + this.config.PAYMENT_TTL_SECONDS * 1000), device: req.device, country: req.country,
        channel, createdAtMs: BigInt(createdAtMs), buyerIp: req.clientIp },
      { qualifier: provider, timeoutMs: this.config.ADAPTER_TIMEOUT_MS },
    );
    if (created.status === ProviderStatus.FAILED || !created.nextAction) {
      const failure = failureOf(created.failure?.code || 'unknown', alternatives);
      return this.store({ ...base, status: 'failed', failure });
    }
    return this.store({ ...base, status: 'requires_action', nextAction: toBinary(NextActionSchema, created.nextAction), providerReference: created.providerReference });
  }

  @MessagePattern(patternOfMethod(PaymentsService.method.getPayment))
  async get(@Payload() req: GetPaymentRequest) {
    const rows: AttemptRow[] = await this.db.query(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE order_id = $1 ORDER BY created_at DESC LIMIT 1`, [req.orderId]);
    return create(GetPaymentResponseSchema, { attempt: rows[0] ? toAttempt(rows[0]) : undefined });
  }

  @MessagePattern(patternOfMethod(PaymentsService.method.getAttemptByReference))
  async byReference(@Payload() req: GetAttemptByReferenceRequest) {
    const rows: AttemptRow[] = await this.db.query(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE provider = $1 AND merchant_reference = $2`, [req.provider, req.merchantReference]);
    return create(GetAttemptByReferenceResponseSchema, { attempt: rows[0] ? toAttempt(rows[0]) : undefined });
  }

  private async live(orderId: string, channel: string): Promise<AttemptRow | undefined> {
    const rows: AttemptRow[] = await this.db.query(
      `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE order_id = $1 AND status = ANY($2) AND ($3 = 'auto' OR channel = $3) ORDER BY created_at DESC LIMIT 1`,
      [orderId, OPEN_STATES, channel],
    );
    return rows[0];
  }

  private async store(a: {
    attemptId: string; req: StartPaymentRequest; channel: string; provider: string; merchantReference: string; riskDecisionId: string;
    status: AttemptState; nextAction?: Uint8Array; providerReference?: string; failure?: Failure; createdAtMs: number; alternatives: string[];
  }) {
    const amount = a.req.amount!;
    try {
      const rows: AttemptRow[] = await this.db.query(
        `WITH i AS (
           INSERT INTO intents (id, order_id, amount_minor, currency, seller_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (order_id) DO UPDATE SET status = intents.status RETURNING id)
         INSERT INTO attempts (id, intent_id, order_id, channel, provider, merchant_reference, status, amount_minor, currency, provider_reference, next_action, failure, risk_decision_id, traceparent,
                               created_at, alternatives, next_poll_at)
         SELECT $6, i.id, $2, $7, $8, $9, $10, $3, $4, $11, $12, $13, $14, $15, to_timestamp($17::double precision / 1000), $19,
                -- A waiting attempt is asked about at its provider in case the notification is lost.
                CASE WHEN $10 = ANY($18) THEN now() + make_interval(secs => $16) END FROM i
         RETURNING ${ATTEMPT_COLUMNS}`,
        [randomUUID(), a.req.orderId, amount.minorAmount, amount.currency, a.req.sellerId, a.attemptId, a.channel, a.provider, a.merchantReference, a.status,
          a.providerReference ?? null, a.nextAction ? Buffer.from(a.nextAction) : null, a.failure ? JSON.stringify(a.failure) : null, a.riskDecisionId || null, currentTraceparent() ?? null,
          this.config.POLL_SCHEDULE_SECONDS[0], a.createdAtMs, OPEN_STATES, a.alternatives],
      );
      const r = rows[0];
      if (r.status === 'requires_action') {
        this.createdHere.remember(r.provider, r.merchant_reference, {
          // The intent's seller is the order's, which is what this request names.
          id: r.id, order_id: r.order_id, channel: r.channel, amount_minor: String(r.amount_minor), currency: r.currency, seller_id: a.req.sellerId, traceparent: r.traceparent,
        });
      }
      return create(StartPaymentResponseSchema, { attempt: toAttempt(r) });
    } catch (e) {
      // Two "pay" calls raced for the same order and channel: the other one's attempt wins.
      if ((e as { code?: string }).code === '23505') {
        const resumed = await this.live(a.req.orderId, a.channel);
        if (resumed) return create(StartPaymentResponseSchema, { attempt: toAttempt(resumed) });
      }
      throw e;
    }
  }
}
