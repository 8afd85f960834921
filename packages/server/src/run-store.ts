/**
 * SQL access to the AI module's objects: projects, AI experiments (each backed by an experiment row of store.ts, which
 * holds its space, suggestions and observations), training runs and their checkpoints. No business rules here; see
 * ai-module.ts.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';
import { nowSeconds, type Page, type PageRequest, type Store } from './store.ts';

export interface ProjectRow {
  client_id: string;
  id: string;
  name: string;
  metadata: string | null;
  created: number;
  updated: number;
  /** the user who created it */
  user_id: string;
}

export interface AiExperimentRow {
  id: number;
  client_id: string;
  project: string;
  created: number;
}

export type RunState = 'active' | 'completed' | 'failed';

export interface TrainingRunRow {
  id: number;
  client_id: string;
  project: string;
  aiexperiment_id: number | null;
  suggestion_id: number | null;
  observation_id: number | null;
  name: string | null;
  state: RunState;
  deleted: number;
  /** JSON object: parameter name -> value */
  assignments: string;
  /** JSON object: metric name -> { value, value_stddev? } */
  metric_values: string;
  /** JSON object of the other logged fields (metadata, logs, datasets, model, source_code, sys/dev metadata, tags) */
  fields: string;
  checkpoint_count: number;
  created: number;
  updated: number;
  completed: number | null;
  /** the user who created it */
  user_id: string;
}

export interface CheckpointRow {
  id: number;
  training_run_id: number;
  seq: number;
  metric_values: string;
  metadata: string | null;
  created: number;
}

export interface RunCounts {
  active: number;
  finished: number;
  total: number;
}

