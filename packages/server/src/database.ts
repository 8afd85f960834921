/**
 * SQLite storage file: opening, pragmas and schema.
 *
 * Durability: WAL journal with synchronous=FULL, so every committed transaction is fsync'ed to the
 * WAL before better-sqlite3 returns; since the server only answers after the commit returns, an
 * acknowledged write survives kill -9 of the server (and power loss). ':memory:' is for tests.
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * 1: tokens, experiments, suggestions, observations. 2: queued suggestions, the AI module's projects, AI experiments,
 * training runs and checkpoints, and experiments.project. 3: suggestion leases (experiments.suggestion_lease,
 * suggestions.lease_expires). 4: idempotency keys of observation POSTs. 5: organizations, clients (each in an
 * organization) and users; a token belongs to a client and a user (tokens.client_id, user_id), experiments record their
 * client and creating user, projects and training runs their user. 6: multitask experiments: the task (its name) of a
 * suggestion, a queued suggestion and an observation (suggestions.task, queued_suggestions.task, observations.task;
 * null in an experiment without tasks). 7: suggestion requests waiting for a batch (suggestion_requests: whichever
 * server sharing the database computes an experiment's next batch answers every request of it that waits). Each step
 * adds tables or nullable columns: an older file is upgraded in place at open, its rows untouched but for the columns
 * a step adds and fills (MIGRATIONS).
 */
const SCHEMA_VERSION = 7;

/** Nullable columns added to tables that an older file already has (CREATE TABLE IF NOT EXISTS leaves those as they are). */
const ADDED_COLUMNS: readonly { table: string; column: string; type: string }[] = [
  { table: 'experiments', column: 'project', type: 'TEXT' }, // version 2
  { table: 'experiments', column: 'suggestion_lease', type: 'INTEGER' }, // version 3
  { table: 'suggestions', column: 'lease_expires', type: 'INTEGER' }, // version 3
  { table: 'tokens', column: 'client_id', type: 'TEXT REFERENCES clients(id)' }, // version 5
  { table: 'tokens', column: 'user_id', type: 'TEXT REFERENCES users(id)' }, // version 5
  { table: 'experiments', column: 'client_id', type: 'TEXT REFERENCES clients(id)' }, // version 5
  { table: 'experiments', column: 'user_id', type: 'TEXT REFERENCES users(id)' }, // version 5
  { table: 'projects', column: 'user_id', type: 'TEXT' }, // version 5
  { table: 'training_runs', column: 'user_id', type: 'TEXT' }, // version 5
  { table: 'suggestions', column: 'task', type: 'TEXT' }, // version 6
  { table: 'queued_suggestions', column: 'task', type: 'TEXT' }, // version 6
  { table: 'observations', column: 'task', type: 'TEXT' }, // version 6
];

/**
 * Fills the columns a step added, run once on a file older than the step (after the schema, in the same transaction).
 * 5: before it every token was its own client and user (the client id was the token id, in experiments.token_id and in
 * the AI module's client_id columns), so each existing token gets an organization, a client and a user of its own whose
 * ids are the token's id: its experiments, projects and runs keep their owner, and it sees exactly what it saw.
 * 6 fills nothing: no experiment had tasks before it, and a null task is "the experiment has no tasks".
 */
