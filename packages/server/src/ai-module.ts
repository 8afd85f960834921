/**
 * SigOpt's "AI module" API, the one the sigopt Python client's current functions use (`sigopt.create_project`,
 * `sigopt.create_experiment` / `create_aiexperiment`, `experiment.loop()`, `run.params`, `run.log_metric`,
 * `sigopt.create_run`, `sigopt.upload_runs`, `get_best_runs`): tokens/self, clients, projects, AI experiments,
 * training runs and their checkpoints.
 *
 * An AI experiment is an experiment of the core API underneath (same space, optimizer, suggestions and observations,
 * service.ts), listed under its project instead of /v1/experiments. A training run created in an AI experiment takes
 * the next suggestion (batched with other waiting requests like any suggestion); when the run ends (state completed
 * or failed) its logged metric values become that suggestion's observation, in the same transaction. Runs outside an
 * AI experiment (`sigopt.create_run`, `upload_runs`) are stored and listed, and feed no optimizer.
 *
 * Clients: each API token belongs to a client (in an organization) and a user (tokens.ts); every token of a client
 * sees and changes the client's projects, AI experiments and runs, as it does the client's experiments. Objects record
 * the user who created them.
 */
import type { ExperimentConfig } from '@paretobench/optimizer';
import { ApiError } from './errors.ts';
import { doubleNames, experimentObject, json, pagination, wireAssignments, type PaginationObject } from './objects.ts';
import {
  AiExperimentCreateSchema,
  AiExperimentDeleteQuerySchema,
  AiExperimentUpdateSchema,
  CheckpointCreateSchema,
  PageQuerySchema,
  ProjectCreateSchema,
  ProjectIdSchema,
  ProjectUpdateSchema,
  RunBatchSchema,
  RunFieldsSchema,
  RunListQuerySchema,
  type RunFields,
} from '@paretobench/client';
import {
  RunStore,
  type AiExperimentRow,
  type CheckpointRow,
  type ProjectRow,
  type RunState,
  type TrainingRunRow,
} from './run-store.ts';
import { pageRequest, parse, parseId, type OptimizationService } from './service.ts';
import type { ExperimentRow, Store } from './store.ts';
import type { Storage } from './storage/storage.ts';
import { clientRecord, organizationRecord, type Caller, type OrganizationRecord } from './tokens.ts';

type Json = Record<string, unknown>;

interface StoredRunValue {
  value: number;
  value_stddev?: number | null;
}

/** Fields of a run kept as one JSON document (fields column): the mappings are merged key by key. */
const MERGED_FIELDS = [
  'metadata',
  'sys_metadata',
  'dev_metadata',
  'datasets',
  'logs',
  'source_code',
  'assignments_meta',
  'assignments_sources',
] as const;

/** One transaction's (or snapshot's) access: the core store and the AI module's runs, on one connection. */
interface Tx {
  store: Store;
  runs: RunStore;
}

export class AiModuleService {
  constructor(
    readonly storage: Storage,
    private readonly opt: OptimizationService,
  ) {}

  private write<T>(fn: (t: Tx) => Promise<T>, experiment?: number): Promise<T> {
    return this.opt.write((store) => fn({ store, runs: new RunStore(store) }), experiment);
  }

  private read<T>(fn: (t: Tx) => Promise<T>): Promise<T> {
    return this.opt.read((store) => fn({ store, runs: new RunStore(store) }));
  }

  // --- tokens, clients and organizations -----------------------------------------------------
  /** The token's client and user (SigOpt's fields), and the client's organization (an extension). */
  async tokenSelf(caller: Caller): Promise<Json> {
    const client = await this.read((t) => clientRecord(t.store.c, caller.client));
    return {
      object: 'token',
      token: caller.token,
      client: caller.client,
      user: caller.user,
      organization: client?.organization ?? null,
      experiment: null,
      all_experiments: true,
      development: false,
      permissions: 'write',
      token_type: 'client-api',
      expires: null,
    };
  }

  async getClient(caller: Caller, clientId: string): Promise<Json> {
    this.requireClient(caller, clientId);
    const c = (await this.read((t) => clientRecord(t.store.c, caller.client)))!;
    return { object: 'client', id: c.id, name: c.name ?? c.id, created: c.created, organization: c.organization };
  }

