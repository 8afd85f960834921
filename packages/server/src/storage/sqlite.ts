/**
 * The SQLite storage: one file (database.ts opens it and keeps its schema), one connection, transactions one at a time.
 *
 * better-sqlite3 is synchronous and the connection is shared, so every transaction and every read runs alone (a
 * SerialQueue of one key): statements of two requests never interleave, and one request's rollback never takes another's writes with
 * it. Transactions are IMMEDIATE, so they are also serialised with other processes using the same file. Per-experiment
 * suggestion locks are the process's own (service.ts queues per experiment): one server per file.
 */
import type { Statement } from 'better-sqlite3';
import { openDatabase, storageReason, type Db, type OpenOptions } from '../database.ts';
import { SerialQueue } from '../serial-queue.ts';
import type { SqlConnection, SqlValue, Storage } from './storage.ts';

export class SqliteStorage implements Storage {
  readonly dialect = 'sqlite';
  readonly name: string;
  private readonly statements = new Map<string, Statement>();
  /** one queue: every transaction and read of the connection, one at a time */
  private readonly queue = new SerialQueue<'connection'>();
  private readonly connection: SqlConnection;

  constructor(
    readonly db: Db,
    /** close() closes the database file too */
    private readonly owned = false,
  ) {
    this.name = db.name;
    const sql = (text: string): Statement => {
      let s = this.statements.get(text);
      if (!s) {
        s = this.db.prepare(text);
        this.statements.set(text, s);
      }
      return s;
    };
    this.connection = {
      get: async <T>(text: string, params: readonly SqlValue[] = []) => sql(text).get(...params) as T | undefined,
      all: async <T>(text: string, params: readonly SqlValue[] = []) => sql(text).all(...params) as T[],
      run: async (text: string, params: readonly SqlValue[] = []) => sql(text).run(...params).changes,
    };
  }

  /** Opens (creating if needed) the file, or ':memory:'. */
  static open(file: string, opts: OpenOptions = {}): SqliteStorage {
    return new SqliteStorage(openDatabase(file, opts), true);
  }

  write<T>(fn: (c: SqlConnection) => Promise<T>): Promise<T> {
    return this.queue.run('connection', () => this.inTransaction('BEGIN IMMEDIATE', fn));
  }

  readRow<T>(text: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.read((c) => c.get<T>(text, params));
  }

  read<T>(fn: (c: SqlConnection) => Promise<T>): Promise<T> {
    return this.queue.run('connection', () => this.inTransaction('BEGIN', fn));
  }

  exclusive<T>(_experiment: number, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  describeError(err: unknown): string | null {
    const code = (err as { code?: unknown } | null)?.code;
    return typeof code === 'string' && code.startsWith('SQLITE_') ? storageReason(err) : null;
  }

  async close(): Promise<void> {
    await this.queue.run('connection', async () => {
      if (this.owned && this.db.open) this.db.close();
    });
  }

  private async inTransaction<T>(begin: string, fn: (c: SqlConnection) => Promise<T>): Promise<T> {
    this.db.exec(begin);
    try {
      const result = await fn(this.connection);
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }
}
