import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** The quoted, schema-qualified table of an entity, for the few hand-written hot-path queries. */
export function quotedTable(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): string {
  const { schema, tableName } = dataSource.getMetadata(entity);
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return schema ? `${q(schema)}.${q(tableName)}` : q(tableName);
}