  /** The caller's own organization (its client's); any other id is 404, as another client's resources are. */
  async getOrganization(caller: Caller, organizationId: string): Promise<Json> {
    const own = await this.ownOrganization(caller);
    if (own.id !== organizationId) throw new ApiError(404, `organization ${organizationId} not found`);
    return organizationObject(own);
  }

  /** GET /v1/organizations: a page holding the caller's organization. */
  async listOrganizations(caller: Caller): Promise<PaginationObject<Json>> {
    return {
      object: 'pagination',
      count: 1,
      data: [organizationObject(await this.ownOrganization(caller))],
      paging: { before: null, after: null },
    };
  }

  private ownOrganization(caller: Caller): Promise<OrganizationRecord> {
    return this.read(
      async (t) => (await organizationRecord(t.store.c, (await clientRecord(t.store.c, caller.client))!.organization))!,
    );
  }

  // --- projects ----------------------------------------------------------------------------
  createProject(caller: Caller, clientId: string, raw: unknown): Promise<Json> {
    this.requireClient(caller, clientId);
    const body = parse(ProjectCreateSchema, raw);
    return this.write(async (t) => {
      if (await t.runs.project(caller.client, body.id))
        throw new ApiError(409, `id: project ${body.id} already exists`);
      return projectObject(
        await t.runs.insertProject(
          caller.client,
          caller.user,
          body.id,
          body.name ?? body.id,
          metadataText(body.metadata),
        ),
      );
    });
  }

  getProject(caller: Caller, clientId: string, projectId: string): Promise<Json> {
    this.requireClient(caller, clientId);
    return this.read(async (t) => projectObject(await this.requireProject(t, caller, projectId)));
  }

  listProjects(caller: Caller, clientId: string): Promise<PaginationObject<Json>> {
    this.requireClient(caller, clientId);
    return this.read(async (t) => {
      const rows = await t.runs.projects(caller.client);
      return {
        object: 'pagination' as const,
        count: rows.length,
        data: rows.map(projectObject),
        paging: { before: null, after: null },
      };
    });
  }

  updateProject(caller: Caller, clientId: string, projectId: string, raw: unknown): Promise<Json> {
    this.requireClient(caller, clientId);
    const body = parse(ProjectUpdateSchema, raw);
    return this.write(async (t) => {
      await this.requireProject(t, caller, projectId);
      await t.runs.updateProject(caller.client, projectId, {
        name: body.name,
        metadata: body.metadata === undefined ? undefined : metadataText(body.metadata),
      });
      return projectObject(await this.requireProject(t, caller, projectId));
    });
  }

  // --- AI experiments ----------------------------------------------------------------------
  createAiExperiment(caller: Caller, clientId: string, projectId: string, raw: unknown): Promise<Json> {
    this.requireClient(caller, clientId);
    const body = parse(AiExperimentCreateSchema, raw);
    const { budget, metadata, type: _type, ...rest } = body;
    return this.write(async (t) => {
      await this.requireProject(t, caller, projectId);
      const core = await this.opt.createExperimentIn(
        t.store,
        caller.token,
        dropUndefined({ ...rest, observation_budget: budget ?? undefined, metadata }),
      );
      const id = Number(core.id);
      await t.runs.insertAiExperiment(id, caller.client, projectId);
      return this.aiExperimentObject(t, await this.requireAiExperiment(t, caller, String(id)));
    });
  }

  getAiExperiment(caller: Caller, rawId: string): Promise<Json> {
    return this.read(async (t) => this.aiExperimentObject(t, await this.requireAiExperiment(t, caller, rawId)));
  }

  listAiExperiments(
    caller: Caller,
    clientId: string,
    projectId: string,
    rawQuery: unknown,
  ): Promise<PaginationObject<Json>> {
    this.requireClient(caller, clientId);
    return this.read(async (t) => {
      await this.requireProject(t, caller, projectId);
      const q = parse(PageQuerySchema, rawQuery ?? {});
      const page = await t.runs.listAiExperiments(caller.client, projectId, pageRequest(q));
      const objects: Json[] = [];
      for (const row of page.rows)
        objects.push(await this.aiExperimentObject(t, await this.requireAiExperiment(t, caller, String(row.id))));
      return pagination({ ...page, rows: objects }, (o) => o);
    });
  }

