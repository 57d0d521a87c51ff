import {
  create,
  fromBinary,
  ScalarType,
  toBinary,
  toJson,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { compiledCodec, type CompiledCodec } from './compiled-codec';
import { int64ToNumber } from './int64';

/** Bytes that are not a valid encoding of the expected message (a caller's fault, not ours). */
export class ContractDecodeError extends Error {
  readonly code = 'CONTRACTS.MALFORMED_MESSAGE';
  constructor(typeName: string, cause: unknown) {
    super(`cannot decode ${typeName}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ContractDecodeError';
  }
}

/**
 * The protobuf binary encoding of a message, or of a plain object shaped like one: the bytes
 * `toBinary(schema, create(schema, msg))` gives, through the schema's compiled codec.
 */
export function encodeMessage<Desc extends DescMessage>(schema: Desc, msg: MessageInitShape<Desc>): Uint8Array {
  return codecOf(schema).encode(msg as object);
}

/** Decodes protobuf binary (what `fromBinary` gives); throws ContractDecodeError on malformed bytes. */
export function decodeMessage<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  return codecOf(schema).decode(bytes) as MessageShape<Desc>;
}

const codecs = new WeakMap<DescMessage, CompiledCodec>();

function codecOf(schema: DescMessage): CompiledCodec {
  let codec = codecs.get(schema);
  if (!codec) {
    const encode = (init: object) => reflectiveEncode(schema, init);
    const decode = (bytes: Uint8Array) => reflectiveDecode(schema, bytes);
    codec = compiledCodec(schema, encode, decode) ?? { encode, decode };
    codecs.set(schema, codec);
  }
  return codec;
}

/** protobuf-es's own encoder: the reference the compiled codecs match, and their fallback. */
export function reflectiveEncode(schema: DescMessage, init: object): Uint8Array {
  return toBinary(schema, create(schema, init as MessageInitShape<DescMessage>));
}

/** protobuf-es's own decoder, its errors wrapped as ContractDecodeError. */
export function reflectiveDecode(schema: DescMessage, bytes: Uint8Array): object {
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new ContractDecodeError(schema.typeName, err);
  }
}

/**
 * A JSON-friendly copy of a message for HTTP responses: camelCase keys, every field present
 * (defaults included), enums by name, and int64 as plain integer numbers rather than the
 * canonical proto JSON strings, so that `minorAmount` is a number as the public API promises.
 */
export function toPlain<Desc extends DescMessage>(schema: Desc, msg: MessageShape<Desc>): JsonObject {
  return int64sAsNumbers(schema, toJson(schema, msg, { alwaysEmitImplicit: true }) as JsonObject);
}

const INT64_SCALARS = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

function int64sAsNumbers(schema: DescMessage, json: JsonObject): JsonObject {
  for (const field of schema.fields) {
    const value = json[field.jsonName];
    if (value !== undefined && value !== null) json[field.jsonName] = convertField(field, value);
  }
  return json;
}

function convertField(field: DescField, value: JsonValue): JsonValue {
  const convertOne = (v: JsonValue): JsonValue => {
    if (field.message && isObject(v)) return int64sAsNumbers(field.message, v);
    if (field.scalar !== undefined && INT64_SCALARS.has(field.scalar) && typeof v === 'string') return int64ToNumber(v);
    return v;
  };
  switch (field.fieldKind) {
    case 'list':
      return Array.isArray(value) ? value.map(convertOne) : value;
    case 'map':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertOne(v)])) : value;
    default:
      return convertOne(value);
  }
}

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
