import { Controller, type INestApplication } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { consumerName, eventStreamName, eventSubject } from '@cardshop/contracts';
import { IntHarness, pollUntil } from './support/int-harness';
import { startMessagingApp } from './support/messaging-app';

const SERVICE = 'settlement';
const PATTERN = 'payments.v1.PaymentSucceeded';

let started = false;
let serverClosing = false;
let finished = false;

@Controller()
class SlowSettlementController {
  @EventPattern(PATTERN)
  async onPaid() {
    started = true;
    // Still running when the transport is told to close, and for a while after (slow work).
    await pollUntil('server close started', () => serverClosing);
    await new Promise((r) => setTimeout(r, 200));
    finished = true;
  }
}

jest.setTimeout(20_000);

describe('graceful shutdown', () => {
  const h = new IntHarness();
  let app: INestApplication;

  beforeAll(async () => {
    await h.setup();
    app = await startMessagingApp(h, SERVICE, [SlowSettlementController], {}, (server) => {
      const close = server.close.bind(server);
      server.close = () => {
        serverClosing = true;
        return close();
      };
    });
  });

  afterAll(() => h.dispose());

  it('closing the app lets an in-flight handler finish and ack before the connection drains', async () => {
    await h.nc.jetstream().publish(eventSubject(h.namespace, PATTERN), new TextEncoder().encode('{}'), { msgID: 'evt-slow' });
    await pollUntil('handler started', () => started);

    await app.close();

    expect(finished).toBe(true);
    const info = await h.jsm.consumers.info(eventStreamName(h.namespace, 'payments'), consumerName(SERVICE, PATTERN));
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(1);
  });
});