  /**
   * Name, budget, parallel bandwidth, metadata, and the bounds of existing parameters (SigOpt let an AI experiment's
   * bounds change): the parameters keep their names and types, and every recorded observation must stay inside the
   * new bounds, else 400 naming the parameter.
   */
  updateAiExperiment(caller: Caller, rawId: string, raw: unknown): Promise<Json> {
    const body = parse(AiExperimentUpdateSchema, raw);
    return this.write(
      async (t) => {
        const { exp } = await this.requireAiExperiment(t, caller, rawId);
        const config = JSON.parse(exp.config) as Record<string, unknown> & ExperimentConfig;
        if (body.name !== undefined) config.name = body.name;
        if (body.budget === null) delete config.observation_budget;
        else if (body.budget !== undefined) config.observation_budget = body.budget;
        if (body.parallel_bandwidth === null) delete config.parallel_bandwidth;
        else if (body.parallel_bandwidth !== undefined) config.parallel_bandwidth = body.parallel_bandwidth;
        if (body.parameters !== undefined) {
          config.parameters = await this.updatedParameters(t, exp, config, body.parameters);
        }
        await this.opt.replaceConfig(
          t.store,
          exp,
          config,
          body.metadata === undefined ? undefined : metadataText(body.metadata),
        );
        return this.aiExperimentObject(t, await this.requireAiExperiment(t, caller, rawId));
      },
      parseId(rawId, 'aiexperiment'),
    );
  }

  /** Marks the AI experiment deleted (and its runs, with include_runs=true). */
  deleteAiExperiment(caller: Caller, rawId: string, rawQuery: unknown): Promise<void> {
    const q = parse(AiExperimentDeleteQuerySchema, rawQuery ?? {});
    return this.write(
      async (t) => {
        const { ai } = await this.requireAiExperiment(t, caller, rawId);
        await this.opt.deleteExperimentIn(t.store, caller.token, String(ai.id));
        if (q.include_runs === 'true') {
          for (const run of await this.allRuns(t, caller, ai.project, ai.id)) await t.runs.deleteRun(run.id);
        }
      },
      parseId(rawId, 'aiexperiment'),
    );
  }

  /** The runs on the feasible Pareto front of the AI experiment's finished runs (best_assignments, as runs). */
  bestRuns(caller: Caller, rawId: string): Promise<PaginationObject<Json>> {
    return this.read(async (t) => {
      const { ai } = await this.requireAiExperiment(t, caller, rawId);
      const best = await this.opt.bestAssignmentsIn(t.store, caller.token, String(ai.id));
      const rows: TrainingRunRow[] = [];
      for (const b of best.data) {
        const r = await t.runs.runByObservation(Number(b.id));
        if (r !== undefined) rows.push(r);
      }
      const data: Json[] = [];
      for (const r of rows) data.push(await this.runObject(t, r));
      return { object: 'pagination' as const, count: rows.length, data, paging: { before: null, after: null } };
    });
  }

  // --- training runs -----------------------------------------------------------------------
  /** A run in an AI experiment: the experiment's next suggestion becomes the run's assignments. */
  async createExperimentRun(caller: Caller, rawId: string, raw: unknown): Promise<Json> {
    const body = parse(RunFieldsSchema.pick({ name: true, metadata: true }), raw ?? {});
    const { ai } = await this.read((t) => this.requireAiExperiment(t, caller, rawId));
    const suggestion = await this.opt.createSuggestion(caller.token, String(ai.id), {});
    try {
      return await this.write(async (t) => {
        const stored = (await t.store.suggestion(ai.id, Number(suggestion.id)))!;
        const row = await t.runs.insertRun({
          client_id: caller.client,
          user_id: caller.user,
          project: ai.project,
          aiexperiment_id: ai.id,
          suggestion_id: stored.id,
          observation_id: null,
          name: body.name ?? null,
          state: 'active',
          assignments: stored.assignments,
          metric_values: '{}',
          fields: JSON.stringify(dropUndefined({ metadata: body.metadata ?? undefined })),
          completed: null,
        });
        return this.runObject(t, row);
      }, ai.id);
    } catch (err) {
      // the suggestion is stored; the run could not be (a busy or full disk): give the suggestion back
      await this.write((t) => t.store.setSuggestionState(Number(suggestion.id), 'deleted'), ai.id);
      throw err;
    }
  }

