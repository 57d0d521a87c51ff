import { AttemptStatus, OrderStatus, type Money, type NextAction, type Order, type PaymentAttempt, type Product } from '@cardshop/contracts';

/** Public API money: `{ minor, currency }` with an integer `minor` (PUBLIC-API.md). */
export const publicMoney = (m: Money | undefined) => ({ minor: Number(m?.minorAmount ?? 0n), currency: m?.currency ?? '' });

export const orderStatusName = (s: OrderStatus): string => OrderStatus[s]?.toLowerCase() ?? 'unknown';
export const attemptStatusName = (s: AttemptStatus): string => AttemptStatus[s]?.toLowerCase() ?? 'unknown';

export function publicProduct(p: Product, detail = false) {
  const base = { id: p.id, title: p.title, price: publicMoney(p.price), currency: p.price?.currency ?? '', stock: p.stock, sellerId: p.sellerId };
  if (!detail) return base;
  return {
    ...base, description: p.description, minQuantity: p.minQuantity, maxQuantity: p.maxQuantity, countries: p.countries,
    perBuyerLimit: p.perBuyerLimit, loop: p.loop, wholesale: p.wholesale.map((t) => ({ fromQuantity: t.fromQuantity, price: publicMoney(t.unitPrice) })),
  };
}

export function publicNextAction(a: NextAction | undefined, qrImageBase: string) {
  const k = a?.kind;
  switch (k?.case) {
    case 'qr': return { type: 'qr', qrContent: k.value.qrContent, imageUrl: k.value.imageUrl || `${qrImageBase}?content=${encodeURIComponent(k.value.qrContent)}` };
    case 'redirect': return { type: 'redirect', url: k.value.url };
    case 'deeplink': return { type: 'deeplink', url: k.value.url };
    case 'voucher': return { type: 'voucher', digitableLine: k.value.digitableLine, barcode: k.value.barcode, pdfUrl: k.value.pdfUrl || undefined, dueDate: k.value.dueDate };
    case 'cryptoTransfer': return { type: 'crypto_transfer', network: k.value.network, address: k.value.address, amount: publicMoney(k.value.amount), expiresAt: new Date(Number(k.value.expiresAtMs)).toISOString(), requiredConfirmations: k.value.requiredConfirmations };
    default: return undefined;
  }
}

/** `{ code, cause, remedy, alternatives, localized: { en: { cause, remedy }, zh: { … } } }`: English at the top level. */
export function publicFailure(f: { code: string; cause: string; remedy: string; alternatives?: string[]; localized?: { lang: string; cause: string; remedy: string }[] }) {
  return {
    code: f.code, cause: f.cause, remedy: f.remedy, alternatives: f.alternatives ?? [],
    localized: Object.fromEntries((f.localized ?? []).map((l) => [l.lang, { cause: l.cause, remedy: l.remedy }])),
  };
}

export function publicAttempt(a: PaymentAttempt, qrImageBase: string) {
  return {
    attemptId: a.attemptId, channel: a.channel, status: attemptStatusName(a.status), merchantReference: a.merchantReference,
    amount: publicMoney(a.amount), nextAction: publicNextAction(a.nextAction, qrImageBase),
    ...(a.failure ? { failure: publicFailure(a.failure) } : {}),
  };
}

export function publicOrder(o: Order) {
  return {
    id: o.id, status: orderStatusName(o.status), productId: o.productId, quantity: o.quantity, total: publicMoney(o.total),
    expiresAt: new Date(Number(o.expiresAtMs)).toISOString(), createdAt: new Date(Number(o.createdAtMs)).toISOString(),
    ...(o.deliveredAtMs > 0n ? { deliveredAt: new Date(Number(o.deliveredAtMs)).toISOString() } : {}),
    ...(o.couponCode ? { couponCode: o.couponCode, discount: publicMoney(o.discount) } : {}),
    ...(o.paidChannel ? { paidChannel: o.paidChannel } : {}),
  };
}
