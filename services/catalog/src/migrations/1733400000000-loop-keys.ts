import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Loop keys (循环卡密): one code sold again and again, never used up. A reservation of a loop
 * product points at the loop key it sells instead of locking key rows.
 */
export class LoopKeys1733400000000 implements MigrationInterface {
  name = 'LoopKeys1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE card_keys ADD COLUMN loop boolean NOT NULL DEFAULT false;
      DROP INDEX card_keys_available;
      CREATE INDEX card_keys_available ON card_keys (product_id, id) WHERE status = 'available' AND NOT loop;
      CREATE INDEX card_keys_loop ON card_keys (product_id, id) WHERE status = 'available' AND loop;
      ALTER TABLE reservations ADD COLUMN loop_key_id bigint REFERENCES card_keys(id);
      CREATE INDEX reservations_loop_key ON reservations (loop_key_id) WHERE loop_key_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE reservations DROP COLUMN loop_key_id;
      DROP INDEX card_keys_loop;
      DROP INDEX card_keys_available;
      ALTER TABLE card_keys DROP COLUMN loop;
      CREATE INDEX card_keys_available ON card_keys (product_id, id) WHERE status = 'available';
    `);
  }
}