  /** A run outside any AI experiment (sigopt.create_run): stored as given. */
  createProjectRun(caller: Caller, clientId: string, projectId: string, raw: unknown): Promise<Json> {
    this.requireClient(caller, clientId);
    return this.write(async (t) => {
      await this.requireProject(t, caller, projectId);
      return this.runObject(t, await this.insertProjectRun(t, caller, projectId, raw, ''));
    });
  }

  /** sigopt.upload_runs: all runs of the batch stored, or none. */
  createProjectRuns(
    caller: Caller,
    clientId: string,
    projectId: string,
    raw: unknown,
  ): Promise<PaginationObject<Json>> {
    this.requireClient(caller, clientId);
    const body = parse(RunBatchSchema, raw);
    return this.write(async (t) => {
      await this.requireProject(t, caller, projectId);
      const data: Json[] = [];
      for (const [i, r] of body.runs.entries())
        data.push(await this.runObject(t, await this.insertProjectRun(t, caller, projectId, r, `runs[${i}]`)));
      return { object: 'pagination' as const, count: data.length, data, paging: { before: null, after: null } };
    });
  }

  getRun(caller: Caller, rawId: string): Promise<Json> {
    return this.read(async (t) => this.runObject(t, await this.requireRun(t, caller, rawId)));
  }

  /**
   * MERGE (and PUT): mappings merged key by key (values by metric name, metadata by key), the rest replaced. A run of
   * an AI experiment that ends here (state completed or failed) records its suggestion's observation in the same
   * transaction: completed with a value for every optimized and constraint metric records them; completed without
   * one (nothing measured: the CLI's start-worker ends a crashed program's run so) makes the run failed, its reason in
   * sys_metadata.failure; failed records a failure. A completed run marked failed later turns its observation into a
   * failure.
   */
  async updateRun(caller: Caller, rawId: string, raw: unknown): Promise<Json> {
    const body = parse(RunFieldsSchema, raw);
    // about the run's AI experiment, when it has one: serialised with that experiment's other transactions
    const before = await this.read((t) => this.requireRun(t, caller, rawId));
    return this.write(async (t) => {
      const row = await this.requireRun(t, caller, rawId);
      if (body.assignments !== undefined && row.suggestion_id !== null) {
        const fixed = JSON.parse(row.assignments) as Json;
        for (const [k, v] of Object.entries(body.assignments)) {
          if (k in fixed && fixed[k] !== v) {
            throw new ApiError(400, `assignments.${k}: fixed by the run's suggestion (${JSON.stringify(fixed[k])})`);
          }
        }
      }
      const next = mergeRun(row, body);
      let observationId = row.observation_id;
      const ending = row.state !== next.state && next.state !== 'active';
      if (row.aiexperiment_id !== null && row.suggestion_id !== null && ending) {
        if (row.state === 'active' && row.state !== next.state) {
          const missing =
            next.state === 'completed' ? await this.missingMetric(t, caller, row, next.metric_values) : null;
          if (missing !== null) {
            // completed without a value the optimizer needs (the CLI's start-worker ends a run as completed even
            // when the user's program crashed): nothing was measured, so the run failed, and says why
            next.state = 'failed';
            const fields = JSON.parse(next.fields) as Json;
            const sys = fields.sys_metadata;
            fields.sys_metadata = {
              ...(typeof sys === 'object' && sys !== null ? sys : {}),
              failure: `ended without a value for metric "${missing}"`,
            };
            next.fields = JSON.stringify(fields);
          }
          // the suggestion may have been answered or deleted through the core API, or the AI experiment archived:
          // the run still ends, linked to the observation that answered its suggestion, if any
          const held = await t.store.suggestion(row.aiexperiment_id, row.suggestion_id);
          const exp = await t.store.experiment(caller.token, row.aiexperiment_id);
          if (held?.state === 'open' && exp?.state === 'active')
            observationId = await this.recordObservation(t, caller, row, next.state, next.metric_values);
          else observationId = held?.state === 'closed' ? ((await t.store.observationOf(held.id))?.id ?? null) : null;
        } else if (row.state === 'completed' && next.state === 'failed' && observationId !== null) {
          await t.store.updateObservation(observationId, { metric_values: null, failed: 1, metadata: null });
        }
      }
      if (row.state !== 'active' && next.state === 'active') {
        throw new ApiError(400, `state: run ${row.id} has ended (${row.state}); it cannot become active again`);
      }
      if (row.state === 'failed' && next.state === 'completed') {
        throw new ApiError(400, `state: run ${row.id} has failed; a failed run cannot become completed`);
      }
      await t.runs.updateRun(row.id, {
        ...next,
        observation_id: observationId,
        completed: next.state !== 'active' ? (row.completed ?? Math.floor(Date.now() / 1000)) : null,
      });
      return this.runObject(t, await this.requireRun(t, caller, rawId));
    }, before.aiexperiment_id ?? undefined);
  }

