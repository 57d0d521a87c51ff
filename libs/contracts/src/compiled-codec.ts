import { create, ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';

/**
 * A protobuf binary encoder and decoder made once per message schema, for the messages every hop
 * of a checkout moves. `toBinary(create(schema, init))` and `fromBinary` walk the schema through
 * protobuf-es's reflection on every call (a zero message, a reflective wrapper, a sorted field
 * list, a writer forking a chunk list per nested message, a TextEncoder call per string); here the
 * walk is planned once and the bytes are written into one reused buffer.
 *
 * It produces the same bytes and the same message objects as protobuf-es (a property test holds
 * it to that for every contract), and covers what this project's contracts use: proto3 scalars
 * (string, bool, int32, uint32, int64, uint64, double, bytes), enums, nested messages, repeated
 * strings and messages, `optional` fields and oneofs. A schema with anything else gets no plan
 * (`compiledCodec` answers undefined). At run time, anything a plan did not foresee — a value of the
 * wrong type, an unknown field or wire type, truncated bytes — is handed to protobuf-es for the
 * whole message, which then encodes, decodes or fails exactly as it always did.
 */
export interface CompiledCodec {
  encode(init: object): Uint8Array;
  decode(bytes: Uint8Array): object;
}

/** Thrown inside a plan when protobuf-es must take the whole message; never escapes this module. */
const UNFORESEEN = Symbol('unforeseen');

const enum Kind {
  String,
  Bool,
  Int32,
  Uint32,
  Int64,
  Uint64,
  Double,
  Bytes,
  Message,
}

interface FieldPlan {
  readonly no: number;
  readonly localName: string;
  readonly kind: Kind;
  readonly repeated: boolean;
  /** Written even when zero (proto3 `optional`, or a member of a oneof). */
  readonly explicit: boolean;
  readonly oneof?: string;
  /** The field's tag, as varint bytes. */
  readonly tag: readonly number[];
  readonly wireType: number;
  message?: MessagePlan;
  readonly messageDesc?: DescMessage;
}

interface MessagePlan {
  readonly typeName: string;
  readonly fields: readonly FieldPlan[];
  /** Fields by number, for decoding. */
  readonly byNumber: ReadonlyMap<number, FieldPlan>;
  /** Members a zero message has as own properties, with their zero values. */
  readonly zero: readonly { localName: string; make: () => unknown }[];
  /** Oneof groups: localName → fields by their localName. */
  readonly oneofs: ReadonlyMap<string, ReadonlyMap<string, FieldPlan>>;
}

const plans = new WeakMap<DescMessage, MessagePlan | null>();

function kindOf(field: DescField): Kind | undefined {
  if (field.fieldKind === 'enum') return Kind.Int32;
  if (field.fieldKind === 'message') return Kind.Message;
  if (field.fieldKind === 'list') {
    if (field.listKind === 'message') return Kind.Message;
    // Repeated numbers are packed; no contract has one, so none is planned for.
    return field.listKind === 'scalar' && field.scalar === ScalarType.STRING ? Kind.String : undefined;
  }
  if (field.fieldKind !== 'scalar') return undefined;
  switch (field.scalar) {
    case ScalarType.STRING: return Kind.String;
    case ScalarType.BOOL: return Kind.Bool;
    case ScalarType.INT32: return Kind.Int32;
    case ScalarType.UINT32: return Kind.Uint32;
    case ScalarType.INT64: return Kind.Int64;
    case ScalarType.UINT64: return Kind.Uint64;
    case ScalarType.DOUBLE: return Kind.Double;
    case ScalarType.BYTES: return Kind.Bytes;
    default: return undefined;
  }
}

const WIRE_VARINT = 0;
const WIRE_BIT64 = 1;
const WIRE_LEN = 2;

function wireTypeOf(kind: Kind): number {
  if (kind === Kind.Double) return WIRE_BIT64;
  if (kind === Kind.String || kind === Kind.Bytes || kind === Kind.Message) return WIRE_LEN;
  return WIRE_VARINT;
}

function varintBytes(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** The plan of a schema, or null when it uses something the plans do not cover. */
function planOf(desc: DescMessage): MessagePlan | null {
  const known = plans.get(desc);
  if (known !== undefined) return known;
  // Proto2 defaults, maps, groups, extensions and the well-known wrappers stay with protobuf-es.
  if (desc.file.edition !== 999 /* proto3 */) return remember(desc, null);
  const template = create(desc) as unknown as Record<string, unknown>;
  const fields: FieldPlan[] = [];
  for (const field of desc.fields) {
    const kind = kindOf(field);
    if (kind === undefined || (field as { delimitedEncoding?: boolean }).delimitedEncoding) return remember(desc, null);
    if (field.fieldKind === 'message' && field.message.file.name.startsWith('google/protobuf/')) return remember(desc, null);
    const wireType = wireTypeOf(kind);
    fields.push({
      no: field.number,
      localName: field.localName,
      kind,
      repeated: field.fieldKind === 'list',
      explicit: field.oneof !== undefined || (field.fieldKind !== 'list' && field.presence !== 2 /* IMPLICIT */),
      oneof: field.oneof?.localName,
      tag: varintBytes((field.number << 3) | wireType),
      wireType,
      messageDesc: field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message') ? field.message : undefined,
    });
  }
  fields.sort((a, b) => a.no - b.no);
  const zero: { localName: string; make: () => unknown }[] = [];
  for (const member of desc.members) {
    if (!(member.localName in template)) continue;
    const value = template[member.localName];
    if (member.kind === 'oneof') zero.push({ localName: member.localName, make: () => ({ case: undefined }) });
    else if (Array.isArray(value)) zero.push({ localName: member.localName, make: () => [] });
    else if (value instanceof Uint8Array) zero.push({ localName: member.localName, make: () => new Uint8Array(0) });
    else if (value === null || typeof value === 'object') return remember(desc, null);
    else zero.push({ localName: member.localName, make: () => value });
  }
  const oneofs = new Map<string, Map<string, FieldPlan>>();
  for (const f of fields) {
    if (!f.oneof) continue;
    if (!oneofs.has(f.oneof)) oneofs.set(f.oneof, new Map());
    oneofs.get(f.oneof)!.set(f.localName, f);
  }
  const plan: MessagePlan = { typeName: desc.typeName, fields, byNumber: new Map(fields.map((f) => [f.no, f])), zero, oneofs };
  // Stored before the nested plans are made, so recursive schemas end.
  remember(desc, plan);
  for (const f of fields) {
    if (!f.messageDesc) continue;
    const nested = planOf(f.messageDesc);
    if (!nested) return remember(desc, null);
    f.message = nested;
  }
  return plan;
}

function remember(desc: DescMessage, plan: MessagePlan | null): MessagePlan | null {
  plans.set(desc, plan);
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Encoding: one reused scratch buffer (encoding is synchronous, so never shared by two calls).

let buf = Buffer.allocUnsafe(16 * 1024);
let pos = 0;

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + n));
  buf.copy(bigger, 0, 0, pos);
  buf = bigger;
}

