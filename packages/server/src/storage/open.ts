/**
 * Opens the storage a `--db` value names: a PostgreSQL URL (postgres://user@host:port/database, shared by several
 * server replicas) or a SQLite file (created if missing; ':memory:' for a throwaway one).
 */
import { PostgresStorage } from './postgres.ts';
import { SqliteStorage } from './sqlite.ts';
import type { Storage } from './storage.ts';

/** Whether `db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

export async function openStorage(db: string): Promise<Storage> {
  return isPostgresUrl(db) ? PostgresStorage.open(db) : SqliteStorage.open(db);
}