  /** Deletes a run; an unfinished run of an AI experiment gives its suggestion back (no longer pending). */
  async deleteRun(caller: Caller, rawId: string): Promise<void> {
    const before = await this.read((t) => this.requireRun(t, caller, rawId));
    await this.write(async (t) => {
      const row = await this.requireRun(t, caller, rawId);
      if (row.state === 'active' && row.suggestion_id !== null) {
        await t.store.setSuggestionState(row.suggestion_id, 'deleted');
      }
      await t.runs.deleteRun(row.id);
    }, before.aiexperiment_id ?? undefined);
  }

  listProjectRuns(
    caller: Caller,
    clientId: string,
    projectId: string,
    rawQuery: unknown,
  ): Promise<PaginationObject<Json>> {
    this.requireClient(caller, clientId);
    return this.read(async (t) => {
      await this.requireProject(t, caller, projectId);
      const q = parse(RunListQuerySchema, rawQuery ?? {});
      const { filters, ...paging } = q;
      const experiment = filters === undefined ? null : experimentFilter(filters);
      const page = await t.runs.listRuns(caller.client, projectId, experiment, pageRequest(paging));
      const objects: Json[] = [];
      for (const r of page.rows) objects.push(await this.runObject(t, r));
      return pagination({ ...page, rows: objects }, (o) => o);
    });
  }

  createCheckpoint(caller: Caller, rawId: string, raw: unknown): Promise<Json> {
    const body = parse(CheckpointCreateSchema, raw);
    return this.write(async (t) => {
      const row = await this.requireRun(t, caller, rawId);
      const values = body.values.map((v) => ({ name: v.name, value: v.value }));
      return checkpointObject(
        await t.runs.insertCheckpoint(row.id, JSON.stringify(values), metadataText(body.metadata)),
      );
    });
  }

  listCheckpoints(caller: Caller, rawId: string, rawQuery: unknown): Promise<PaginationObject<Json>> {
    return this.read(async (t) => {
      const row = await this.requireRun(t, caller, rawId);
      const q = parse(PageQuerySchema, rawQuery ?? {});
      return pagination(await t.runs.listCheckpoints(row.id, pageRequest(q)), checkpointObject);
    });
  }

  // --- internals ---------------------------------------------------------------------------
  /** 404 unless the client id is the token's client. */
  requireClient(caller: Caller, clientId: string): void {
    if (clientId !== caller.client) throw new ApiError(404, `client ${clientId} not found`);
  }

  private async requireProject(t: Tx, caller: Caller, projectId: string): Promise<ProjectRow> {
    const id = ProjectIdSchema.safeParse(projectId);
    const row = id.success ? await t.runs.project(caller.client, projectId) : undefined;
    if (!row) throw new ApiError(404, `project ${projectId} not found`);
    return row;
  }

  private async requireAiExperiment(
    t: Tx,
    caller: Caller,
    rawId: string,
  ): Promise<{ ai: AiExperimentRow; exp: ExperimentRow }> {
    const id = parseId(rawId, 'aiexperiment');
    const ai = await t.runs.aiExperiment(caller.client, id);
    const exp = ai ? await t.store.experiment(caller.token, id) : undefined;
    if (!ai || !exp) throw new ApiError(404, `aiexperiment ${rawId} not found`);
    return { ai, exp };
  }

