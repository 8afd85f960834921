/**
 * What the service needs from a database, whatever it is: transactions of SQL statements, per-experiment locks that
 * hold across server processes, and a name for messages. Two implementations: SQLite (sqlite.ts, one file, the
 * embedded default) and PostgreSQL (postgres.ts, shared by several server replicas).
 *
 * SQL is written once, in the dialect both understand, with `?` placeholders (postgres.ts numbers them). The statements
 * live in store.ts, run-store.ts and tokens.ts; nothing above them knows which database it talks to.
 */

export type SqlValue = string | number | null;

/** One connection inside a transaction (or a read snapshot). */
export interface SqlConnection {
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for messages: a file, ':memory:', or a postgres URL without its password. */
  readonly name: string;
  /**
   * `fn` in one transaction: committed when it resolves, rolled back when it throws (nothing it wrote stays).
   * `experiment`: the transaction is about that experiment and is serialised with every other one naming it, in every
   * process using the database; without it the transaction is serialised with the other ones without it.
   */
  write<T>(fn: (c: SqlConnection) => Promise<T>, experiment?: number): Promise<T>;
  /** `fn` reading one consistent snapshot (several statements see the same committed state). */
  read<T>(fn: (c: SqlConnection) => Promise<T>): Promise<T>;
  /**
   * The first row of one read-only statement, run outside a transaction (a single statement sees one committed state
   * by itself): one round trip on PostgreSQL, where `read` adds BEGIN and COMMIT. For the reads on every request.
   */
  readRow<T>(text: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /**
   * `fn` while this process holds the experiment's long lock: one suggestion batch is computed per experiment at a time
   * across every server sharing the database (the work between two transactions, not a transaction itself).
   */
  exclusive<T>(experiment: number, fn: () => Promise<T>): Promise<T>;
  /** Why a database error happened, in words, when it is the database's (a full disk, a lost connection), else null. */
  describeError(err: unknown): string | null;
  close(): Promise<void>;
}

/** A UNIQUE or PRIMARY KEY violation, from either database. */
export function isUniqueViolation(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
