import type { DataSource } from 'typeorm';
import { messagingEntities } from '@cardshop/messaging';
import { serviceSchema } from '@cardshop/platform/testing';
import { ordersMigrations } from '../src/app.module';

/**
 * Two replicas of orders on one fresh schema of the test database (real PostgreSQL), each with its
 * own pool, migrated before the suite and dropped after it.
 */
export function ordersReplicas(prefix: string): DataSource[] {
  return serviceSchema(prefix, { migrations: ordersMigrations, entities: messagingEntities, replicas: 2 });
}
