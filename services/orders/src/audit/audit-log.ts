import type { DataSource, EntityManager } from 'typeorm';

/** One line of the append-only audit log: who did what to which order, why, and what came of it. */
export interface AuditEntry {
  actor: string;
  action: string;
  orderId: string;
  reason: string;
  outcome: string;
}

/** Appends to the audit log, in the caller's transaction when given its manager. */
export async function appendAudit(db: DataSource | EntityManager, e: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, order_id, reason, outcome) VALUES ($1, $2, $3, $4, $5)', [e.actor, e.action, e.orderId, e.reason, e.outcome]);
}