export class RunStore {
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly db: Db,
    private readonly store: Store,
  ) {}

  private sql(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  // --- projects ----------------------------------------------------------------------------
  insertProject(clientId: string, userId: string, id: string, name: string, metadata: string | null): ProjectRow {
    const t = nowSeconds();
    this.sql(
      'INSERT INTO projects (client_id, user_id, id, name, metadata, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(clientId, userId, id, name, metadata, t, t);
    return { client_id: clientId, user_id: userId, id, name, metadata, created: t, updated: t };
  }

  project(clientId: string, id: string): ProjectRow | undefined {
    return this.sql('SELECT * FROM projects WHERE client_id = ? AND id = ?').get(clientId, id) as
      ProjectRow | undefined;
  }

  projects(clientId: string): ProjectRow[] {
    return this.sql('SELECT * FROM projects WHERE client_id = ? ORDER BY created DESC, id').all(
      clientId,
    ) as ProjectRow[];
  }

  updateProject(clientId: string, id: string, fields: { name?: string; metadata?: string | null }): void {
    const row = this.project(clientId, id);
    if (!row) return;
    this.sql('UPDATE projects SET name = ?, metadata = ?, updated = ? WHERE client_id = ? AND id = ?').run(
      fields.name ?? row.name,
      fields.metadata === undefined ? row.metadata : fields.metadata,
      nowSeconds(),
      clientId,
      id,
    );
  }

  // --- AI experiments ----------------------------------------------------------------------
  insertAiExperiment(experimentId: number, clientId: string, project: string): void {
    this.sql('INSERT INTO aiexperiments (id, client_id, project, created) VALUES (?, ?, ?, ?)').run(
      experimentId,
      clientId,
      project,
      nowSeconds(),
    );
  }

  aiExperiment(clientId: string, id: number): AiExperimentRow | undefined {
    return this.sql('SELECT * FROM aiexperiments WHERE id = ? AND client_id = ?').get(id, clientId) as
      AiExperimentRow | undefined;
  }

  listAiExperiments(clientId: string, project: string, page: PageRequest): Page<AiExperimentRow> {
    return this.store.page<AiExperimentRow>(
      'aiexperiments',
      'client_id = ? AND project = ?',
      [clientId, project],
      page,
    );
  }

  runCounts(aiExperimentId: number): RunCounts {
    const r = this.sql(
      "SELECT COUNT(*) AS total, COALESCE(SUM(state = 'active'), 0) AS active FROM training_runs WHERE aiexperiment_id = ? AND deleted = 0",
    ).get(aiExperimentId) as { total: number; active: number };
    return { active: r.active, finished: r.total - r.active, total: r.total };
  }

  // --- training runs -----------------------------------------------------------------------
  insertRun(r: Omit<TrainingRunRow, 'id' | 'created' | 'updated' | 'checkpoint_count' | 'deleted'>): TrainingRunRow {
    const t = nowSeconds();
    const res = this.sql(
      `INSERT INTO training_runs (client_id, user_id, project, aiexperiment_id, suggestion_id, observation_id, name,
        state, assignments, metric_values, fields, created, updated, completed)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.client_id,
      r.user_id,
      r.project,
      r.aiexperiment_id,
      r.suggestion_id,
      r.observation_id,
      r.name,
      r.state,
      r.assignments,
      r.metric_values,
      r.fields,
      t,
      t,
      r.completed,
    );
    return { ...r, id: Number(res.lastInsertRowid), created: t, updated: t, checkpoint_count: 0, deleted: 0 };
  }

  run(clientId: string, id: number): TrainingRunRow | undefined {
    return this.sql('SELECT * FROM training_runs WHERE id = ? AND client_id = ? AND deleted = 0').get(id, clientId) as
      TrainingRunRow | undefined;
  }

  runByObservation(observationId: number): TrainingRunRow | undefined {
    return this.sql('SELECT * FROM training_runs WHERE observation_id = ? AND deleted = 0').get(observationId) as
      TrainingRunRow | undefined;
  }

  updateRun(
    id: number,
    r: Pick<
      TrainingRunRow,
      'name' | 'state' | 'assignments' | 'metric_values' | 'fields' | 'observation_id' | 'completed'
    >,
  ): void {
    this.sql(
      `UPDATE training_runs SET name = ?, state = ?, assignments = ?, metric_values = ?, fields = ?, observation_id = ?,
        completed = ?, updated = ? WHERE id = ?`,
    ).run(r.name, r.state, r.assignments, r.metric_values, r.fields, r.observation_id, r.completed, nowSeconds(), id);
  }

  deleteRun(id: number): void {
    this.sql('UPDATE training_runs SET deleted = 1, updated = ? WHERE id = ?').run(nowSeconds(), id);
  }

  /** A project's runs (one AI experiment's when aiExperimentId is given). */
  listRuns(clientId: string, project: string, aiExperimentId: number | null, page: PageRequest): Page<TrainingRunRow> {
    return aiExperimentId === null
      ? this.store.page<TrainingRunRow>(
          'training_runs',
          'client_id = ? AND project = ? AND deleted = 0',
          [clientId, project],
          page,
        )
      : this.store.page<TrainingRunRow>(
          'training_runs',
          'client_id = ? AND project = ? AND aiexperiment_id = ? AND deleted = 0',
          [clientId, project, aiExperimentId],
          page,
        );
  }

  // --- checkpoints -------------------------------------------------------------------------
  insertCheckpoint(runId: number, metricValues: string, metadata: string | null): CheckpointRow {
    const t = nowSeconds();
    const seq = (this.sql('SELECT checkpoint_count AS n FROM training_runs WHERE id = ?').get(runId) as { n: number })
      .n;
    const res = this.sql(
      'INSERT INTO checkpoints (training_run_id, seq, metric_values, metadata, created) VALUES (?, ?, ?, ?, ?)',
    ).run(runId, seq, metricValues, metadata, t);
    this.sql('UPDATE training_runs SET checkpoint_count = checkpoint_count + 1, updated = ? WHERE id = ?').run(
      t,
      runId,
    );
    return {
      id: Number(res.lastInsertRowid),
      training_run_id: runId,
      seq,
      metric_values: metricValues,
      metadata,
      created: t,
    };
  }

  listCheckpoints(runId: number, page: PageRequest): Page<CheckpointRow> {
    return this.store.page<CheckpointRow>('checkpoints', 'training_run_id = ?', [runId], page);
  }
}
