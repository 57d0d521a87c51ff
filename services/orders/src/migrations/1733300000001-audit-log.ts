import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every ops action on an order: who, when, what, why, and what came of it. Rows are never changed or removed. */
export class AuditLog1733300000001 implements MigrationInterface {
  name = 'AuditLog1733300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL CHECK (actor <> ''),
        action text NOT NULL,
        order_id uuid,
        reason text NOT NULL DEFAULT '',
        outcome text NOT NULL
      );
      CREATE INDEX audit_log_order ON audit_log (order_id, at DESC);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log; DROP FUNCTION audit_log_append_only();');
  }
}
