import type { INestApplication } from '@nestjs/common';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

const money = { type: 'object', required: ['minor', 'currency'], properties: { minor: { type: 'integer', description: 'Amount in minor units (fen, cents; USDT has 6 decimals)' }, currency: { type: 'string', example: 'CNY' } } };
const error = { type: 'object', properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', example: 'ORDER.NOT_FOUND' }, message: { type: 'string' }, details: {} } } } };
const json = (schema: object) => ({ 'application/json': { schema } });
const errors = { '400': { description: 'Invalid input', content: json(error) }, '404': { description: 'Not found', content: json(error) } };
const bearer = [{ bearer: [] }];
const orderId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const opsActor = { name: 'X-Ops-Actor', in: 'header', required: true, schema: { type: 'string' }, description: 'Who acts; written to the audit log' };
const reasonBody = (required: boolean) => ({ type: 'object', ...(required ? { required: ['reason'] } : {}), properties: { reason: { type: 'string', maxLength: 2000 } } });

const order = {
  type: 'object',
  properties: {
    id: { type: 'string' }, status: { type: 'string', enum: ['awaiting_payment', 'paid', 'paid_awaiting_stock', 'delivered', 'completed', 'expired', 'cancelled', 'refunded', 'partially_refunded'] },
    productId: { type: 'string' }, quantity: { type: 'integer' }, total: money, expiresAt: { type: 'string', format: 'date-time' },
    payment: { $ref: '#/components/schemas/PaymentAttempt' }, keys: { type: 'array', items: { type: 'string' }, description: 'Only once delivered' },
  },
};
const attempt = {
  type: 'object',
  properties: {
    attemptId: { type: 'string' }, channel: { type: 'string' }, status: { type: 'string' }, merchantReference: { type: 'string', description: "The id we gave the provider (Alipay's out_trade_no)" }, amount: money,
    nextAction: { type: 'object', properties: { type: { type: 'string', enum: ['qr', 'redirect', 'deeplink', 'voucher', 'crypto_transfer'] }, qrContent: { type: 'string' }, imageUrl: { type: 'string' } } },
    failure: { type: 'object', properties: { code: { type: 'string' }, cause: { type: 'string' }, remedy: { type: 'string' }, alternatives: { type: 'array', items: { type: 'string' } } } },
  },
};

/** The public API as storefronts see it (PUBLIC-API.md), served at /docs and /docs-json. */
export const openApiDocument = {
  openapi: '3.0.3',
  info: { title: 'Card-key marketplace public API', version: '1', description: 'Money is always { minor, currency } in integer minor units. Errors are { error: { code, message, details? } } with a 4xx status.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Order access token, seller API key or ops token, depending on the route' } },
    schemas: { Money: money, Error: error, Order: order, PaymentAttempt: attempt },
  },
  paths: {
    '/api/v1/products': { get: { summary: 'Products on sale', responses: { '200': { description: 'items[]: { id, title, price, stock, sellerId, currency }' } } } },
    '/api/v1/products/{id}': { get: { summary: 'One product', parameters: [orderId], responses: { '200': { description: 'The product with description and quantity limits' }, ...errors } } },
    '/api/v1/orders': {
      post: {
        summary: 'Place an order; keys are reserved now',
        parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string' }, description: 'Same key + same body → same order; same key + other body → 409' }],
        requestBody: { content: json({ type: 'object', required: ['productId', 'quantity', 'email'], properties: { productId: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, email: { type: 'string', format: 'email' }, queryPassword: { type: 'string' }, country: { type: 'string', example: 'CN' } } }) },
        responses: { '201': { description: '{ id, status: "awaiting_payment", total, expiresAt, accessToken }' }, '409': { description: 'Out of stock, or idempotency key reused', content: json(error) }, ...errors },
      },
    },
    '/api/v1/orders/lookup': { post: { summary: 'Find orders with the query password', requestBody: { content: json({ type: 'object', properties: { orderId: { type: 'string' }, email: { type: 'string' }, queryPassword: { type: 'string' } } }) }, responses: { '200': { description: 'items[] with accessToken each; a wrong password, unknown order or unknown email all give an empty list' }, '429': { description: 'Too many failed lookups for this order, email or address (LOOKUP.RATE_LIMITED, Retry-After)', content: json(error) }, ...errors } } },
    '/api/v1/orders/{id}': { get: { summary: 'Order status; keys once delivered', security: bearer, parameters: [orderId], responses: { '200': { description: 'The order', content: json({ $ref: '#/components/schemas/Order' }) }, ...errors } } },
    '/api/v1/orders/{id}/payment-options': { get: { summary: 'Ranked channels for this buyer', security: bearer, parameters: [orderId, { name: 'country', in: 'query', schema: { type: 'string' } }, { name: 'device', in: 'query', schema: { type: 'string', enum: ['desktop', 'mobile', 'ios', 'android'] } }], responses: { '200': { description: 'items[]: { channel, recommended, score, reasons[], amount }' }, ...errors } } },
    '/api/v1/orders/{id}/payments': { post: { summary: 'Start or resume paying', security: bearer, parameters: [orderId], requestBody: { content: json({ type: 'object', required: ['channel'], properties: { channel: { type: 'string', example: 'alipay', description: 'A channel name or "auto"' }, device: { type: 'string' }, country: { type: 'string' } } }) }, responses: { '201': { description: 'The attempt with its next action', content: json({ $ref: '#/components/schemas/PaymentAttempt' }) }, '409': { description: 'The order is not payable', content: json(error) }, ...errors } } },
    '/api/v1/orders/{id}/events': { get: { summary: 'Server-sent events: status, payment, delivered', parameters: [orderId, { name: 'token', in: 'query', schema: { type: 'string' }, description: 'The access token (EventSource cannot send headers)' }, { name: 'until', in: 'query', schema: { type: 'string', enum: ['delivered'] }, description: 'End the stream once no delivered event can follow: after it, or at once for an order delivered, expired, cancelled or refunded already' }], responses: { '200': { description: 'text/event-stream' }, ...errors } } },
    '/api/v1/ops/sellers': { post: { summary: 'Ops creates a seller (ops token)', security: bearer, requestBody: { content: json({ type: 'object', required: ['name', 'email'], properties: { name: { type: 'string' }, email: { type: 'string' }, currency: { type: 'string' } } }) }, responses: { '201': { description: '{ id, apiKey } — the key is shown only here' }, '401': { description: 'Ops token missing or wrong', content: json(error) } } } },
    '/api/v1/seller/products': { post: { summary: 'Seller lists a product (seller API key)', security: bearer, requestBody: { content: json({ type: 'object', required: ['title', 'price'], properties: { title: { type: 'string' }, description: { type: 'string' }, price: money, minQuantity: { type: 'integer' }, maxQuantity: { type: 'integer' }, countries: { type: 'array', items: { type: 'string' } } } }) }, responses: { '201': { description: '{ id }' }, ...errors } } },
    '/api/v1/seller/products/{id}/keys': {
      post: {
        summary: 'Seller imports card keys (encrypted at rest), one batch per import',
        security: bearer, parameters: [orderId],
        requestBody: { content: json({ oneOf: [
          { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'string' }, maxItems: 5000 } } },
          { type: 'object', required: ['text'], properties: { text: { type: 'string', description: 'one key per line; blank lines skipped' } } },
          { type: 'object', required: ['csv'], properties: { csv: { type: 'string' }, column: { type: 'string', description: 'header column holding the keys; without it there is no header and the first field is the key' } } },
        ] }) },
        responses: { '200': { description: '{ batchId, imported, duplicates } (duplicates within the import or already held are skipped and counted)' }, ...errors },
      },
    },
    '/api/v1/seller/products/{id}/batches': { get: { summary: "A product's key imports and what became of their keys", security: bearer, parameters: [orderId], responses: { '200': { description: 'items[]: { batchId, imported, duplicates, available, reserved, sold, withdrawn, createdAt }' }, ...errors } } },
    '/api/v1/seller/products/{id}/batches/{batchId}': { delete: { summary: "Withdraw a batch's unsold keys (reserved and sold keys stay)", security: bearer, parameters: [orderId, { name: 'batchId', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: '{ withdrawn, reserved, sold }' }, ...errors } } },
    '/api/v1/seller/coupons': {
      post: { summary: 'A coupon: amountOff or percentOff, for one product (productId) or all, with usageLimit and expiresAt', security: bearer, requestBody: { content: json({ type: 'object', required: ['code'], properties: { code: { type: 'string' }, amountOff: { $ref: '#/components/schemas/Money' }, percentOff: { type: 'integer', minimum: 1, maximum: 99 }, productId: { type: 'string' }, usageLimit: { type: 'integer' }, expiresAt: { type: 'string', format: 'date-time' } } }) }, responses: { '201': { description: 'The coupon' }, '409': { description: 'COUPON.CODE_TAKEN', content: json(error) }, ...errors } },
      get: { summary: "The seller's coupons with their uses", security: bearer, responses: { '200': { description: 'items[]' } } },
    },
    '/api/v1/seller/orders/{id}/keys': { get: { summary: "The keys delivered to an order of one of the seller's products (for support); audited", security: bearer, parameters: [orderId, { name: 'reason', in: 'query', schema: { type: 'string' } }], responses: { '200': { description: '{ orderId, keys[] }' }, ...errors } } },
    '/api/v1/seller/api-key/rotate': { post: { summary: 'A new API key (shown only here); the old one stops working at once', security: bearer, responses: { '201': { description: '{ apiKey }' }, ...errors } } },
    '/api/v1/ops/orders/{id}/mark-paid': { post: { summary: 'Ops: record a payment received outside every channel (channel "manual"); audited', security: bearer, parameters: [orderId, opsActor], requestBody: { content: json(reasonBody(true)) }, responses: { '200': { description: '{ order, outcome }' }, ...errors } } },
    '/api/v1/ops/orders/{id}/resend-delivery': { post: { summary: 'Ops: email the keys again; audited', security: bearer, parameters: [orderId, opsActor], requestBody: { content: json(reasonBody(false)) }, responses: { '200': { description: '{ order, outcome }' }, ...errors } } },
    '/api/v1/ops/orders/{id}/cancel': { post: { summary: 'Ops: cancel an unpaid order (keys and coupon use return); audited', security: bearer, parameters: [orderId, opsActor], requestBody: { content: json(reasonBody(true)) }, responses: { '200': { description: '{ order, outcome }' }, ...errors } } },
    '/api/v1/ops/orders/{id}/refund': { post: { summary: 'Ops: refund through the channel it was paid with — all that is left (once per order), or `amount` once per Idempotency-Key; audited', security: bearer, parameters: [orderId, opsActor, { name: 'Idempotency-Key', in: 'header', schema: { type: 'string' }, description: 'Required with amount: the same key refunds once' }], requestBody: { content: json({ type: 'object', required: ['reason'], properties: { reason: { type: 'string' }, amount: { $ref: '#/components/schemas/Money' } } }) }, responses: { '200': { description: '{ order, outcome }' }, '409': { description: 'Not refundable, or the provider declined', content: json(error) }, ...errors } } },
    '/api/v1/ops/orders/{id}/keys': { get: { summary: "Ops: a delivered order's keys; every look is audited", security: bearer, parameters: [orderId, opsActor, { name: 'reason', in: 'query', schema: { type: 'string' } }], responses: { '200': { description: '{ orderId, keys[] }' }, ...errors } } },
    '/api/v1/ops/audit': { get: { summary: 'Ops: the append-only audit log, newest first', security: bearer, parameters: [{ name: 'orderId', in: 'query', schema: { type: 'string' } }], responses: { '200': { description: 'items[]: { at, actor, action, orderId, reason, outcome }' } } } },
    '/api/v1/seller/products/{id}': {
      get: { summary: 'Stock and sales', security: bearer, parameters: [orderId], responses: { '200': { description: '{ id, stock, sold, reserved }' }, ...errors } },
      patch: { summary: 'Change any of title, description, price, minQuantity, maxQuantity, countries, perBuyerLimit, wholesale, lowStockThreshold, active', security: bearer, parameters: [orderId], responses: { '200': { description: 'The product as the seller sees it' }, ...errors } },
      delete: { summary: 'Unlist the product (keys, orders and sales stay)', security: bearer, parameters: [orderId], responses: { '200': { description: 'The product, active: false' }, ...errors } },
    },
    '/api/v1/seller/balance': { get: { summary: "The seller's money", security: bearer, responses: { '200': { description: 'balances[]: { currency, pending, available, withdrawing }' } } } },
    '/api/v1/qr.png': { get: { summary: 'A QR code image for a next action', parameters: [{ name: 'content', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'image/png' }, ...errors } } },
  },
} as unknown as OpenAPIObject;

export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument, { jsonDocumentUrl: 'docs-json' });
}
