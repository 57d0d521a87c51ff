import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { patternOfMethod } from '@cardshop/contracts';
import type { JetStreamClient } from '../rpc/jetstream.client';
import type { RequestOptions } from '../rpc/rpc-requester';

/**
 * Typed request/reply over the JetStream client: the method descriptor gives the subject, the
 * request type and the reply type, so a call cannot name the wrong subject or shape.
 *   const r = await rpc.call(CatalogService.method.reserveKeys, { orderId, productId, quantity });
 */
export class TypedRpc {
  constructor(private readonly client: JetStreamClient) {}

  call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
    opts: RequestOptions & { qualifier?: string } = {},
  ): Promise<MessageShape<O>> {
    return this.client.request<MessageShape<O>>(patternOfMethod(method, opts.qualifier), input, opts);
  }
}
