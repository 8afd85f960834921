/**
 * SQL access to experiments, suggestions and observations (no business rules here; see service.ts), on one connection
 * of a transaction (storage/storage.ts: SQLite or PostgreSQL, the same statements).
 * Rows keep JSON columns as text; ids are integer keys, exposed as decimal strings by the API.
 */
import type { SqlConnection, SqlValue } from './storage/storage.ts';

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
  constructor(readonly c: SqlConnection) {}

  // --- experiments -------------------------------------------------------------------------
  async insertExperiment(
    tokenId: string,
    config: string,
    metadata: string | null,
    project: string | null = null,
    suggestionLease: number | null = null,
  ): Promise<number> {
    const t = nowSeconds();
    const r = await this.c.get<{ id: number }>(
      `INSERT INTO experiments (token_id, client_id, user_id, config, metadata, created, updated, project, suggestion_lease)
        SELECT id, client_id, user_id, ?, ?, ?, ?, ?, ? FROM tokens WHERE id = ? RETURNING id`,
      [config, metadata, t, t, project, suggestionLease, tokenId],
    );
    if (!r) throw new Error(`no token ${tokenId}`);
    return r.id;
  }

  /** The experiment when it exists and belongs to the client of `tokenId`. */
  experiment(tokenId: string, id: number): Promise<ExperimentRow | undefined> {
    return this.c.get<ExperimentRow>(`SELECT * FROM experiments WHERE id = ? AND client_id = ${CLIENT_OF_TOKEN}`, [
      id,
      tokenId,
    ]);
  }

  /** The experiment when it exists and belongs to the client `clientId`. */
  clientExperiment(clientId: string, id: number): Promise<ExperimentRow | undefined> {
    return this.c.get<ExperimentRow>('SELECT * FROM experiments WHERE id = ? AND client_id = ?', [id, clientId]);
  }

  async updateExperiment(
    id: number,
    fields: { config?: string; metadata?: string | null; state?: string; suggestion_lease?: number | null },
  ): Promise<void> {
    const sets: string[] = ['updated = ?'];
    const params: SqlValue[] = [nowSeconds()];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      sets.push(`${k} = ?`);
      params.push(v);
    }
    await this.c.run(`UPDATE experiments SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
  }

  async setOptimizerState(id: number, state: string, nextIndex: number): Promise<void> {
    await this.c.run('UPDATE experiments SET optimizer_state = ?, next_index = ? WHERE id = ?', [state, nextIndex, id]);
  }

  /** Forgets the optimizer's warm-start state (its fitted hyperparameters): the next suggestion fits afresh. */
  async clearOptimizerState(id: number): Promise<void> {
    await this.c.run('UPDATE experiments SET optimizer_state = NULL WHERE id = ?', [id]);
  }

  async bumpIndex(id: number, by: number): Promise<void> {
    await this.c.run('UPDATE experiments SET next_index = next_index + ? WHERE id = ?', [by, id]);
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
  ): Promise<Page<ExperimentRow>> {
    let core = `client_id = ${CLIENT_OF_TOKEN} AND id NOT IN (SELECT id FROM aiexperiments)`;
    const params: SqlValue[] = [tokenId];
    if (project !== undefined) {
      core += ' AND project = ?';
      params.push(project);
    }
    const where = state === 'all' ? core : `${core} AND state = ?`;
    if (state !== 'all') params.push(state);
    return this.page<ExperimentRow>('experiments', where, params, page);
  }

  async counts(experimentId: number): Promise<ExperimentCounts> {
    const o = (await this.c.get<{ n: number; f: number }>(
      'SELECT COUNT(*) AS n, COALESCE(SUM(failed), 0) AS f FROM observations WHERE experiment_id = ?',
      [experimentId],
    ))!;
    const s = (await this.c.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM suggestions WHERE experiment_id = ? AND state = 'open'",
      [experimentId],
    ))!;
    const perTask = await this.c.all<{ task: string | null; n: number }>(
      'SELECT task, COUNT(*) AS n FROM observations WHERE experiment_id = ? GROUP BY task ORDER BY task NULLS FIRST',
      [experimentId],
    );
    return {
      observation_count: o.n,
      failed_observation_count: o.f,
      open_suggestion_count: s.n,
      observations_per_task: perTask,
    };
  }

  async firstAndLastObservation(experimentId: number): Promise<{ first?: ObservationRow; last?: ObservationRow }> {
    const first = await this.c.get<ObservationRow>(
      'SELECT * FROM observations WHERE experiment_id = ? ORDER BY id ASC LIMIT 1',
      [experimentId],
    );
    const last = await this.c.get<ObservationRow>(
      'SELECT * FROM observations WHERE experiment_id = ? ORDER BY id DESC LIMIT 1',
      [experimentId],
    );
    return { first, last };
  }

  // --- suggestions -------------------------------------------------------------------------
  /** An open suggestion; with `lease` (seconds) it is leased until now + lease; `task`: a multitask experiment's. */
  async insertSuggestion(
    experimentId: number,
    assignments: string,
    metadata: string | null,
    seq: number,
    lease: number | null = null,
    task: string | null = null,
  ): Promise<SuggestionRow> {
    const created = nowSeconds();
    const leaseExpires = lease === null ? null : created + lease;
    const r = (await this.c.get<{ id: number }>(
      "INSERT INTO suggestions (experiment_id, assignments, metadata, state, seq, created, lease_expires, task) VALUES (?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id",
      [experimentId, assignments, metadata, seq, created, leaseExpires, task],
    ))!;
    return {
      id: r.id,
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
  expiredLease(experimentId: number, now: number): Promise<SuggestionRow | undefined> {
    return this.c.get<SuggestionRow>(
      "SELECT * FROM suggestions WHERE experiment_id = ? AND state = 'open' AND lease_expires IS NOT NULL AND lease_expires < ? ORDER BY lease_expires, id LIMIT 1",
      [experimentId, now],
    );
  }

  async setLease(id: number, leaseExpires: number | null): Promise<void> {
    await this.c.run('UPDATE suggestions SET lease_expires = ? WHERE id = ?', [leaseExpires, id]);
  }

  suggestion(experimentId: number, id: number): Promise<SuggestionRow | undefined> {
    return this.c.get<SuggestionRow>('SELECT * FROM suggestions WHERE id = ? AND experiment_id = ?', [
      id,
      experimentId,
    ]);
  }

  openSuggestions(experimentId: number): Promise<SuggestionRow[]> {
    return this.c.all<SuggestionRow>(
      "SELECT * FROM suggestions WHERE experiment_id = ? AND state = 'open' ORDER BY id",
      [experimentId],
    );
  }

  async setSuggestionState(id: number, state: 'open' | 'closed' | 'deleted'): Promise<void> {
    await this.c.run('UPDATE suggestions SET state = ? WHERE id = ?', [state, id]);
  }

  async setSuggestionMetadata(id: number, metadata: string | null): Promise<void> {
    await this.c.run('UPDATE suggestions SET metadata = ? WHERE id = ?', [metadata, id]);
  }

  deleteOpenSuggestions(experimentId: number): Promise<number> {
    return this.c.run("UPDATE suggestions SET state = 'deleted' WHERE experiment_id = ? AND state = 'open'", [
      experimentId,
    ]);
  }

  listSuggestions(
    experimentId: number,
    state: 'open' | 'closed' | 'all',
    page: PageRequest,
  ): Promise<Page<SuggestionRow>> {
    const where = state === 'all' ? "experiment_id = ? AND state != 'deleted'" : 'experiment_id = ? AND state = ?';
    const params = state === 'all' ? [experimentId] : [experimentId, state];
    return this.page<SuggestionRow>('suggestions', where, params, page);
  }

  /** Whether the token's client has the project (the AI module's projects table). */
  async projectExists(tokenId: string, project: string): Promise<boolean> {
    return (
      (await this.c.get(`SELECT 1 AS one FROM projects WHERE client_id = ${CLIENT_OF_TOKEN} AND id = ?`, [
        tokenId,
        project,
      ])) !== undefined
    );
  }

  // --- suggestion requests waiting for a batch ----------------------------------------------
  /** A request for an optimizer suggestion, waiting for the batch that answers it; its id. */
  async insertRequest(experimentId: number, metadata: string | null): Promise<number> {
    return (await this.c.get<{ id: number }>(
      'INSERT INTO suggestion_requests (experiment_id, metadata, created) VALUES (?, ?, ?) RETURNING id',
      [experimentId, metadata, nowSeconds()],
    ))!.id;
  }

  /** The suggestions that answered some of these requests (request id -> its suggestion). */
  async answeredRequests(experimentId: number, ids: readonly number[]): Promise<Map<number, SuggestionRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.c.all<SuggestionRow & { request_id: number }>(
      `SELECT r.id AS request_id, s.* FROM suggestion_requests r JOIN suggestions s ON s.id = r.suggestion_id
        WHERE r.experiment_id = ? AND r.id IN (${ids.map(() => '?').join(', ')})`,
      [experimentId, ...ids],
    );
    return new Map(rows.map(({ request_id, ...s }) => [request_id, s]));
  }

  /** Unanswered requests of the experiment made at or after `since`, oldest first, but for `except`; at most `limit`. */
  waitingRequests(
    experimentId: number,
    except: readonly number[],
    since: number,
    limit: number,
  ): Promise<{ id: number; metadata: string | null }[]> {
    if (limit <= 0) return Promise.resolve([]);
    const not = except.length === 0 ? '' : ` AND id NOT IN (${except.map(() => '?').join(', ')})`;
    return this.c.all<{ id: number; metadata: string | null }>(
      `SELECT id, metadata FROM suggestion_requests WHERE experiment_id = ? AND suggestion_id IS NULL AND created >= ?${not}
        ORDER BY id LIMIT ?`,
      [experimentId, since, ...except, limit],
    );
  }

  /** Marks a waiting request answered by a suggestion; whether it was still waiting. */
  async answerRequest(id: number, suggestionId: number): Promise<boolean> {
    return (
      (await this.c.run('UPDATE suggestion_requests SET suggestion_id = ? WHERE id = ? AND suggestion_id IS NULL', [
        suggestionId,
        id,
      ])) === 1
    );
  }

  /** Forgets requests (answered and read by their server, or given up); and any of the experiment older than `before`. */
  async deleteRequests(experimentId: number, ids: readonly number[], before: number): Promise<void> {
    if (ids.length > 0)
      await this.c.run(`DELETE FROM suggestion_requests WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
    await this.c.run('DELETE FROM suggestion_requests WHERE experiment_id = ? AND created < ?', [experimentId, before]);
  }

  // --- queued suggestions ------------------------------------------------------------------
  async insertQueued(experimentId: number, assignments: string, task: string | null = null): Promise<QueuedRow> {
    const created = nowSeconds();
    const r = (await this.c.get<{ id: number }>(
      'INSERT INTO queued_suggestions (experiment_id, assignments, created, task) VALUES (?, ?, ?, ?) RETURNING id',
      [experimentId, assignments, created, task],
    ))!;
    return { id: r.id, experiment_id: experimentId, assignments, created, task };
  }

  queued(experimentId: number, id: number): Promise<QueuedRow | undefined> {
    return this.c.get<QueuedRow>('SELECT * FROM queued_suggestions WHERE id = ? AND experiment_id = ?', [
      id,
      experimentId,
    ]);
  }

  /** Whether the experiment has a queued suggestion. */
  async hasQueued(experimentId: number): Promise<boolean> {
    return (
      (await this.c.get('SELECT 1 AS one FROM queued_suggestions WHERE experiment_id = ? LIMIT 1', [experimentId])) !==
      undefined
    );
  }

  /** The oldest queued suggestion, removed from the queue; undefined when the queue is empty. */
  async popQueued(experimentId: number): Promise<QueuedRow | undefined> {
    const row = await this.c.get<QueuedRow>(
      'SELECT * FROM queued_suggestions WHERE experiment_id = ? ORDER BY id LIMIT 1',
      [experimentId],
    );
    if (row) await this.deleteQueued(experimentId, row.id);
    return row;
  }

  deleteQueued(experimentId: number, id: number): Promise<number> {
    return this.c.run('DELETE FROM queued_suggestions WHERE id = ? AND experiment_id = ?', [id, experimentId]);
  }

  listQueued(experimentId: number, page: PageRequest): Promise<Page<QueuedRow>> {
    return this.page<QueuedRow>('queued_suggestions', 'experiment_id = ?', [experimentId], page);
  }

  /** Drops the leases of an experiment's open suggestions (its lease was switched off). */
  async clearLeases(experimentId: number): Promise<void> {
    await this.c.run("UPDATE suggestions SET lease_expires = NULL WHERE experiment_id = ? AND state = 'open'", [
      experimentId,
    ]);
  }

  // --- idempotency keys --------------------------------------------------------------------
  /** The stored request fingerprint and response of a token's key, if the key was used in the last `ttl` seconds. */
  idempotent(tokenId: string, key: string, ttl: number): Promise<{ request: string; response: string } | undefined> {
    return this.c.get<{ request: string; response: string }>(
      'SELECT request, response FROM idempotency_keys WHERE token_id = ? AND key = ? AND created >= ?',
      [tokenId, key, nowSeconds() - ttl],
    );
  }

  /** Records a key's response, dropping keys older than `ttl` seconds (theirs can no longer be replayed). */
  async insertIdempotent(tokenId: string, key: string, request: string, response: string, ttl: number): Promise<void> {
    const created = nowSeconds();
    await this.c.run('DELETE FROM idempotency_keys WHERE created < ?', [created - ttl]);
    await this.c.run(
      'INSERT INTO idempotency_keys (token_id, key, request, response, created) VALUES (?, ?, ?, ?, ?)',
      [tokenId, key, request, response, created],
    );
  }

  // --- observations ------------------------------------------------------------------------
  async insertObservation(o: Omit<ObservationRow, 'id' | 'created'>): Promise<ObservationRow> {
    const created = nowSeconds();
    const r = (await this.c.get<{ id: number }>(
      'INSERT INTO observations (experiment_id, suggestion_id, assignments, metric_values, failed, metadata, created, task) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [o.experiment_id, o.suggestion_id, o.assignments, o.metric_values, o.failed, o.metadata, created, o.task],
    ))!;
    return { ...o, id: r.id, created };
  }

  /** Corrects an observation; its task changes only when `task` is given. */
  async updateObservation(
    id: number,
    o: Pick<ObservationRow, 'metric_values' | 'failed' | 'metadata'> & { task?: string | null },
  ): Promise<void> {
    await this.c.run('UPDATE observations SET metric_values = ?, failed = ?, metadata = ? WHERE id = ?', [
      o.metric_values,
      o.failed,
      o.metadata,
      id,
    ]);
    if (o.task !== undefined) await this.c.run('UPDATE observations SET task = ? WHERE id = ?', [o.task, id]);
  }

  /** Deletes one observation (experimentId given: every observation of the experiment); returns how many. */
  async deleteObservations(experimentId: number, id?: number): Promise<number> {
    // training runs of the AI module that recorded these observations keep their values and forget the link
    if (id === undefined) {
      await this.c.run(
        'UPDATE training_runs SET observation_id = NULL WHERE observation_id IN (SELECT id FROM observations WHERE experiment_id = ?)',
        [experimentId],
      );
      return this.c.run('DELETE FROM observations WHERE experiment_id = ?', [experimentId]);
    }
    await this.c.run(
      'UPDATE training_runs SET observation_id = NULL WHERE observation_id IN (SELECT id FROM observations WHERE experiment_id = ? AND id = ?)',
      [experimentId, id],
    );
    return this.c.run('DELETE FROM observations WHERE experiment_id = ? AND id = ?', [experimentId, id]);
  }

  observation(experimentId: number, id: number): Promise<ObservationRow | undefined> {
    return this.c.get<ObservationRow>('SELECT * FROM observations WHERE id = ? AND experiment_id = ?', [
      id,
      experimentId,
    ]);
  }

  /** The observation that answered a suggestion, if any. */
  observationOf(suggestionId: number): Promise<ObservationRow | undefined> {
    return this.c.get<ObservationRow>('SELECT * FROM observations WHERE suggestion_id = ?', [suggestionId]);
  }

  allObservations(experimentId: number): Promise<ObservationRow[]> {
    return this.c.all<ObservationRow>('SELECT * FROM observations WHERE experiment_id = ? ORDER BY id', [experimentId]);
  }

  listObservations(experimentId: number, page: PageRequest): Promise<Page<ObservationRow>> {
    return this.page<ObservationRow>('observations', 'experiment_id = ?', [experimentId], page);
  }

  // --- paging ------------------------------------------------------------------------------
  /**
   * Newest first; `before` pages towards older ids. `after` pages towards newer ones, oldest first within the page,
   * so that walking either cursor yields one monotonic sequence.
   */
  async page<T extends { id: number }>(
    table: string,
    where: string,
    params: readonly SqlValue[],
    req: PageRequest,
  ): Promise<Page<T>> {
    const total = (await this.c.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params))!.n;
    let rows: T[];
    if (req.after !== undefined) {
      rows = await this.c.all<T>(`SELECT * FROM ${table} WHERE ${where} AND id > ? ORDER BY id ASC LIMIT ?`, [
        ...params,
        req.after,
        req.limit + 1,
      ]);
      // Oldest first within the page: a client walking `after` cursors (the sigopt client's iterate_pages with
      // after=) sees one ascending sequence, not descending runs that jump up at each page.
      const more = rows.length > req.limit;
      rows = rows.slice(0, req.limit);
      const older = rows.length > 0 && (await this.exists(table, where, params, '<', rows[0].id));
      return {
        rows,
        total,
        after: more && rows.length > 0 ? String(rows[rows.length - 1].id) : null,
        before: older ? String(rows[0].id) : null,
      };
    }
    const cond = req.before !== undefined ? ' AND id < ?' : '';
    const extra = req.before !== undefined ? [req.before] : [];
    rows = await this.c.all<T>(`SELECT * FROM ${table} WHERE ${where}${cond} ORDER BY id DESC LIMIT ?`, [
      ...params,
      ...extra,
      req.limit + 1,
    ]);
    const more = rows.length > req.limit;
    rows = rows.slice(0, req.limit);
    const newer = rows.length > 0 && (await this.exists(table, where, params, '>', rows[0].id));
    return {
      rows,
      total,
      before: more ? String(rows[rows.length - 1].id) : null,
      after: newer ? String(rows[0].id) : null,
    };
  }

  private async exists(
    table: string,
    where: string,
    params: readonly SqlValue[],
    op: '<' | '>',
    id: number,
  ): Promise<boolean> {
    return (
      (await this.c.get(`SELECT 1 AS one FROM ${table} WHERE ${where} AND id ${op} ? LIMIT 1`, [...params, id])) !==
      undefined
    );
  }
}