  private async requireRun(t: Tx, caller: Caller, rawId: string): Promise<TrainingRunRow> {
    const row = await t.runs.run(caller.client, parseId(rawId, 'training run'));
    if (!row) throw new ApiError(404, `training run ${rawId} not found`);
    return row;
  }

  private async allRuns(t: Tx, caller: Caller, project: string, aiExperimentId: number): Promise<TrainingRunRow[]> {
    return (await t.runs.listRuns(caller.client, project, aiExperimentId, { limit: 1_000_000 })).rows;
  }

  private insertProjectRun(
    t: Tx,
    caller: Caller,
    projectId: string,
    raw: unknown,
    prefix: string,
  ): Promise<TrainingRunRow> {
    const body = parse(RunFieldsSchema, raw ?? {}, prefix);
    const empty: TrainingRunRow = {
      id: 0,
      client_id: caller.client,
      user_id: caller.user,
      project: projectId,
      aiexperiment_id: null,
      suggestion_id: null,
      observation_id: null,
      name: null,
      state: 'active',
      deleted: 0,
      assignments: '{}',
      metric_values: '{}',
      fields: '{}',
      checkpoint_count: 0,
      created: 0,
      updated: 0,
      completed: null,
    };
    const merged = mergeRun(empty, body);
    return t.runs.insertRun({
      client_id: caller.client,
      user_id: caller.user,
      project: projectId,
      aiexperiment_id: null,
      suggestion_id: null,
      observation_id: null,
      ...merged,
      completed: merged.state === 'active' ? null : Math.floor(Date.now() / 1000),
    });
  }

  /** The first optimized or constraint metric of the run's AI experiment without a logged value, or null. */
  private async missingMetric(t: Tx, caller: Caller, row: TrainingRunRow, valuesText: string): Promise<string | null> {
    const { exp } = await this.requireAiExperiment(t, caller, String(row.aiexperiment_id));
    const config = JSON.parse(exp.config) as ExperimentConfig;
    const logged = JSON.parse(valuesText) as Record<string, StoredRunValue>;
    const m = config.metrics.find((x) => (x.strategy ?? 'optimize') !== 'store' && logged[x.name] === undefined);
    return m ? m.name : null;
  }

  /** The run's end as an observation of its suggestion (service.ts validates it as any observation). */
  private async recordObservation(
    t: Tx,
    caller: Caller,
    row: TrainingRunRow,
    state: RunState,
    valuesText: string,
  ): Promise<number> {
    const { exp } = await this.requireAiExperiment(t, caller, String(row.aiexperiment_id));
    const config = JSON.parse(exp.config) as ExperimentConfig;
    const logged = JSON.parse(valuesText) as Record<string, StoredRunValue>;
    let body: Json;
    if (state === 'failed') body = { suggestion: String(row.suggestion_id), failed: true };
    else {
      const values = [];
      for (const m of config.metrics) {
        const v = logged[m.name];
        if (v === undefined) continue; // only store metrics may be missing here (missingMetric)
        values.push(
          v.value_stddev === undefined || v.value_stddev === null
            ? { name: m.name, value: v.value }
            : { name: m.name, value: v.value, value_stddev: v.value_stddev },
        );
      }
      body = { suggestion: String(row.suggestion_id), values };
    }
    return Number((await this.opt.createObservationIn(t.store, caller.token, String(exp.id), body)).id);
  }

