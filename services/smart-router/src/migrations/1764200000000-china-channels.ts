import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * WeChat Pay, UnionPay and the 易支付 aggregators' payment types join the catalogue, and every
 * channel says how buyers pay on it. Limits are the providers' usual per-payment caps for
 * personal buyers, in fen.
 */
export class ChinaChannels1764200000000 implements MigrationInterface {
  name = 'ChinaChannels1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO channels (name, currencies, countries, min_minor, max_minor, enabled) VALUES
        ('wechat_pay', '{CNY}', '{}', 1, 5000000, true),
        ('unionpay', '{CNY}', '{}', 1, 5000000, true),
        ('epay:alipay', '{CNY}', '{}', 1, 1000000, true),
        ('epay:wxpay', '{CNY}', '{}', 1, 1000000, true),
        ('epay:qqpay', '{CNY}', '{}', 1, 500000, true),
        ('epay:bank', '{CNY}', '{}', 1, 1000000, true)
      ON CONFLICT (name) DO NOTHING;
      -- How buyers pay on each channel: on a phone, QR-only channels rank after those that open there.
      ALTER TABLE channels ADD COLUMN flows text[] NOT NULL DEFAULT '{qr}';
      UPDATE channels SET flows = '{qr,redirect}' WHERE name IN ('wechat_pay', 'unionpay', 'epay:alipay', 'epay:wxpay', 'epay:qqpay', 'epay:bank');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE channels DROP COLUMN flows; DELETE FROM channels WHERE name IN ('wechat_pay', 'unionpay', 'epay:alipay', 'epay:wxpay', 'epay:qqpay', 'epay:bank')`);
  }
}