const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 5,
    sql: `
INSERT INTO organizations (id, name, created) SELECT id, name, created FROM tokens WHERE client_id IS NULL;
INSERT INTO clients (id, organization, name, created) SELECT id, id, name, created FROM tokens WHERE client_id IS NULL;
INSERT INTO users (id, organization, name, created) SELECT id, id, name, created FROM tokens WHERE client_id IS NULL;
UPDATE tokens SET client_id = id, user_id = id WHERE client_id IS NULL;
UPDATE experiments SET client_id = token_id, user_id = token_id WHERE client_id IS NULL;
UPDATE projects SET user_id = client_id WHERE user_id IS NULL;
UPDATE training_runs SET user_id = client_id WHERE user_id IS NULL;
`,
  },
];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS organizations (
  id       TEXT PRIMARY KEY,
  name     TEXT,
  created  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
  id            TEXT PRIMARY KEY,
  organization  TEXT NOT NULL REFERENCES organizations(id),
  name          TEXT,
  created       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id            TEXT PRIMARY KEY,
  organization  TEXT NOT NULL REFERENCES organizations(id),
  name          TEXT,
  created       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS users_name ON users(organization, name);
CREATE TABLE IF NOT EXISTS tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT,
  salt       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  created    INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0,
  client_id  TEXT REFERENCES clients(id),
  user_id    TEXT REFERENCES users(id)
);
CREATE INDEX IF NOT EXISTS tokens_client ON tokens(client_id);
CREATE TABLE IF NOT EXISTS experiments (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  token_id         TEXT NOT NULL REFERENCES tokens(id),
  config           TEXT NOT NULL,
  metadata         TEXT,
  state            TEXT NOT NULL DEFAULT 'active',
  optimizer_state  TEXT,
  next_index       INTEGER NOT NULL DEFAULT 0,
  created          INTEGER NOT NULL,
  updated          INTEGER NOT NULL,
  project          TEXT,
  suggestion_lease INTEGER,
  client_id        TEXT REFERENCES clients(id),
  user_id          TEXT REFERENCES users(id)
);
CREATE INDEX IF NOT EXISTS experiments_token ON experiments(token_id, id);
CREATE INDEX IF NOT EXISTS experiments_client ON experiments(client_id, id);
CREATE TABLE IF NOT EXISTS suggestions (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  assignments    TEXT NOT NULL,
  metadata       TEXT,
  state          TEXT NOT NULL CHECK (state IN ('open', 'closed', 'deleted')),
  seq            INTEGER NOT NULL,
  created        INTEGER NOT NULL,
  lease_expires  INTEGER,
  task           TEXT
);
CREATE INDEX IF NOT EXISTS suggestions_experiment ON suggestions(experiment_id, state, id);
CREATE TABLE IF NOT EXISTS observations (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  suggestion_id  INTEGER UNIQUE REFERENCES suggestions(id),
  assignments    TEXT NOT NULL,
  metric_values  TEXT,
  failed         INTEGER NOT NULL,
  metadata       TEXT,
  created        INTEGER NOT NULL,
  task           TEXT
);
CREATE INDEX IF NOT EXISTS observations_experiment ON observations(experiment_id, id);
CREATE TABLE IF NOT EXISTS queued_suggestions (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  assignments    TEXT NOT NULL,
  created        INTEGER NOT NULL,
  task           TEXT
);
CREATE INDEX IF NOT EXISTS queued_suggestions_experiment ON queued_suggestions(experiment_id, id);
CREATE TABLE IF NOT EXISTS projects (
  client_id  TEXT NOT NULL,
  id         TEXT NOT NULL,
  name       TEXT NOT NULL,
  metadata   TEXT,
  created    INTEGER NOT NULL,
  updated    INTEGER NOT NULL,
  user_id    TEXT,
  PRIMARY KEY (client_id, id)
);
CREATE TABLE IF NOT EXISTS aiexperiments (
  id          INTEGER PRIMARY KEY REFERENCES experiments(id),
  client_id   TEXT NOT NULL,
  project     TEXT NOT NULL,
  created     INTEGER NOT NULL,
  FOREIGN KEY (client_id, project) REFERENCES projects(client_id, id)
);
CREATE INDEX IF NOT EXISTS aiexperiments_project ON aiexperiments(client_id, project, id);
CREATE TABLE IF NOT EXISTS training_runs (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  client_id        TEXT NOT NULL,
  project          TEXT NOT NULL,
  aiexperiment_id  INTEGER REFERENCES aiexperiments(id),
  suggestion_id    INTEGER UNIQUE REFERENCES suggestions(id),
  observation_id   INTEGER UNIQUE REFERENCES observations(id),
  name             TEXT,
  state            TEXT NOT NULL CHECK (state IN ('active', 'completed', 'failed')),
  deleted          INTEGER NOT NULL DEFAULT 0,
  assignments      TEXT NOT NULL,
  metric_values    TEXT NOT NULL,
  fields           TEXT NOT NULL,
  checkpoint_count INTEGER NOT NULL DEFAULT 0,
  created          INTEGER NOT NULL,
  updated          INTEGER NOT NULL,
  completed        INTEGER,
  user_id          TEXT,
  FOREIGN KEY (client_id, project) REFERENCES projects(client_id, id)
);
CREATE INDEX IF NOT EXISTS training_runs_project ON training_runs(client_id, project, id);
CREATE INDEX IF NOT EXISTS training_runs_aiexperiment ON training_runs(aiexperiment_id, id);
CREATE TABLE IF NOT EXISTS checkpoints (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  training_run_id  INTEGER NOT NULL REFERENCES training_runs(id),
  seq              INTEGER NOT NULL,
  metric_values    TEXT NOT NULL,
  metadata         TEXT,
  created          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS checkpoints_run ON checkpoints(training_run_id, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  token_id  TEXT NOT NULL REFERENCES tokens(id),
  key       TEXT NOT NULL,
  request   TEXT NOT NULL,
  response  TEXT NOT NULL,
  created   INTEGER NOT NULL,
  PRIMARY KEY (token_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys(created);
CREATE TABLE IF NOT EXISTS suggestion_requests (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  metadata       TEXT,
  created        INTEGER NOT NULL,
  suggestion_id  INTEGER REFERENCES suggestions(id)
);
CREATE INDEX IF NOT EXISTS suggestion_requests_experiment ON suggestion_requests(experiment_id, suggestion_id, id);
`;

/** A database file that cannot be used; the message names the file and says why in plain words. */
export class StorageError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`database ${file}: ${reason}`, options);
    this.name = 'StorageError';
  }
}

/** better-sqlite3 / SQLite errors (a TypeError for a missing directory, SqliteError with a code otherwise) in words. */
export function storageReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (/directory does not exist/.test(message)) return 'its directory does not exist';
  if (code === 'SQLITE_NOTADB') return 'is not a SQLite database (file is not a database)';
  if (code === 'SQLITE_CANTOPEN')
    return 'cannot be opened (unable to open database file): is it a directory, or are it or its directory not readable and writable (the -wal and -shm files live beside it)?';
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY'))
    return `is read-only (${message}): the file and its directory must be writable (WAL needs -wal and -shm files beside it)`;
  if (code === 'SQLITE_CORRUPT') return `is corrupt (${message})`;
  if (code === 'SQLITE_FULL') return `cannot grow: the disk is full (${message})`;
  return typeof code === 'string' ? `${message} (${code})` : message;
}

export interface OpenOptions {
  /** 'FULL' (default) fsyncs the WAL on every commit. */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Opens (creating if needed) the database at `file` (or ':memory:') and applies the schema. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  let db: Db | undefined;
  try {
    db = new Database(file);
    return configure(db, file, opts);
  } catch (err) {
    db?.close();
    if (err instanceof StorageError) throw err;
    throw new StorageError(file, storageReason(err), { cause: err });
  }
}

function configure(db: Db, file: string, opts: OpenOptions): Db {
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StorageError(file, `has schema version ${version}; this server understands up to ${SCHEMA_VERSION}`);
  }
  db.transaction(() => {
    for (const { table, column, type } of ADDED_COLUMNS) {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (!exists) continue; // created below with every column
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    db.exec(SCHEMA);
    for (const step of MIGRATIONS) if (version < step.version) db.exec(step.sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  // a read-only file or directory shows now, not on the first write a client sends
  if (file !== ':memory:') db.exec('BEGIN IMMEDIATE; ROLLBACK');
  return db;
}
