import type { DescMessage, DescMethod } from '@bufbuild/protobuf';
import { decodeMessage, encodeMessage, eventSchemaByPattern, methodByPattern } from '@cardshop/contracts';
import type { Codec } from '../codec';

/**
 * Protobuf binary on the wire, schemas found from the pattern alone. The same pattern names a
 * request and its reply, so a codec knows which side it serves: a server decodes requests and
 * encodes replies; a client does the opposite. Events are unambiguous on both sides.
 */
export function protoCodec(side: 'server' | 'client'): Codec {
  const cache = new Map<string, { encode: DescMessage; decode: DescMessage }>();
  const schemasOf = (pattern: string) => {
    let s = cache.get(pattern);
    if (!s) {
      const event = eventSchemaByPattern(pattern);
      const method: DescMethod | undefined = event ? undefined : methodByPattern(pattern);
      if (event) s = { encode: event, decode: event };
      else if (method) s = side === 'server' ? { encode: method.output, decode: method.input } : { encode: method.input, decode: method.output };
      else throw new Error(`no contract for pattern ${pattern}`);
      cache.set(pattern, s);
    }
    return s;
  };
  return {
    encode: (pattern, data) => encodeMessage(schemasOf(pattern).encode, (data ?? {}) as never),
    decode: (pattern, bytes) => decodeMessage(schemasOf(pattern).decode, bytes),
  };
}
