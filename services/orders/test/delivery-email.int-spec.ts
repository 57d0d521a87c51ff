import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { TypedRpc } from '@cardshop/messaging';
import { DeliveryEmails, MAX_EMAIL_ATTEMPTS } from '../src/delivery-email/delivery-email';
import { MailCapture } from '../src/delivery-email/mail-capture';
import { OrdersOps } from '../src/orders.ops';
import type { OpsRegistry } from '@cardshop/platform';
import type { OrdersConfig } from '../src/orders.config';
import { ordersReplicas } from './orders-db';

// Two replicas of orders, each with its own pool, retrying the same emails at once.
const replicas = ordersReplicas('orders_mail_it');

/** A free TCP port on the loopback, for a mail server started next. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The dev stacks' own SMTP capture server on a free port: who each message went to, and its text. */
async function smtpSink(): Promise<{ port: number; mails: () => Promise<{ to: string; text: string }[]>; close: () => Promise<void> }> {
  const port = await freePort();
  const capture = new MailCapture({ SMTP_CAPTURE_PORT: port } as OrdersConfig);
  await capture.onModuleInit();
  return { port, mails: () => capture.mailbox(100), close: () => capture.onApplicationShutdown() };
}
const recipients = async (sink: { mails: () => Promise<{ to: string }[]> }) => (await sink.mails()).map((m) => m.to).sort();

/** The catalog's RevealKeys, answered here: this suite is about the orders side of the email. */
const catalog = { call: async () => ({ keys: ['KEY-AAAA-0001'] }) } as unknown as TypedRpc;
const mailer = (db: DataSource, port: number, rpc = catalog) =>
  new DeliveryEmails(db, rpc, { SMTP_CAPTURE_PORT: port, MAIL_FROM: 'Cardshop <no-reply@cardshop.local>' } as OrdersConfig);

/** Delivered orders whose pending email is due now, as a crash right after the delivery leaves them. */
async function deliveredAwaitingEmail(n: number): Promise<{ ids: string[]; emails: string[] }> {
  const ids = Array.from({ length: n }, () => randomUUID());
  const emails = ids.map((id) => `buyer-${id.slice(0, 8)}@example.com`);
  await replicas[0].query(
    `INSERT INTO orders (id, status, product_id, seller_id, quantity, total_minor, currency, email, expires_at, delivered_at)
     SELECT id, 'delivered', $3, $3, 1, 100, 'CNY', email, now(), now() FROM unnest($1::uuid[], $2::text[]) AS t (id, email)`,
    [ids, emails, randomUUID()],
  );
  await replicas[0].query(`INSERT INTO delivery_emails (order_id, next_attempt_at) SELECT id, now() - interval '1 second' FROM unnest($1::uuid[]) AS id`, [ids]);
  return { ids, emails };
}

/** The orders dashboard's list of delivery emails not sent yet. */
async function unsentOnDashboard(db: DataSource): Promise<Record<string, unknown>[]> {
  const ops = new OrdersOps(db, {} as OpsRegistry, { enabled: false } as MailCapture);
  const section = (await ops.sections()).find((s) => s.title === 'Delivery emails not sent yet');
  return (section as { rows: Record<string, unknown>[] }).rows;
}

const rowsOf = (ids: string[]) =>
  replicas[0].query(`SELECT sends, attempts, last_error IS NOT NULL AS failed, next_attempt_at > now() AS later FROM delivery_emails WHERE order_id = ANY($1)`, [ids]);