function writeVarint32(n: number): void {
  // n is an unsigned 32-bit value here.
  while (n > 0x7f) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
}

/** A 64-bit two's-complement value as a varint, from its low and high 32 bits. */
function writeVarint64(lo: number, hi: number): void {
  for (let i = 0; i < 28; i += 7) {
    const shift = lo >>> i;
    const more = !(shift >>> 7 === 0 && hi === 0);
    buf[pos++] = (more ? shift | 0x80 : shift) & 0xff;
    if (!more) return;
  }
  const splitBits = ((lo >>> 28) & 0x0f) | ((hi & 0x07) << 4);
  const hasMoreBits = !(hi >> 3 === 0);
  buf[pos++] = (hasMoreBits ? splitBits | 0x80 : splitBits) & 0xff;
  if (!hasMoreBits) return;
  for (let i = 3; i < 31; i += 7) {
    const shift = hi >>> i;
    const more = !(shift >>> 7 === 0);
    buf[pos++] = (more ? shift | 0x80 : shift) & 0xff;
    if (!more) return;
  }
  buf[pos++] = (hi >>> 31) & 0x01;
}

const TWO_32 = 0x1_0000_0000;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** An int64/uint64 value (bigint, or a safe-integer number) as a varint; anything else is unforeseen. */
function writeInt64(v: unknown, unsigned: boolean): void {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || (unsigned && v < 0)) throw UNFORESEEN;
    if (v >= 0) {
      writeVarint64(v % TWO_32 >>> 0, Math.floor(v / TWO_32) >>> 0);
      return;
    }
    v = BigInt(v);
  }
  if (typeof v !== 'bigint') throw UNFORESEEN;
  if (unsigned ? v < 0n || v > U64_MAX : v < I64_MIN || v > I64_MAX) throw UNFORESEEN;
  const u = BigInt.asUintN(64, v);
  writeVarint64(Number(u & 0xffffffffn), Number(u >> 32n));
}

