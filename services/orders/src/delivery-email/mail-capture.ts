import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** A message the capture server received, parsed for the mailbox view. */
export interface CapturedMail {
  at: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

const KEEP = 200;

/**
 * The local SMTP server of dev and test stacks (`SMTP_CAPTURE_PORT`): accepts every message on
 * 127.0.0.1 and keeps the latest ones in memory for the orders `/ops` mailbox, so delivery
 * emails can be read without a real mail relay. Never configured in production.
 */
@Injectable()
export class MailCapture implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(MailCapture.name);
  /** Raw messages, newest first; parsed only when the mailbox is looked at. */
  private readonly raw: Buffer[] = [];
  private server?: SMTPServer;

  constructor(@Inject(ORDERS_CONFIG) private readonly config: OrdersConfig) {}

  get enabled(): boolean {
    return this.server !== undefined;
  }

  async onModuleInit(): Promise<void> {
    const port = this.config.SMTP_CAPTURE_PORT;
    if (!port) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      size: 1 << 20,
      logger: false,
      onData: (stream, _session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.once('error', done);
        stream.once('end', () => {
          this.raw.unshift(Buffer.concat(chunks));
          this.raw.length = Math.min(this.raw.length, KEEP);
          done();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    server.on('error', (e) => this.log.warn({ err: e.message }, 'mail capture error'));
    this.server = server;
    this.log.log({ port }, 'capturing outgoing mail (dev/test)');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The latest `n` messages, newest first. */
  async mailbox(n = 20): Promise<CapturedMail[]> {
    return Promise.all(
      this.raw.slice(0, n).map(async (raw) => {
        const m = await simpleParser(raw);
        const to = Array.isArray(m.to) ? m.to.map((a) => a.text).join(', ') : m.to?.text ?? '';
        return { at: (m.date ?? new Date()).toISOString(), from: m.from?.text ?? '', to, subject: m.subject ?? '', text: m.text ?? '' };
      }),
    );
  }
}
