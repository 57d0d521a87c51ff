import { create } from '@bufbuild/protobuf';
import { PaymentFailedSchema, PaymentSucceededSchema } from '@cardshop/contracts';
import { messagingEntities } from '@cardshop/messaging';
import { serviceSchema } from '@cardshop/platform/testing';
import { routerMigrations } from '../src/app.module';
import { ChannelOutcomesController } from '../src/channel-outcomes/channel-outcomes.controller';

const dbs = serviceSchema('router_it', { migrations: routerMigrations, entities: messagingEntities });

const succeeded = (attemptId: string, channel = 'alipay') => create(PaymentSucceededSchema, { orderId: `o-${attemptId}`, attemptId, channel, amount: { minorAmount: 100n, currency: 'CNY' } });
const failed = (attemptId: string) => create(PaymentFailedSchema, { orderId: `o-${attemptId}`, attemptId, channel: 'wechat_pay' });
const outcomes = () => dbs[0].query(`SELECT attempt_id, channel, succeeded FROM channel_outcomes ORDER BY attempt_id, succeeded`);

describe('channel outcomes (PostgreSQL)', () => {
  it('events handled at the same time are all recorded, once each; a repeated one and a manual payment add nothing', async () => {
    const c = new ChannelOutcomesController(dbs[0]);
    await Promise.all([
      c.onSucceeded(succeeded('a1')), c.onSucceeded(succeeded('a2', 'unionpay')), c.onFailed(failed('a3')),
      c.onSucceeded(succeeded('a1')), // the same event delivered twice, in the same batch
      c.onSucceeded(succeeded('m1', 'manual')),
    ]);
    await c.onSucceeded(succeeded('a2', 'unionpay')); // and redelivered later
    expect(await outcomes()).toEqual([
      { attempt_id: 'a1', channel: 'alipay', succeeded: true },
      { attempt_id: 'a2', channel: 'unionpay', succeeded: true },
      { attempt_id: 'a3', channel: 'wechat_pay', succeeded: false },
    ]);
  });

  it('a statement that fails fails every event it held, so none of them is acknowledged', async () => {
    const c = new ChannelOutcomesController(dbs[0]);
    await dbs[0].query(`ALTER TABLE channel_outcomes ADD CONSTRAINT no_b CHECK (attempt_id NOT LIKE 'b%')`);
    try {
      const settled = await Promise.allSettled([c.onSucceeded(succeeded('b1')), c.onSucceeded(succeeded('c1'))]);
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await dbs[0].query(`ALTER TABLE channel_outcomes DROP CONSTRAINT no_b`);
    }
    expect(await dbs[0].query(`SELECT attempt_id FROM channel_outcomes WHERE attempt_id IN ('b1', 'c1')`)).toEqual([]);
  });
});
