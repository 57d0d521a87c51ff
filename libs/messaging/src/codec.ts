/**
 * Turns a message into bytes and back at the transport boundary. The transport only ever moves
 * `Uint8Array`; services plug in the protobuf codec from `@cardshop/contracts`.
 */
export interface Codec {
  encode(pattern: string, data: unknown): Uint8Array;
  decode(pattern: string, bytes: Uint8Array): unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Default codec: JSON text. An empty body decodes to `undefined`. */
export const jsonCodec: Codec = {
  encode: (_pattern, data) => (data === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(data))),
  decode: (_pattern, bytes) => (bytes.length === 0 ? undefined : JSON.parse(decoder.decode(bytes))),
};
