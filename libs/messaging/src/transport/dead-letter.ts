import { headers as natsHeaders, type JetStreamClient, type JsMsg } from 'nats';
import { HEADER } from '../messaging.headers';
import { deadLetterSubject } from '@cardshop/contracts';
import { errorCode, errorText } from './invoke-handler';

/**
 * Publishes a failed event to `<ns>.dlq.<consumer>.<pattern>` with its original payload and
 * headers plus why it failed, and waits for JetStream to store it. The dead letter's own
 * `Nats-Msg-Id` is `<consumer>:<event id>`, so a repeat by the same consumer is deduplicated while
 * the same event failing in two consumers gives two dead letters.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  ns: string,
  consumer: string,
  pattern: string,
  eventId: string,
  msg: JsMsg,
  err: unknown,
): Promise<void> {
  const h = natsHeaders();
  if (msg.headers) for (const key of msg.headers.keys()) h.set(key, msg.headers.get(key));
  h.set(HEADER.msgId, `${consumer}:${eventId}`);
  h.set('Cardshop-Event-Id', eventId);
  h.set(HEADER.error, errorText(err));
  h.set(HEADER.errorCode, errorCode(err) ?? 'INTERNAL');
  h.set(HEADER.originalSubject, msg.subject);
  h.set(HEADER.deliveryCount, String(msg.info.deliveryCount));
  await js.publish(deadLetterSubject(ns, consumer, pattern), msg.data, { headers: h, msgID: `${consumer}:${eventId}` });
}