describe('delivery emails retried from their pending rows (PostgreSQL, SMTP)', () => {
  it('a pending email is sent once by the retry, however many replicas look for it at the same time', async () => {
    const sink = await smtpSink();
    const mailers = replicas.map((db) => mailer(db, sink.port));
    try {
      const { ids, emails } = await deliveredAwaitingEmail(12);
      const sent = await Promise.all(mailers.flatMap((m) => [m.retryDue(5), m.retryDue(5), m.retryDue(5)]));
      expect(sent.reduce((a, b) => a + b, 0)).toBe(12);
      expect(await recipients(sink)).toEqual([...emails].sort());
      expect(await rowsOf(ids)).toEqual(ids.map(() => ({ sends: 1, attempts: 1, failed: false, later: true })));
      // Nothing is pending any more: looking again sends nothing.
      expect(await mailers[0].retryDue()).toBe(0);
      expect(await recipients(sink)).toHaveLength(12);
    } finally {
      await Promise.all(mailers.map((m) => m.onApplicationShutdown()));
      await sink.close();
    }
  });

  it('a send that fails is recorded and pushed back, and goes out when it is due and the relay answers', async () => {
    const down = await smtpSink();
    const port = down.port;
    await down.close(); // nothing listens on this port now
    const failing = mailer(replicas[0], port);
    const { ids, emails } = await deliveredAwaitingEmail(1);
    try {
      expect(await failing.retryDue()).toBe(0);
    } finally {
      await failing.onApplicationShutdown();
    }
    expect(await rowsOf(ids)).toEqual([{ sends: 0, attempts: 1, failed: true, later: true }]);
    expect(await unsentOnDashboard(replicas[0])).toContainEqual(expect.objectContaining({ order_id: ids[0], attempts: 1, state: 'retrying', last_error: expect.stringMatching(/ECONNREFUSED/) }));

    const sink = await smtpSink();
    const working = mailer(replicas[1], sink.port);
    try {
      // Not yet due: the backoff holds it back.
      expect(await working.retryDue()).toBe(0);
      await replicas[0].query(`UPDATE delivery_emails SET next_attempt_at = now() WHERE order_id = $1`, [ids[0]]);
      expect(await working.retryDue()).toBe(1);
      expect(await recipients(sink)).toEqual(emails);
      expect(await rowsOf(ids)).toEqual([{ sends: 1, attempts: 2, failed: false, later: true }]);
    } finally {
      await working.onApplicationShutdown();
      await sink.close();
    }
  });

  it('an email that failed every try is given up, left alone by the retry, and shown to ops', async () => {
    const sink = await smtpSink();
    const m = mailer(replicas[0], sink.port);
    const { ids } = await deliveredAwaitingEmail(1);
    await replicas[0].query(`UPDATE delivery_emails SET attempts = $2, last_error = 'relay refused' WHERE order_id = $1`, [ids[0], MAX_EMAIL_ATTEMPTS]);
    try {
      expect(await m.retryDue()).toBe(0);
    } finally {
      await m.onApplicationShutdown();
      await sink.close();
    }
    expect(await recipients(sink)).toEqual([]);
    expect(await unsentOnDashboard(replicas[1])).toContainEqual(expect.objectContaining({ order_id: ids[0], state: 'given up: resend it', next_try: null }));
  });

  it('right after a delivery, the keys the catalog handed over are sent without asking it again, and each send is recorded', async () => {
    const sink = await smtpSink();
    const asked: unknown[] = [];
    const watched = { call: async (...args: unknown[]) => (asked.push(args), { keys: ['KEY-FROM-REVEAL'] }) } as unknown as TypedRpc;
    const m = mailer(replicas[0], sink.port, watched);
    const { ids, emails } = await deliveredAwaitingEmail(3);
    try {
      ids.forEach((id, i) => m.afterDelivery(id, emails[i], [`KEY-FROM-SALE-${i}`]));
    } finally {
      await m.onApplicationShutdown(); // waits for the sends started above and for their records
      await sink.close();
    }
    const mails = await sink.mails();
    expect(await recipients(sink)).toEqual([...emails].sort());
    expect(mails.map((mail) => mail.text.match(/KEY-FROM-SALE-\d/)?.[0]).sort()).toEqual(['KEY-FROM-SALE-0', 'KEY-FROM-SALE-1', 'KEY-FROM-SALE-2']);
    expect(asked).toEqual([]);
    expect(await rowsOf(ids)).toEqual(ids.map(() => expect.objectContaining({ sends: 1, failed: false })));
  });
});