  private async updatedParameters(
    t: Tx,
    exp: ExperimentRow,
    config: ExperimentConfig,
    raw: unknown[],
  ): Promise<ExperimentConfig['parameters']> {
    const byName = new Map(config.parameters.map((p) => [p.name, p]));
    if (raw.length !== config.parameters.length) {
      throw new ApiError(
        400,
        `parameters: an AI experiment keeps its ${config.parameters.length} parameters (got ${raw.length})`,
      );
    }
    // every recorded observation, open suggestion (a run in progress) and queued suggestion must stay inside
    const observed = [
      ...(await t.store.allObservations(exp.id)).map((o) => ({ what: 'an observation', a: o.assignments })),
      ...(await t.store.openSuggestions(exp.id)).map((o) => ({ what: `open suggestion ${o.id}`, a: o.assignments })),
      ...(await t.store.listQueued(exp.id, { limit: 1_000_000 })).rows.map((o) => ({
        what: `queued suggestion ${o.id}`,
        a: o.assignments,
      })),
    ].map((x) => ({ what: x.what, a: JSON.parse(x.a) as Json }));
    return raw.map((p, i) => {
      const q = (p ?? {}) as Json;
      const old = byName.get(String(q.name));
      if (!old)
        throw new ApiError(400, `parameters[${i}].name: no parameter ${JSON.stringify(q.name)} in this experiment`);
      if (q.type !== undefined && q.type !== old.type) {
        throw new ApiError(
          400,
          `parameters[${i}].type: parameter ${old.name} is ${old.type}; only its bounds may change`,
        );
      }
      // categorical and grid parameters keep their values; a bounds-less entry keeps the old bounds
      if (old.type === 'categorical' || old.grid || q.bounds === undefined || q.bounds === null) return old;
      const b = q.bounds as { min?: unknown; max?: unknown };
      const min = typeof b.min === 'number' ? b.min : old.bounds!.min;
      const max = typeof b.max === 'number' ? b.max : old.bounds!.max;
      for (const { what, a } of observed) {
        const v = a[old.name];
        if (typeof v === 'number' && (v < min || v > max)) {
          throw new ApiError(400, `parameters[${i}].bounds: ${what} has ${old.name} = ${v}, outside [${min}, ${max}]`);
        }
      }
      return { ...old, bounds: { min, max } };
    });
  }

  private async aiExperimentObject(
    t: Tx,
    {
      ai,
      exp,
    }: {
      ai: { id: number; project: string; client_id: string };
      exp: ExperimentRow;
    },
  ): Promise<Json> {
    const core = experimentObject(exp, await t.store.counts(exp.id), {});
    const counts = await t.runs.runCounts(ai.id);
    const budget = core.observation_budget;
    return {
      object: 'aiexperiment',
      id: core.id,
      name: core.name,
      type: core.type,
      state: core.state,
      created: core.created,
      updated: core.updated,
      client: ai.client_id,
      user: exp.user_id,
      project: ai.project,
      parameters: core.parameters,
      metrics: core.metrics,
      budget,
      parallel_bandwidth: core.parallel_bandwidth,
      num_solutions: core.num_solutions,
      conditionals: core.conditionals,
      linear_constraints: core.linear_constraints,
      metadata: core.metadata,
      seed: core.seed,
      method: core.method,
      initial_design_size: core.initial_design_size,
      progress: {
        object: 'progress',
        active_run_count: counts.active,
        finished_run_count: counts.finished,
        total_run_count: counts.total,
        remaining_budget: budget === null ? null : Math.max(0, budget - counts.finished),
      },
    };
  }

  private async runObject(t: Tx, row: TrainingRunRow): Promise<Json> {
    let doubles: ReadonlySet<string> = new Set();
    if (row.aiexperiment_id !== null) {
      const exp = await t.store.clientExperiment(row.client_id, row.aiexperiment_id);
      if (exp) doubles = doubleNames(JSON.parse(exp.config) as ExperimentConfig);
    }
    const fields = JSON.parse(row.fields) as Json;
    const values = JSON.parse(row.metric_values) as Record<string, StoredRunValue>;
    const logs = (fields.logs ?? {}) as Record<string, { content: string }>;
    const datasets = (fields.datasets ?? {}) as Json;
    const model = fields.model as { type?: string | null } | null | undefined;
    const source = fields.source_code as Json | null | undefined;
    return {
      object: 'training_run',
      id: String(row.id),
      name: row.name,
      client: row.client_id,
      user: row.user_id,
      project: row.project,
      experiment: row.aiexperiment_id === null ? null : String(row.aiexperiment_id),
      suggestion: row.suggestion_id === null ? null : String(row.suggestion_id),
      observation: row.observation_id === null ? null : String(row.observation_id),
      state: row.state,
      finished: row.state !== 'active',
      deleted: row.deleted !== 0,
      created: row.created,
      updated: row.updated,
      completed: row.completed,
      assignments: wireAssignments(row.assignments, doubles),
      values: Object.fromEntries(
        Object.entries(values).map(([name, v]) => [
          name,
          { object: 'metric_evaluation', name, value: v.value, value_stddev: v.value_stddev ?? null },
        ]),
      ),
      // empty mappings as {} (clients test membership: `"feature_importances" in run.sys_metadata`)
      metadata: fields.metadata ?? {},
      sys_metadata: fields.sys_metadata ?? {},
      dev_metadata: fields.dev_metadata ?? {},
      logs: Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, { object: 'log', content: v.content }])),
      datasets: Object.fromEntries(Object.keys(datasets).map((k) => [k, { object: 'dataset' }])),
      model: model ? { object: 'model', type: model.type ?? null } : null,
      source_code: source ? { object: 'source_code', ...source } : null,
      assignments_meta: fields.assignments_meta ?? null,
      assignments_sources: fields.assignments_sources ?? null,
      tags: fields.tags ?? [],
      favorite: fields.favorite ?? false,
      files: [],
      checkpoint_count: row.checkpoint_count,
      best_checkpoint: null,
    };
  }
}

