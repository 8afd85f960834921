/**
 * SQL access to experiments, suggestions and observations (no business rules here; see service.ts).
 * Rows keep JSON columns as text; ids are SQLite integer keys, exposed as decimal strings by the API.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';

export interface ExperimentRow {
  id: number;
  token_id: string;
  config: string;
  metadata: string | null;
  state: 'active' | 'deleted';
  optimizer_state: string | null;
  next_index: number;
  created: number;
  updated: number;
  project: string | null;
  /** seconds an optimizer suggestion stays with the worker it was handed to (null: forever, as on SigOpt) */
  suggestion_lease: number | null;
  /** the owner: every token of this client sees and changes the experiment (token_id is the token that created it) */
  client_id: string;
  /** the user of the creating token */
  user_id: string;
}

export interface SuggestionRow {
  id: number;
  experiment_id: number;
  assignments: string;
  metadata: string | null;
  state: 'open' | 'closed' | 'deleted';
  seq: number;
  created: number;
  /** when the lease of an open suggestion ends (unix seconds; null: not leased) */
  lease_expires: number | null;
  /** the name of the task to evaluate it on (multitask experiments; null otherwise) */
  task: string | null;
}

export interface ObservationRow {
  id: number;
  experiment_id: number;
  suggestion_id: number | null;
  assignments: string;
  metric_values: string | null;
  failed: number;
  metadata: string | null;
  created: number;
  /** the name of the task it was evaluated on (multitask experiments; null otherwise) */
  task: string | null;
}

export interface QueuedRow {
  id: number;
  experiment_id: number;
  assignments: string;
  created: number;
  /** the name of the task the suggestion it becomes is to be evaluated on (multitask experiments; null otherwise) */
  task: string | null;
}

export interface ExperimentCounts {
  observation_count: number;
  failed_observation_count: number;
  open_suggestion_count: number;
  /** how many observations each task has (task null: observations without a task) */
  observations_per_task: { task: string | null; n: number }[];
}

export interface Page<T> {
  rows: T[];
  /** number of rows matching over all pages */
  total: number;
  /** id to pass as `before` for the next older page (the oldest row of this one), or null when none is older */
  before: string | null;
  /** id to pass as `after` for the next newer page (the newest row of this one), or null when none is newer */
  after: string | null;
}

export interface PageRequest {
  limit: number;
  before?: number;
  after?: number;
}

