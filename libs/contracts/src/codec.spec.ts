import { create } from '@bufbuild/protobuf';
import fc from 'fast-check';
import {
  ContractDecodeError,
  OrderPlacedSchema,
  OrderSchema,
  OrderStatus,
  PaymentAttemptSchema,
  AttemptStatus,
  decodeMessage,
  encodeMessage,
  int64ToNumber,
  numberToInt64,
  toPlain,
} from './index';

describe('binary codec', () => {
  it('an event survives a binary round trip unchanged', () => {
    const placed = create(OrderPlacedSchema, {
      orderId: 'o-1',
      productId: 'p-1',
      sellerId: 's-1',
      quantity: 2,
      total: { minorAmount: 3998n, currency: 'CNY' },
      email: 'buyer@example.com',
      country: 'CN',
    });
    expect(decodeMessage(OrderPlacedSchema, encodeMessage(OrderPlacedSchema, placed))).toEqual(placed);
  });

  it('any safe-integer amount survives a round trip exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom('CNY', 'USD', 'USDT'), (minor, currency) => {
        const bytes = encodeMessage(OrderPlacedSchema, { total: { minorAmount: numberToInt64(minor), currency } });
        const total = decodeMessage(OrderPlacedSchema, bytes).total!;
        expect(int64ToNumber(total.minorAmount)).toBe(minor);
        expect(total.currency).toBe(currency);
      }),
    );
  });

  it('malformed bytes fail with a contract decode error', () => {
    expect(() => decodeMessage(OrderPlacedSchema, new Uint8Array([0x0a, 0xff]))).toThrow(ContractDecodeError);
  });
});

describe('plain JSON for HTTP', () => {
  it('money and times are integer numbers, not strings', () => {
    const order = create(OrderSchema, {
      id: 'o-1',
      status: OrderStatus.AWAITING_PAYMENT,
      total: { minorAmount: 9_007_199_254_740_991n, currency: 'USDT' },
      expiresAtMs: 1_764_000_000_000n,
    });
    const plain = toPlain(OrderSchema, order);
    expect(plain.total).toEqual({ minorAmount: 9_007_199_254_740_991, currency: 'USDT' });
    expect(plain.expiresAtMs).toBe(1_764_000_000_000);
    expect(plain.status).toBe('ORDER_STATUS_AWAITING_PAYMENT');
  });

  it('defaults are present so clients never miss a field', () => {
    const plain = toPlain(OrderSchema, create(OrderSchema, { id: 'o-1' }));
    expect(plain).toMatchObject({ quantity: 0, email: '', deliveredAtMs: 0 });
  });

  it('nested int64 inside a oneof and lists are numbers too', () => {
    const attempt = create(PaymentAttemptSchema, {
      status: AttemptStatus.REQUIRES_ACTION,
      nextAction: {
        kind: {
          case: 'cryptoTransfer',
          value: { network: 'TRC20', address: 'T1', amount: { minorAmount: 1_500_000n, currency: 'USDT' }, expiresAtMs: 5n },
        },
      },
    });
    const plain = toPlain(PaymentAttemptSchema, attempt);
    expect(plain.nextAction).toEqual({
      cryptoTransfer: {
        network: 'TRC20',
        address: 'T1',
        amount: { minorAmount: 1_500_000, currency: 'USDT' },
        expiresAtMs: 5,
        requiredConfirmations: 0,
      },
    });
  });
});

describe('int64 conversions', () => {
  it('a fraction or unsafe integer never becomes an int64', () => {
    expect(() => numberToInt64(19.99)).toThrow(RangeError);
    expect(() => numberToInt64(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => int64ToNumber(9_007_199_254_740_993n)).toThrow(RangeError);
    expect(int64ToNumber('-42')).toBe(-42);
  });
});
