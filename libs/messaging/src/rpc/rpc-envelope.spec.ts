import type { Msg } from 'nats';
import { jsonCodec } from '../codec';
import { RpcRemoteError } from '../messaging.errors';
import { dataReply, errorReply, openReply, toWireError } from './rpc-envelope';

const asMsg = (r: { body: Uint8Array; headers: Msg['headers'] }) => ({ data: r.body, headers: r.headers }) as Msg;

describe('rpc envelope', () => {
  it('a data reply carries the codec bytes unchanged', () => {
    const reply = dataReply(jsonCodec.encode('p', { n: 1 }));
    expect(openReply('p', asMsg(reply), jsonCodec)).toEqual({ n: 1 });
  });

  it('an error with a string code keeps code, status and details across the wire', () => {
    const err = Object.assign(new Error('out of stock'), { code: 'CATALOG.OUT_OF_STOCK', status: 409, details: { sku: 'a' } });
    const msg = asMsg(errorReply(toWireError(err)));
    expect(() => openReply('p', msg, jsonCodec)).toThrow(RpcRemoteError);
    try {
      openReply('p', msg, jsonCodec);
    } catch (e) {
      expect(e).toMatchObject({ code: 'CATALOG.OUT_OF_STOCK', message: 'out of stock', status: 409, details: { sku: 'a' } });
    }
  });

  it('an error without a code becomes INTERNAL and does not leak its message', () => {
    expect(toWireError(new Error('password=hunter2'))).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(toWireError({ status: 'error', message: 'Internal server error' }).code).toBe('INTERNAL');
  });
});