/** SQL for the client of the token bound at its `?` (experiments and projects belong to clients, not tokens). */
const CLIENT_OF_TOKEN = '(SELECT client_id FROM tokens WHERE id = ?)';

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export class Store {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  /** Prepared statement for `sql`, compiled once per Store. */
  private sql(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  // --- experiments -------------------------------------------------------------------------
  insertExperiment(
    tokenId: string,
    config: string,
    metadata: string | null,
    project: string | null = null,
    suggestionLease: number | null = null,
  ): number {
    const t = nowSeconds();
    const r = this.sql(
      `INSERT INTO experiments (token_id, client_id, user_id, config, metadata, created, updated, project, suggestion_lease)
        SELECT id, client_id, user_id, ?, ?, ?, ?, ?, ? FROM tokens WHERE id = ?`,
    ).run(config, metadata, t, t, project, suggestionLease, tokenId);
    if (r.changes !== 1) throw new Error(`no token ${tokenId}`);
    return Number(r.lastInsertRowid);
  }

  /** The experiment when it exists and belongs to the client of `tokenId`. */
  experiment(tokenId: string, id: number): ExperimentRow | undefined {
    return this.sql(`SELECT * FROM experiments WHERE id = ? AND client_id = ${CLIENT_OF_TOKEN}`).get(id, tokenId) as
      ExperimentRow | undefined;
  }

  /** The experiment when it exists and belongs to the client `clientId`. */
  clientExperiment(clientId: string, id: number): ExperimentRow | undefined {
    return this.sql('SELECT * FROM experiments WHERE id = ? AND client_id = ?').get(id, clientId) as
      ExperimentRow | undefined;
  }

  updateExperiment(
    id: number,
    fields: { config?: string; metadata?: string | null; state?: string; suggestion_lease?: number | null },
  ): void {
    const sets: string[] = ['updated = @updated'];
    const params: Record<string, unknown> = { id, updated: nowSeconds() };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      sets.push(`${k} = @${k}`);
      params[k] = v;
    }
    this.sql(`UPDATE experiments SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  setOptimizerState(id: number, state: string, nextIndex: number): void {
    this.sql('UPDATE experiments SET optimizer_state = ?, next_index = ? WHERE id = ?').run(state, nextIndex, id);
  }

  /** Forgets the optimizer's warm-start state (its fitted hyperparameters): the next suggestion fits afresh. */
  clearOptimizerState(id: number): void {
    this.sql('UPDATE experiments SET optimizer_state = NULL WHERE id = ?').run(id);
  }

  bumpIndex(id: number, by: number): void {
    this.sql('UPDATE experiments SET next_index = next_index + ? WHERE id = ?').run(by, id);
  }

  /**
   * The experiments of the token's client (one project's when given); those behind an AI experiment (aiexperiments
   * table) are listed there, not here.
   */
  listExperiments(
    tokenId: string,
    state: 'active' | 'deleted' | 'all',
    page: PageRequest,
    project?: string,
  ): Page<ExperimentRow> {
    let core = `client_id = ${CLIENT_OF_TOKEN} AND id NOT IN (SELECT id FROM aiexperiments)`;
    const params: unknown[] = [tokenId];
    if (project !== undefined) {
      core += ' AND project = ?';
      params.push(project);
    }
    const where = state === 'all' ? core : `${core} AND state = ?`;
    if (state !== 'all') params.push(state);
    return this.page<ExperimentRow>('experiments', where, params, page);
  }

  counts(experimentId: number): ExperimentCounts {
    const o = this.sql(
      'SELECT COUNT(*) AS n, COALESCE(SUM(failed), 0) AS f FROM observations WHERE experiment_id = ?',
    ).get(experimentId) as { n: number; f: number };
    const s = this.sql("SELECT COUNT(*) AS n FROM suggestions WHERE experiment_id = ? AND state = 'open'").get(
      experimentId,
    ) as { n: number };
    const perTask = this.sql(
      'SELECT task, COUNT(*) AS n FROM observations WHERE experiment_id = ? GROUP BY task ORDER BY task',
    ).all(experimentId) as { task: string | null; n: number }[];
    return {
      observation_count: o.n,
      failed_observation_count: o.f,
      open_suggestion_count: s.n,
      observations_per_task: perTask,
    };
  }

  firstAndLastObservation(experimentId: number): { first?: ObservationRow; last?: ObservationRow } {
    const first = this.sql('SELECT * FROM observations WHERE experiment_id = ? ORDER BY id ASC LIMIT 1').get(
      experimentId,
    ) as ObservationRow | undefined;
    const last = this.sql('SELECT * FROM observations WHERE experiment_id = ? ORDER BY id DESC LIMIT 1').get(
      experimentId,
    ) as ObservationRow | undefined;
    return { first, last };
  }

  // --- suggestions -------------------------------------------------------------------------
  /** An open suggestion; with `lease` (seconds) it is leased until now + lease; `task`: a multitask experiment's. */
  insertSuggestion(
    experimentId: number,
    assignments: string,
    metadata: string | null,
    seq: number,
    lease: number | null = null,
    task: string | null = null,
  ): SuggestionRow {
    const created = nowSeconds();
    const leaseExpires = lease === null ? null : created + lease;
    const r = this.sql(
      "INSERT INTO suggestions (experiment_id, assignments, metadata, state, seq, created, lease_expires, task) VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
    ).run(experimentId, assignments, metadata, seq, created, leaseExpires, task);
    return {
      id: Number(r.lastInsertRowid),
      experiment_id: experimentId,
      assignments,
      metadata,
      state: 'open',
      seq,
      created,
      lease_expires: leaseExpires,
      task,
    };
  }

  /** The open suggestion whose lease ended longest ago (at or before `now`), if any. */
  expiredLease(experimentId: number, now: number): SuggestionRow | undefined {
    return this.sql(
      "SELECT * FROM suggestions WHERE experiment_id = ? AND state = 'open' AND lease_expires IS NOT NULL AND lease_expires < ? ORDER BY lease_expires, id LIMIT 1",
    ).get(experimentId, now) as SuggestionRow | undefined;
  }

  setLease(id: number, leaseExpires: number | null): void {
    this.sql('UPDATE suggestions SET lease_expires = ? WHERE id = ?').run(leaseExpires, id);
  }

  suggestion(experimentId: number, id: number): SuggestionRow | undefined {
    return this.sql('SELECT * FROM suggestions WHERE id = ? AND experiment_id = ?').get(id, experimentId) as
      SuggestionRow | undefined;
  }

  openSuggestions(experimentId: number): SuggestionRow[] {
    return this.sql("SELECT * FROM suggestions WHERE experiment_id = ? AND state = 'open' ORDER BY id").all(
      experimentId,
    ) as SuggestionRow[];
  }

  setSuggestionState(id: number, state: 'open' | 'closed' | 'deleted'): void {
    this.sql('UPDATE suggestions SET state = ? WHERE id = ?').run(state, id);
  }

  setSuggestionMetadata(id: number, metadata: string | null): void {
    this.sql('UPDATE suggestions SET metadata = ? WHERE id = ?').run(metadata, id);
  }

  deleteOpenSuggestions(experimentId: number): number {
    return this.sql("UPDATE suggestions SET state = 'deleted' WHERE experiment_id = ? AND state = 'open'").run(
      experimentId,
    ).changes;
  }

  listSuggestions(experimentId: number, state: 'open' | 'closed' | 'all', page: PageRequest): Page<SuggestionRow> {
    const where = state === 'all' ? "experiment_id = ? AND state != 'deleted'" : 'experiment_id = ? AND state = ?';
    const params = state === 'all' ? [experimentId] : [experimentId, state];
    return this.page<SuggestionRow>('suggestions', where, params, page);
  }

  /** Whether the token's client has the project (the AI module's projects table). */
  projectExists(tokenId: string, project: string): boolean {
    return (
      this.sql(`SELECT 1 FROM projects WHERE client_id = ${CLIENT_OF_TOKEN} AND id = ?`).get(tokenId, project) !==
      undefined
    );
  }

  // --- queued suggestions ------------------------------------------------------------------
  insertQueued(experimentId: number, assignments: string, task: string | null = null): QueuedRow {
    const created = nowSeconds();
    const r = this.sql(
      'INSERT INTO queued_suggestions (experiment_id, assignments, created, task) VALUES (?, ?, ?, ?)',
    ).run(experimentId, assignments, created, task);
    return { id: Number(r.lastInsertRowid), experiment_id: experimentId, assignments, created, task };
  }

  queued(experimentId: number, id: number): QueuedRow | undefined {
    return this.sql('SELECT * FROM queued_suggestions WHERE id = ? AND experiment_id = ?').get(id, experimentId) as
      QueuedRow | undefined;
  }

  /** The oldest queued suggestion, removed from the queue; undefined when the queue is empty. */
  popQueued(experimentId: number): QueuedRow | undefined {
    const row = this.sql('SELECT * FROM queued_suggestions WHERE experiment_id = ? ORDER BY id LIMIT 1').get(
      experimentId,
    ) as QueuedRow | undefined;
    if (row) this.deleteQueued(experimentId, row.id);
    return row;
  }

  deleteQueued(experimentId: number, id: number): number {
    return this.sql('DELETE FROM queued_suggestions WHERE id = ? AND experiment_id = ?').run(id, experimentId).changes;
  }

  listQueued(experimentId: number, page: PageRequest): Page<QueuedRow> {
    return this.page<QueuedRow>('queued_suggestions', 'experiment_id = ?', [experimentId], page);
  }

  /** Drops the leases of an experiment's open suggestions (its lease was switched off). */
  clearLeases(experimentId: number): void {
    this.sql("UPDATE suggestions SET lease_expires = NULL WHERE experiment_id = ? AND state = 'open'").run(
      experimentId,
    );
  }

  // --- idempotency keys --------------------------------------------------------------------
  /** The stored request fingerprint and response of a token's key, if the key was used in the last `ttl` seconds. */
  idempotent(tokenId: string, key: string, ttl: number): { request: string; response: string } | undefined {
    return this.sql(
      'SELECT request, response FROM idempotency_keys WHERE token_id = ? AND key = ? AND created >= ?',
    ).get(tokenId, key, nowSeconds() - ttl) as { request: string; response: string } | undefined;
  }

  /** Records a key's response, dropping keys older than `ttl` seconds (theirs can no longer be replayed). */
  insertIdempotent(tokenId: string, key: string, request: string, response: string, ttl: number): void {
    const created = nowSeconds();
    this.sql('DELETE FROM idempotency_keys WHERE created < ?').run(created - ttl);
    this.sql('INSERT INTO idempotency_keys (token_id, key, request, response, created) VALUES (?, ?, ?, ?, ?)').run(
      tokenId,
      key,
      request,
      response,
      created,
    );
  }

  // --- observations ------------------------------------------------------------------------
  insertObservation(o: Omit<ObservationRow, 'id' | 'created'>): ObservationRow {
    const created = nowSeconds();
    const r = this.sql(
      'INSERT INTO observations (experiment_id, suggestion_id, assignments, metric_values, failed, metadata, created, task) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(o.experiment_id, o.suggestion_id, o.assignments, o.metric_values, o.failed, o.metadata, created, o.task);
    return { ...o, id: Number(r.lastInsertRowid), created };
  }

  /** Corrects an observation; its task changes only when `task` is given. */
  updateObservation(
    id: number,
    o: Pick<ObservationRow, 'metric_values' | 'failed' | 'metadata'> & { task?: string | null },
  ): void {
    this.sql('UPDATE observations SET metric_values = ?, failed = ?, metadata = ? WHERE id = ?').run(
      o.metric_values,
      o.failed,
      o.metadata,
      id,
    );
    if (o.task !== undefined) this.sql('UPDATE observations SET task = ? WHERE id = ?').run(o.task, id);
  }

  /** Deletes one observation (experimentId given: every observation of the experiment); returns how many. */
  deleteObservations(experimentId: number, id?: number): number {
    // training runs of the AI module that recorded these observations keep their values and forget the link
    if (id === undefined)
      this.sql(
        'UPDATE training_runs SET observation_id = NULL WHERE observation_id IN (SELECT id FROM observations WHERE experiment_id = ?)',
      ).run(experimentId);
    else
      this.sql(
        'UPDATE training_runs SET observation_id = NULL WHERE observation_id IN (SELECT id FROM observations WHERE experiment_id = ? AND id = ?)',
      ).run(experimentId, id);
    return id === undefined
      ? this.sql('DELETE FROM observations WHERE experiment_id = ?').run(experimentId).changes
      : this.sql('DELETE FROM observations WHERE experiment_id = ? AND id = ?').run(experimentId, id).changes;
  }

  observation(experimentId: number, id: number): ObservationRow | undefined {
    return this.sql('SELECT * FROM observations WHERE id = ? AND experiment_id = ?').get(id, experimentId) as
      ObservationRow | undefined;
  }

  /** The observation that answered a suggestion, if any. */
  observationOf(suggestionId: number): ObservationRow | undefined {
    return this.sql('SELECT * FROM observations WHERE suggestion_id = ?').get(suggestionId) as
      ObservationRow | undefined;
  }

  allObservations(experimentId: number): ObservationRow[] {
    return this.sql('SELECT * FROM observations WHERE experiment_id = ? ORDER BY id').all(
      experimentId,
    ) as ObservationRow[];
  }

  listObservations(experimentId: number, page: PageRequest): Page<ObservationRow> {
    return this.page<ObservationRow>('observations', 'experiment_id = ?', [experimentId], page);
  }

  // --- paging ------------------------------------------------------------------------------
  /**
   * Newest first; `before` pages towards older ids. `after` pages towards newer ones, oldest first within the page,
   * so that walking either cursor yields one monotonic sequence.
   */
  page<T extends { id: number }>(table: string, where: string, params: unknown[], req: PageRequest): Page<T> {
    const total = (this.sql(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get(...params) as { n: number }).n;
    let rows: T[];
    if (req.after !== undefined) {
      rows = this.sql(`SELECT * FROM ${table} WHERE ${where} AND id > ? ORDER BY id ASC LIMIT ?`).all(
        ...params,
        req.after,
        req.limit + 1,
      ) as T[];
      // Oldest first within the page: a client walking `after` cursors (the sigopt client's iterate_pages with
      // after=) sees one ascending sequence, not descending runs that jump up at each page.
      const more = rows.length > req.limit;
      rows = rows.slice(0, req.limit);
      const older = rows.length > 0 && this.exists(table, where, params, '<', rows[0].id);
      return {
        rows,
        total,
        after: more && rows.length > 0 ? String(rows[rows.length - 1].id) : null,
        before: older ? String(rows[0].id) : null,
      };
    }
    const cond = req.before !== undefined ? ' AND id < ?' : '';
    const extra = req.before !== undefined ? [req.before] : [];
    rows = this.sql(`SELECT * FROM ${table} WHERE ${where}${cond} ORDER BY id DESC LIMIT ?`).all(
      ...params,
      ...extra,
      req.limit + 1,
    ) as T[];
    const more = rows.length > req.limit;
    rows = rows.slice(0, req.limit);
    const newer = rows.length > 0 && this.exists(table, where, params, '>', rows[0].id);
    return {
      rows,
      total,
      before: more ? String(rows[rows.length - 1].id) : null,
      after: newer ? String(rows[0].id) : null,
    };
  }

  private exists(table: string, where: string, params: unknown[], op: '<' | '>', id: number): boolean {
    return this.sql(`SELECT 1 FROM ${table} WHERE ${where} AND id ${op} ? LIMIT 1`).get(...params, id) !== undefined;
  }
}