function writeString(s: string): void {
  const n = s.length;
  if (n < 43) {
    // At most 3 bytes per UTF-16 unit, so the length fits one byte: write the text after it.
    ensure(1 + 3 * n);
    const start = ++pos;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      buf[pos++] = c;
    }
    if (!ascii) pos = start + buf.write(s, start);
    buf[start - 1] = pos - start;
    return;
  }
  const len = Buffer.byteLength(s);
  ensure(5 + len);
  writeVarint32(len);
  pos += buf.write(s, pos);
}

function writeTag(tag: readonly number[]): void {
  for (let i = 0; i < tag.length; i++) buf[pos++] = tag[i];
}

function isZero(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case Kind.String: return v === '';
    case Kind.Bool: return v === false;
    case Kind.Bytes: return v instanceof Uint8Array && v.byteLength === 0;
    case Kind.Message: return false;
    // protobuf-es's own test, loose on purpose: 0, -0, 0n and '0' are all zero.
    default: return v == 0;
  }
}

function writeValue(f: FieldPlan, v: unknown): void {
  ensure(16);
  writeTag(f.tag);
  switch (f.kind) {
    case Kind.String:
      if (typeof v !== 'string') throw UNFORESEEN;
      writeString(v);
      return;
    case Kind.Bool:
      if (typeof v !== 'boolean') throw UNFORESEEN;
      buf[pos++] = v ? 1 : 0;
      return;
    case Kind.Int32:
      if (typeof v !== 'number' || (v | 0) !== v) throw UNFORESEEN;
      if (v >= 0) writeVarint32(v);
      else writeVarint64(v >>> 0, 0xffffffff);
      return;
    case Kind.Uint32:
      if (typeof v !== 'number' || v >>> 0 !== v) throw UNFORESEEN;
      writeVarint32(v);
      return;
    case Kind.Int64:
      writeInt64(v, false);
      return;
    case Kind.Uint64:
      writeInt64(v, true);
      return;
    case Kind.Double:
      if (typeof v !== 'number') throw UNFORESEEN;
      pos = buf.writeDoubleLE(v, pos);
      return;
    case Kind.Bytes:
      if (!(v instanceof Uint8Array)) throw UNFORESEEN;
      ensure(5 + v.byteLength);
      writeVarint32(v.byteLength);
      buf.set(v, pos);
      pos += v.byteLength;
      return;
    case Kind.Message: {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw UNFORESEEN;
      // The length goes before the body; reserve one byte and move the body if it needs more.
      const start = ++pos;
      writeMessage(f.message!, v as Record<string, unknown>);
      const len = pos - start;
      if (len < 0x80) {
        buf[start - 1] = len;
        return;
      }
      const extra = varintBytes(len).length - 1;
      ensure(extra);
      buf.copyWithin(start + extra, start, pos);
      pos = start - 1;
      writeVarint32(len);
      pos += len;
      return;
    }
  }
}

function writeMessage(plan: MessagePlan, msg: Record<string, unknown>): void {
  const typeName = msg.$typeName;
  if (typeName !== undefined && typeName !== plan.typeName) throw UNFORESEEN;
  const unknown = msg.$unknown;
  if (Array.isArray(unknown) && unknown.length > 0) throw UNFORESEEN;
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    let v: unknown;
    if (f.oneof !== undefined) {
      const group = msg[f.oneof] as { case?: unknown; value?: unknown } | null | undefined;
      if (group == null) continue;
      if (typeof group !== 'object') throw UNFORESEEN;
      if (group.case !== f.localName) continue;
      v = group.value;
      if (v === undefined) throw UNFORESEEN;
    } else {
      v = msg[f.localName];
      if (v == null) continue;
    }
    if (f.repeated) {
      if (!Array.isArray(v)) throw UNFORESEEN;
      for (let j = 0; j < v.length; j++) writeValue(f, v[j]);
    } else if (f.explicit || !isZero(f.kind, v)) {
      writeValue(f, v);
    }
  }
}

