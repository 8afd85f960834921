/**
 * SQL access to the AI module's objects: projects, AI experiments (each backed by an experiment row of store.ts, which
 * holds its space, suggestions and observations), training runs and their checkpoints. No business rules here; see
 * ai-module.ts.
 */
import type { SqlConnection } from './storage/storage.ts';
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
  private readonly c: SqlConnection;

  /** On the connection of `store` (the same transaction). */
  constructor(private readonly store: Store) {
    this.c = store.c;
  }

  // --- projects ----------------------------------------------------------------------------
  async insertProject(
    clientId: string,
    userId: string,
    id: string,
    name: string,
    metadata: string | null,
  ): Promise<ProjectRow> {
    const t = nowSeconds();
    await this.c.run(
      'INSERT INTO projects (client_id, user_id, id, name, metadata, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [clientId, userId, id, name, metadata, t, t],
    );
    return { client_id: clientId, user_id: userId, id, name, metadata, created: t, updated: t };
  }

  project(clientId: string, id: string): Promise<ProjectRow | undefined> {
    return this.c.get<ProjectRow>('SELECT * FROM projects WHERE client_id = ? AND id = ?', [clientId, id]);
  }

  projects(clientId: string): Promise<ProjectRow[]> {
    return this.c.all<ProjectRow>('SELECT * FROM projects WHERE client_id = ? ORDER BY created DESC, id', [clientId]);
  }

  async updateProject(
    clientId: string,
    id: string,
    fields: { name?: string; metadata?: string | null },
  ): Promise<void> {
    const row = await this.project(clientId, id);
    if (!row) return;
    await this.c.run('UPDATE projects SET name = ?, metadata = ?, updated = ? WHERE client_id = ? AND id = ?', [
      fields.name ?? row.name,
      fields.metadata === undefined ? row.metadata : fields.metadata,
      nowSeconds(),
      clientId,
      id,
    ]);
  }

  // --- AI experiments ----------------------------------------------------------------------
  async insertAiExperiment(experimentId: number, clientId: string, project: string): Promise<void> {
    await this.c.run('INSERT INTO aiexperiments (id, client_id, project, created) VALUES (?, ?, ?, ?)', [
      experimentId,
      clientId,
      project,
      nowSeconds(),
    ]);
  }

  aiExperiment(clientId: string, id: number): Promise<AiExperimentRow | undefined> {
    return this.c.get<AiExperimentRow>('SELECT * FROM aiexperiments WHERE id = ? AND client_id = ?', [id, clientId]);
  }

  listAiExperiments(clientId: string, project: string, page: PageRequest): Promise<Page<AiExperimentRow>> {
    return this.store.page<AiExperimentRow>(
      'aiexperiments',
      'client_id = ? AND project = ?',
      [clientId, project],
      page,
    );
  }

  async runCounts(aiExperimentId: number): Promise<RunCounts> {
    const r = (await this.c.get<{ total: number; active: number }>(
      "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN state = 'active' THEN 1 ELSE 0 END), 0) AS active FROM training_runs WHERE aiexperiment_id = ? AND deleted = 0",
      [aiExperimentId],
    ))!;
    return { active: r.active, finished: r.total - r.active, total: r.total };
  }

  // --- training runs -----------------------------------------------------------------------
  async insertRun(
    r: Omit<TrainingRunRow, 'id' | 'created' | 'updated' | 'checkpoint_count' | 'deleted'>,
  ): Promise<TrainingRunRow> {
    const t = nowSeconds();
    const res = (await this.c.get<{ id: number }>(
      `INSERT INTO training_runs (client_id, user_id, project, aiexperiment_id, suggestion_id, observation_id, name,
        state, assignments, metric_values, fields, created, updated, completed)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
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
      ],
    ))!;
    return { ...r, id: res.id, created: t, updated: t, checkpoint_count: 0, deleted: 0 };
  }

  run(clientId: string, id: number): Promise<TrainingRunRow | undefined> {
    return this.c.get<TrainingRunRow>('SELECT * FROM training_runs WHERE id = ? AND client_id = ? AND deleted = 0', [
      id,
      clientId,
    ]);
  }

  runByObservation(observationId: number): Promise<TrainingRunRow | undefined> {
    return this.c.get<TrainingRunRow>('SELECT * FROM training_runs WHERE observation_id = ? AND deleted = 0', [
      observationId,
    ]);
  }

  async updateRun(
    id: number,
    r: Pick<
      TrainingRunRow,
      'name' | 'state' | 'assignments' | 'metric_values' | 'fields' | 'observation_id' | 'completed'
    >,
  ): Promise<void> {
    await this.c.run(
      `UPDATE training_runs SET name = ?, state = ?, assignments = ?, metric_values = ?, fields = ?, observation_id = ?,
        completed = ?, updated = ? WHERE id = ?`,
      [r.name, r.state, r.assignments, r.metric_values, r.fields, r.observation_id, r.completed, nowSeconds(), id],
    );
  }

  async deleteRun(id: number): Promise<void> {
    await this.c.run('UPDATE training_runs SET deleted = 1, updated = ? WHERE id = ?', [nowSeconds(), id]);
  }

  /** A project's runs (one AI experiment's when aiExperimentId is given). */
  listRuns(
    clientId: string,
    project: string,
    aiExperimentId: number | null,
    page: PageRequest,
  ): Promise<Page<TrainingRunRow>> {
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
  async insertCheckpoint(runId: number, metricValues: string, metadata: string | null): Promise<CheckpointRow> {
    const t = nowSeconds();
    const seq = (await this.c.get<{ n: number }>('SELECT checkpoint_count AS n FROM training_runs WHERE id = ?', [
      runId,
    ]))!.n;
    const res = (await this.c.get<{ id: number }>(
      'INSERT INTO checkpoints (training_run_id, seq, metric_values, metadata, created) VALUES (?, ?, ?, ?, ?) RETURNING id',
      [runId, seq, metricValues, metadata, t],
    ))!;
    await this.c.run('UPDATE training_runs SET checkpoint_count = checkpoint_count + 1, updated = ? WHERE id = ?', [
      t,
      runId,
    ]);
    return { id: res.id, training_run_id: runId, seq, metric_values: metricValues, metadata, created: t };
  }

  listCheckpoints(runId: number, page: PageRequest): Promise<Page<CheckpointRow>> {
    return this.store.page<CheckpointRow>('checkpoints', 'training_run_id = ?', [runId], page);
  }
}