/** The run after applying `body` (not stored). */
function mergeRun(
  row: TrainingRunRow,
  body: RunFields,
): Pick<TrainingRunRow, 'name' | 'state' | 'assignments' | 'metric_values' | 'fields'> {
  const fields = JSON.parse(row.fields) as Json;
  for (const key of MERGED_FIELDS) {
    const v = body[key];
    if (v === null) delete fields[key];
    else if (v !== undefined) {
      const prev = fields[key];
      fields[key] = { ...(typeof prev === 'object' && prev !== null ? prev : {}), ...v };
    }
  }
  if (body.model !== undefined) fields.model = body.model;
  if (body.tags !== undefined) fields.tags = body.tags;
  if (body.favorite !== undefined) fields.favorite = body.favorite;
  const values = JSON.parse(row.metric_values) as Record<string, StoredRunValue>;
  for (const [name, v] of Object.entries(body.values ?? {})) {
    if (v.name !== undefined && v.name !== name) {
      throw new ApiError(400, `values.${name}.name: says ${JSON.stringify(v.name)}`);
    }
    values[name] = v.value_stddev === undefined ? { value: v.value } : { value: v.value, value_stddev: v.value_stddev };
  }
  const assignments = { ...(JSON.parse(row.assignments) as Json), ...(body.assignments ?? {}) };
  return {
    name: body.name === undefined ? row.name : body.name,
    state: body.state ?? row.state,
    assignments: JSON.stringify(assignments),
    metric_values: JSON.stringify(values),
    fields: JSON.stringify(fields),
  };
}

/** The sigopt client's get_runs() filter, `[{"field": "experiment", "operator": "==", "value": id}]`. */
function experimentFilter(text: string): number {
  let filters: unknown;
  try {
    filters = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'filters: must be a JSON list');
  }
  const f = Array.isArray(filters) && filters.length === 1 ? (filters[0] as Json) : undefined;
  if (!f || f.field !== 'experiment' || f.operator !== '==' || !/^[1-9][0-9]{0,15}$/.test(String(f.value))) {
    throw new ApiError(400, 'filters: only [{"field": "experiment", "operator": "==", "value": <id>}] is supported');
  }
  return Number(f.value);
}

function projectObject(row: ProjectRow): Json {
  return {
    object: 'project',
    id: row.id,
    name: row.name,
    client: row.client_id,
    user: row.user_id,
    created: row.created,
    updated: row.updated,
    metadata: json(row.metadata),
  };
}

function organizationObject(row: OrganizationRecord): Json {
  return { object: 'organization', id: row.id, name: row.name ?? row.id, created: row.created, deleted: false };
}

function checkpointObject(row: CheckpointRow): Json {
  const values = JSON.parse(row.metric_values) as { name: string; value: number }[];
  return {
    object: 'checkpoint',
    id: String(row.id),
    training_run: String(row.training_run_id),
    created: row.created,
    metadata: json(row.metadata),
    values: values.map((v) => ({ object: 'metric_evaluation', name: v.name, value: v.value, value_stddev: null })),
    should_stop: false,
    stopping_reasons: {},
  };
}

function metadataText(m: Record<string, unknown> | null | undefined): string | null {
  return m === undefined || m === null ? null : JSON.stringify(m);
}

function dropUndefined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