function encodeWith(plan: MessagePlan, init: object): Uint8Array {
  pos = 0;
  try {
    writeMessage(plan, init as Record<string, unknown>);
    return new Uint8Array(buf.subarray(0, pos));
  } finally {
    // A huge message must not pin a huge scratch buffer.
    if (buf.length > 1024 * 1024) buf = Buffer.allocUnsafe(16 * 1024);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding.

class Reader {
  pos: number;
  readonly text: Buffer;
  constructor(readonly bytes: Uint8Array) {
    this.pos = 0;
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  varint32(end: number): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= end) throw UNFORESEEN;
      const b = this.bytes[this.pos++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    // A negative int32 takes ten bytes; its low 32 bits are all that count.
    for (let i = 0; i < 5; i++) {
      if (this.pos >= end) throw UNFORESEEN;
      if (this.bytes[this.pos++] < 0x80) return result >>> 0;
    }
    throw UNFORESEEN;
  }

  /** Low and high 32 bits of a varint of up to 64 bits. */
  varint64(end: number): [number, number] {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (; shift < 28; shift += 7) {
      if (this.pos >= end) throw UNFORESEEN;
      const b = this.bytes[this.pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return [lo >>> 0, 0];
    }
    if (this.pos >= end) throw UNFORESEEN;
    const middle = this.bytes[this.pos++];
    lo |= (middle & 0x0f) << 28;
    hi = (middle & 0x70) >> 4;
    if (middle < 0x80) return [lo >>> 0, hi >>> 0];
    for (shift = 3; shift <= 31; shift += 7) {
      if (this.pos >= end) throw UNFORESEEN;
      const b = this.bytes[this.pos++];
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
    throw UNFORESEEN;
  }

  length(end: number): number {
    const len = this.varint32(end);
    if (this.pos + len > end) throw UNFORESEEN;
    return len;
  }
}

function readValue(r: Reader, f: FieldPlan, end: number): unknown {
  switch (f.kind) {
    case Kind.String: {
      const len = r.length(end);
      const s = r.text.toString('utf8', r.pos, r.pos + len);
      r.pos += len;
      return s;
    }
    case Kind.Bool: {
      const [lo, hi] = r.varint64(end);
      return lo !== 0 || hi !== 0;
    }
    case Kind.Int32:
      return r.varint32(end) | 0;
    case Kind.Uint32:
      return r.varint32(end);
    case Kind.Int64: {
      const [lo, hi] = r.varint64(end);
      if (hi < 0x200000) return BigInt(hi * TWO_32 + lo);
      return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    }
    case Kind.Uint64: {
      const [lo, hi] = r.varint64(end);
      if (hi < 0x200000) return BigInt(hi * TWO_32 + lo);
      return (BigInt(hi) << 32n) | BigInt(lo);
    }
    case Kind.Double: {
      if (r.pos + 8 > end) throw UNFORESEEN;
      const d = r.text.readDoubleLE(r.pos);
      r.pos += 8;
      return d;
    }
    case Kind.Bytes: {
      const len = r.length(end);
      const b = r.bytes.slice(r.pos, r.pos + len);
      r.pos += len;
      return b;
    }
    case Kind.Message: {
      const len = r.length(end);
      return readMessage(r, f.message!, r.pos + len);
    }
  }
}

function readMessage(r: Reader, plan: MessagePlan, end: number): Record<string, unknown> {
  const msg: Record<string, unknown> = { $typeName: plan.typeName };
  for (const z of plan.zero) msg[z.localName] = z.make();
  while (r.pos < end) {
    const tag = r.varint32(end);
    const f = plan.byNumber.get(tag >>> 3);
    // Unknown fields (kept by protobuf-es in $unknown), and wire types other than the planned one
    // (packed or unpacked variants, groups, garbage), go to protobuf-es.
    if (!f || (tag & 7) !== f.wireType) throw UNFORESEEN;
    const v = readValue(r, f, end);
    if (f.repeated) (msg[f.localName] as unknown[]).push(v);
    else if (f.oneof !== undefined) {
      // A second message for the same oneof member is merged by protobuf-es.
      const group = msg[f.oneof] as { case?: string };
      if (f.kind === Kind.Message && group.case === f.localName) throw UNFORESEEN;
      msg[f.oneof] = { case: f.localName, value: v };
    } else {
      // A singular message field seen twice is merged by protobuf-es.
      if (f.kind === Kind.Message && msg[f.localName] !== undefined) throw UNFORESEEN;
      msg[f.localName] = v;
    }
  }
  if (r.pos !== end) throw UNFORESEEN;
  return msg;
}

// ---------------------------------------------------------------------------------------------

/**
 * The compiled codec of a schema, or undefined when its plan is not covered. `fallbackEncode` and
 * `fallbackDecode` are protobuf-es's own paths, taken for whatever a plan did not foresee.
 */
export function compiledCodec(
  desc: DescMessage,
  fallbackEncode: (init: object) => Uint8Array,
  fallbackDecode: (bytes: Uint8Array) => object,
): CompiledCodec | undefined {
  const plan = planOf(desc);
  if (!plan) return undefined;
  return {
    encode: (init) => {
      try {
        return encodeWith(plan, init);
      } catch (e) {
        if (e === UNFORESEEN) return fallbackEncode(init);
        throw e;
      }
    },
    decode: (bytes) => {
      try {
        return readMessage(new Reader(bytes), plan, bytes.byteLength);
      } catch (e) {
        if (e === UNFORESEEN) return fallbackDecode(bytes);
        throw e;
      }
    },
  };
}
