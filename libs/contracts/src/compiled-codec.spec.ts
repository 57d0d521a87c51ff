import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { ContractDecodeError, decodeMessage, encodeMessage, reflectiveDecode, reflectiveEncode } from './codec';
import { compiledCodec } from './compiled-codec';
import { OrderPlacedSchema, RankChannelsResponseSchema } from './gen';
import { eventSchemas, services } from './registry';

/** Every message a contract can carry: events, requests, replies and everything nested in them. */
function allSchemas(): DescMessage[] {
  const found = new Map<string, DescMessage>();
  const visit = (d: DescMessage) => {
    if (found.has(d.typeName)) return;
    found.set(d.typeName, d);
    for (const f of d.fields) if (f.message) visit(f.message);
  };
  for (const e of eventSchemas) visit(e);
  for (const s of services) {
    for (const m of s.methods) {
      visit(m.input);
      visit(m.output);
    }
  }
  return [...found.values()];
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ minLength: 40, maxLength: 300, unit: 'grapheme' }), fc.string({ minLength: 130, maxLength: 200 }));

function scalarArb(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING: return text;
    case ScalarType.BOOL: return fc.boolean();
    case ScalarType.INT32: return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case ScalarType.UINT32: return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    // Both forms a caller may give: a bigint anywhere in range, or a safe-integer number.
    case ScalarType.INT64: return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.maxSafeInteger(), fc.maxSafeNat(), fc.constant(0n));
    case ScalarType.UINT64: return fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.maxSafeNat());
    case ScalarType.DOUBLE: return fc.double();
    case ScalarType.BYTES: return fc.uint8Array({ maxLength: 300 });
    default: throw new Error(`no arbitrary for scalar ${type}`);
  }
}

function fieldArb(f: DescField, depth: number): fc.Arbitrary<unknown> {
  switch (f.fieldKind) {
    case 'scalar': return scalarArb(f.scalar);
    case 'enum': return fc.oneof(fc.constantFrom(...f.enum.values.map((v) => v.number)), fc.integer({ min: -5, max: 1000 }));
    case 'message': return messageArb(f.message, depth + 1);
    case 'list':
      if (f.listKind === 'message') return fc.array(messageArb(f.message, depth + 1), { maxLength: depth > 2 ? 0 : 3 });
      if (f.listKind === 'scalar') return fc.array(scalarArb(f.scalar), { maxLength: 4 });
      return fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 });
    default: throw new Error(`no arbitrary for ${f.fieldKind}`);
  }
}

const arbs = new Map<string, fc.Arbitrary<Record<string, unknown>>>();

/** A message init shape: any field may be missing, zero or set; a oneof has at most one case. */
function messageArb(d: DescMessage, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const key = `${d.typeName}@${depth}`;
  const known = arbs.get(key);
  if (known) return known;
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of d.members) {
    if (member.kind === 'oneof') {
      parts[member.localName] = fc.oneof(
        fc.constant(undefined),
        ...member.fields.map((f) => fieldArb(f, depth).map((value) => ({ case: f.localName, value }))),
      );
    } else if (member.fieldKind !== 'message' || depth < 3) {
      parts[member.localName] = fc.option(fieldArb(member, depth), { nil: undefined, freq: 3 });
    }
  }
  const arb = fc.record(parts, { requiredKeys: [] });
  arbs.set(key, arb);
  return arb;
}

const schemas = allSchemas();

describe('compiled protobuf codecs', () => {
  it('cover every message of every contract', () => {
    const uncovered = schemas.filter((d) => !compiledCodec(d, () => new Uint8Array(), () => ({}))).map((d) => d.typeName);
    expect(uncovered).toEqual([]);
    expect(schemas.length).toBeGreaterThan(50);
  });

  it.each(schemas.map((d) => [d.typeName, d] as const))('%s: the same bytes and the same message as protobuf-es', (_name, d) => {
    fc.assert(
      fc.property(messageArb(d), (init) => {
        const expected = reflectiveEncode(d, init);
        const bytes = encodeMessage(d, init as never);
        expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
        expect(decodeMessage(d, bytes)).toStrictEqual(reflectiveDecode(d, bytes));
      }),
      { numRuns: 60 },
    );
  });

  it('decodes damaged and foreign bytes exactly as protobuf-es does, or fails as it does', () => {
    const outcome = (f: () => unknown) => {
      try {
        return { value: f() };
      } catch (e) {
        return { error: e instanceof ContractDecodeError };
      }
    };
    const damaged = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // A valid encoding, cut short or with one byte changed.
      fc.tuple(messageArb(RankChannelsResponseSchema), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([init, at, byte, cut]) => {
        const b = reflectiveEncode(RankChannelsResponseSchema, init);
        if (b.length === 0) return b;
        if (cut) return b.subarray(0, at % b.length);
        const copy = Uint8Array.from(b);
        copy[at % copy.length] = byte;
        return copy;
      }),
    );
    fc.assert(
      fc.property(damaged, fc.constantFrom(...schemas), (bytes, d) => {
        expect(outcome(() => decodeMessage(d, bytes))).toStrictEqual(outcome(() => reflectiveDecode(d, bytes)));
      }),
      { numRuns: 3000 },
    );
  });

  it('hands what it did not plan for to protobuf-es: int64 as text, unknown fields', () => {
    const init = { orderId: 'o-1', quantity: 2, total: { minorAmount: '3998' as unknown as bigint, currency: 'CNY' } };
    expect(Buffer.from(encodeMessage(OrderPlacedSchema, init)).equals(Buffer.from(reflectiveEncode(OrderPlacedSchema, init)))).toBe(true);
    // Field 99 (varint 7) is no field of OrderPlaced: protobuf-es keeps it in $unknown.
    const withUnknown = Uint8Array.from([...reflectiveEncode(OrderPlacedSchema, init), 0x98, 0x06, 0x07]);
    const decoded = decodeMessage(OrderPlacedSchema, withUnknown);
    expect(decoded).toStrictEqual(reflectiveDecode(OrderPlacedSchema, withUnknown));
    expect(decoded.$unknown).toHaveLength(1);
  });

  it('refuses what protobuf-es refuses, and takes what it takes, the same way', () => {
    expect(() => encodeMessage(OrderPlacedSchema, { quantity: 1.5 })).toThrow(/int32/);
    expect(() => encodeMessage(OrderPlacedSchema, { total: 'CNY' as never })).toThrow();
    const odd = { orderId: 7 as unknown as string };
    expect(Buffer.from(encodeMessage(OrderPlacedSchema, odd)).equals(Buffer.from(reflectiveEncode(OrderPlacedSchema, odd)))).toBe(true);
  });
});
