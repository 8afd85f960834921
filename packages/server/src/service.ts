/**
 * The optimization service: experiments, suggestions and observations over the Store, with the
 * optimizer's stateless `suggest()` producing assignments.
 *
 * Consistency rules:
 * - every mutating call runs in one transaction of the storage (storage/storage.ts: SQLite or PostgreSQL),
 *   serialised with the other transactions about the same experiment in every server sharing the database; any
 *   thrown error rolls it back, so a rejected request never changes stored state;
 * - suggestion creation is serialised per experiment (in this process and, through the storage's exclusive lock,
 *   across servers): it reads observations + open suggestions
 *   (passed as `pending`) and the stored optimizer warm-start state, calls suggest() with `index` =
 *   the experiment's sequence counter (inline or in a worker thread), and stores the result, so
 *   suggestions are deterministic for a given history of API calls and seed;
 * - a suggestion takes at most one observation (checked here and by a UNIQUE index).
 */
import {
  ExperimentChangedError,
  suggestThrough,
  type ExperimentStore,
  type StoreSnapshot,
  bestObservationIndices,
  diverseSolutions,
  satisfies,
  parameterImportances,
  stoppingCriteria,
  ObservationError,
  SpaceError,
  parseExperimentConfig,
  realTask,
  validateObservation,
  type Assignments,
  type ExperimentConfig,
  type Observation,
  type OptimizerState,
  type Task,
} from '@paretobench/optimizer';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { inlineSuggest, type SuggestRunner } from './suggest-pool.ts';
import { ApiError, prefixedMessage, zodToApiError } from './errors.ts';
import {
  bestAssignmentsObject,
  experimentObject,
  observationObject,
  pagination,
  suggestionObject,
  queuedSuggestionObject,
  type QueuedSuggestionObject,
  doubleNames,
  serializeReply,
  wireAssignments,
  type Tasks,
  type BestAssignmentsObject,
  type ExperimentObject,
  type ObservationObject,
  type PaginationObject,
  type SuggestionObject,
} from './objects.ts';
import {
  ExperimentCreateSchema,
  ExperimentListQuerySchema,
  ExperimentUpdateSchema,
  IMMUTABLE_EXPERIMENT_FIELDS,
  ObservationBatchSchema,
  ObservationCreateSchema,
  ObservationUpdateSchema,
  PageQuerySchema,
  SuggestionCreateSchema,
  QueuedSuggestionCreateSchema,
  SuggestionDeleteAllQuerySchema,
  SuggestionListQuerySchema,
  SuggestionUpdateSchema,
  type PageQuery,
  type TaskRef,
} from '@paretobench/client';
import { SerialQueue } from './serial-queue.ts';
import { keepNumSolutions, numSolutions } from './num-solutions.ts';
import {
  Store,
  nowSeconds,
  type ExperimentRow,
  type ObservationRow,
  type PageRequest,
  type SuggestionRow,
} from './store.ts';
import { isUniqueViolation, type Storage } from './storage/storage.ts';

const DEFAULT_PAGE = 100;
/** The metric of an experiment created without any (SigOpt's own Franke example does that): observed with `value`. */
export const DEFAULT_METRIC = 'value';

export function parse<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw zodToApiError(r.error, prefix);
  return r.data;
}

export function parseId(raw: string, what: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new ApiError(404, `${what} ${JSON.stringify(raw)} not found`);
  return Number(raw);
}

export function pageRequest(q: PageQuery): PageRequest {
  if (q.before !== undefined && q.after !== undefined)
    throw new ApiError(400, 'before: give either before or after, not both');
  return {
    limit: q.limit ?? DEFAULT_PAGE,
    before: q.before === undefined ? undefined : Number(q.before),
    after: q.after === undefined ? undefined : Number(q.after),
  };
}

/**
 * An observation body's metric values: `values` as given, or the single-metric shorthand `value` (+ `value_stddev`)
 * as the one optimized metric's value; undefined when the body has neither.
 */
function metricValues(
  config: ExperimentConfig,
  body: { values?: Observation['values']; value?: number; value_stddev?: number },
  at: (field: string) => string,
): Observation['values'] | undefined {
  if (body.value === undefined) {
    if (body.value_stddev !== undefined) {
      throw new ApiError(400, `${at('value_stddev')}: only allowed together with value`);
    }
    return body.values;
  }
  if (body.values !== undefined) throw new ApiError(400, `${at('value')}: give either value or values, not both`);
  const optimize = config.metrics.filter((m) => (m.strategy ?? 'optimize') === 'optimize');
  if (config.metrics.length !== 1 || optimize.length !== 1) {
    throw new ApiError(
      400,
      `${at('value')}: this experiment has ${config.metrics.length} metrics; report them in values`,
    );
  }
  return [
    body.value_stddev === undefined
      ? { name: optimize[0].name, value: body.value }
      : { name: optimize[0].name, value: body.value, value_stddev: body.value_stddev },
  ];
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function metadataText(m: Record<string, unknown> | null | undefined): string | null {
  return m === undefined || m === null ? null : JSON.stringify(m);
}

function rowToObservation(row: ObservationRow): Observation {
  const obs: Observation = { assignments: JSON.parse(row.assignments) as Assignments };
  if (row.metric_values !== null) obs.values = JSON.parse(row.metric_values) as Observation['values'];
  if (row.failed) obs.failed = true;
  if (row.suggestion_id !== null) obs.suggestion = String(row.suggestion_id);
  if (row.task !== null) obs.task = row.task;
  return obs;
}

/**
 * The task a body names (`task`: a name, or a Task object with a name and perhaps its cost), checked against the
 * experiment's tasks: undefined when none is named; 400 naming `field` when the experiment has no tasks, the name is
 * not one of them, or a given cost is not that task's.
 */
function namedTask(config: ExperimentConfig, ref: TaskRef | null | undefined, field: string): Task | undefined {
  if (ref === undefined || ref === null) return undefined;
  const name = typeof ref === 'string' ? ref : ref.name;
  if (!config.tasks) throw new ApiError(400, `${field}: the experiment has no tasks`);
  const task = config.tasks.find((t) => t.name === name);
  if (!task) {
    throw new ApiError(
      400,
      `${field}: unknown task ${JSON.stringify(name)} (one of ${JSON.stringify(config.tasks.map((t) => t.name))})`,
    );
  }
  if (typeof ref !== 'string' && ref.cost !== undefined && ref.cost !== task.cost)
    throw new ApiError(400, `${field}.cost: task ${JSON.stringify(name)} costs ${task.cost}, not ${ref.cost}`);
  return task;
}

/**
 * The task of a suggestion a client chooses (manual or queued): the named one, else in a multitask experiment the real
 * task (cost 1), the evaluation a chosen point is usually meant for; null without tasks.
 */
function chosenTask(config: ExperimentConfig, ref: TaskRef | null | undefined): string | null {
  const named = namedTask(config, ref, 'task');
  if (named) return named.name;
  return config.tasks ? realTask(config).name : null;
}

function sameAssignments(a: Assignments, b: Assignments): string | null {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return k;
  return null;
}

/** The most waiting suggestion requests of one experiment that one batch answers, by default. */
export const DEFAULT_MAX_BATCH = 32;

/** The service's snapshot for a batch: the optimizer's input, and the requests it answers. */
interface BatchSnapshot extends StoreSnapshot {
  configText: string;
  /** this batch's requests that another server's batch answered */
  answered: Map<number, SuggestionRow>;
  /** the requests the batch computes for, in order: this batch's own first, then other servers' */
  requests: { id: number; metadata: string | null }[];
}

interface WaitingSuggestion {
  /** its row in suggestion_requests */
  requestId: number;
  metadata: string | null;
  resolve(s: SuggestionObject): void;
  reject(err: unknown): void;
}

export class OptimizationService {
  private readonly suggestQueue = new SerialQueue<number>();
  /**
   * Per experiment, the suggestion requests waiting for the next batch: requests that arrive while the experiment's
   * queue is busy (another batch computing, a correction) are answered together by one suggestBatch() call.
   */
  private readonly waiting = new Map<number, WaitingSuggestion[]>();

  constructor(
    readonly storage: Storage,
    private readonly runner: SuggestRunner = inlineSuggest,
    /** the most waiting requests of one experiment answered by one batch (1: each request alone) */
    private readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
  }

  /** `fn` in one transaction (about `experiment` when given: serialised with that experiment's other ones). */
  write<T>(fn: (store: Store) => Promise<T>, experiment?: number): Promise<T> {
    return this.storage.write((c) => fn(new Store(c)), experiment);
  }

  /** `fn` on one consistent snapshot. */
  read<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.storage.read((c) => fn(new Store(c)));
  }

  /**
   * `task` alone among the experiment's suggestion batches and corrections: in this process (its queue, where waiting
   * requests join the next batch) and across every server sharing the database (storage's exclusive lock).
   */
  private serialized<T>(experiment: number, task: () => Promise<T>): Promise<T> {
    return this.suggestQueue.run(experiment, () => this.storage.exclusive(experiment, task));
  }

  // --- experiments -------------------------------------------------------------------------
  createExperiment(tokenId: string, raw: unknown): Promise<ExperimentObject> {
    return this.write((store) => this.createExperimentIn(store, tokenId, raw));
  }

  /** createExperiment inside the caller's transaction (the AI module's). */
  async createExperimentIn(store: Store, tokenId: string, raw: unknown): Promise<ExperimentObject> {
    const body = parse(ExperimentCreateSchema, raw);
    const { metadata, type: _type, metric, budget, project, suggestion_lease_seconds: lease, ...rest } = body;
    // a project of the token's client (store.ts resolves the client of the token)
    if (project !== undefined && !(await store.projectExists(tokenId, project)))
      throw new ApiError(404, `project: project ${project} not found`);
    if (metric !== undefined && rest.metrics !== undefined) {
      throw new ApiError(400, 'metric: give either metric (one metric) or metrics, not both');
    }
    if (budget !== undefined && rest.observation_budget !== undefined && budget !== rest.observation_budget) {
      throw new ApiError(400, 'budget: differs from observation_budget (they name the same thing)');
    }
    const config = this.parseConfig(
      dropUndefined({
        ...rest,
        metrics: rest.metrics ?? (metric !== undefined ? [metric] : [{ name: DEFAULT_METRIC }]),
        observation_budget: rest.observation_budget ?? budget,
      }),
    );
    const id = await store.insertExperiment(
      tokenId,
      JSON.stringify(config),
      metadataText(metadata),
      project ?? null,
      lease ?? null,
    );
    return this.experimentView(store, (await store.experiment(tokenId, id))!);
  }

  getExperiment(tokenId: string, rawId: string): Promise<ExperimentObject> {
    return this.read(async (store) => this.experimentView(store, await this.requireExperiment(store, tokenId, rawId)));
  }

  /** The token's experiments, or one project's (404 when the token's client has no such project). */
  listExperiments(tokenId: string, rawQuery: unknown, project?: string): Promise<PaginationObject<ExperimentObject>> {
    const q = parse(ExperimentListQuerySchema, rawQuery ?? {});
    return this.read(async (store) => {
      if (project !== undefined && !(await store.projectExists(tokenId, project)))
        throw new ApiError(404, `project ${project} not found`);
      const page = await store.listExperiments(tokenId, q.state ?? 'active', pageRequest(q), project);
      const views = await Promise.all(page.rows.map((row) => this.experimentView(store, row)));
      return pagination({ ...page, rows: views }, (v) => v);
    });
  }

  updateExperiment(tokenId: string, rawId: string, raw: unknown): Promise<ExperimentObject> {
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const key of IMMUTABLE_EXPERIMENT_FIELDS) {
        if (key in raw) throw new ApiError(400, `${key}: cannot be changed after the experiment is created`);
      }
    }
    const body = parse(ExperimentUpdateSchema, raw);
    return this.write(async (store) => {
      const row = await this.requireExperiment(store, tokenId, rawId);
      const config = JSON.parse(row.config) as Record<string, unknown>;
      if (body.name !== undefined) config.name = body.name;
      for (const key of ['observation_budget', 'parallel_bandwidth'] as const) {
        if (body[key] === null) delete config[key];
        else if (body[key] !== undefined) config[key] = body[key];
      }
      const checked = this.parseConfig(config, 'observation_budget');
      await store.updateExperiment(row.id, {
        config: JSON.stringify(checked),
        metadata: body.metadata === undefined ? undefined : metadataText(body.metadata),
        state: body.state,
        suggestion_lease: body.suggestion_lease_seconds,
      });
      // leases switched off: the open suggestions stay with their takers, as without a lease
      if (body.suggestion_lease_seconds === null) await store.clearLeases(row.id);
      return this.experimentView(store, (await store.experiment(tokenId, row.id))!);
    }, experimentId(rawId));
  }

  /**
   * Stores a changed configuration of an existing experiment, checked like a new one (the AI module's updates),
   * inside the caller's transaction; the optimizer's warm-start state is dropped (the space may have changed).
   */
  async replaceConfig(store: Store, exp: ExperimentRow, config: unknown, metadata?: string | null): Promise<void> {
    const checked = this.parseConfig(config, 'budget');
    await store.updateExperiment(exp.id, { config: JSON.stringify(checked), metadata });
    await store.clearOptimizerState(exp.id);
  }

  /** Marks the experiment deleted (hidden from lists; PUT state "active" restores it). */
  deleteExperiment(tokenId: string, rawId: string): Promise<void> {
    return this.write((store) => this.deleteExperimentIn(store, tokenId, rawId), experimentId(rawId));
  }

  /** deleteExperiment inside the caller's transaction. */
  async deleteExperimentIn(store: Store, tokenId: string, rawId: string): Promise<void> {
    const row = await this.requireExperiment(store, tokenId, rawId);
    await store.updateExperiment(row.id, { state: 'deleted' });
  }

  // --- suggestions -------------------------------------------------------------------------
  /**
   * Creates a suggestion. Optimizer suggestions are serialised per experiment (SerialQueue): read a
   * consistent snapshot (observations, open suggestions as pending, warm-start state, index), run
   * suggest() through the runner (inline or a worker thread), then store the suggestion in one
   * IMMEDIATE transaction. `assignments` in the body queues a user-chosen point instead.
   */
  async createSuggestion(tokenId: string, rawId: string, raw: unknown): Promise<SuggestionObject> {
    const body = parse(SuggestionCreateSchema, raw ?? {});
    const id = experimentId(rawId);
    // whether a leased suggestion whose lease ended or a queued one waits (read first: most requests find neither,
    // and then take no write lock before the optimizer)
    const handBack = await this.read(async (store) => {
      const exp = await this.requireActiveExperiment(store, tokenId, rawId);
      if (exp.suggestion_lease !== null && (await store.expiredLease(exp.id, nowSeconds())) !== undefined) return true;
      return store.hasQueued(exp.id);
    });
    if (body.assignments !== undefined) {
      const manual = body.assignments;
      return this.write(async (store) => {
        const exp = await this.requireActiveExperiment(store, tokenId, rawId);
        const config = JSON.parse(exp.config) as ExperimentConfig;
        const task = chosenTask(config, body.task);
        const assignments = this.suggestable(config, manual, task);
        await store.bumpIndex(exp.id, 1);
        return suggestionObject(
          await store.insertSuggestion(
            exp.id,
            JSON.stringify(assignments),
            metadataText(body.metadata),
            exp.next_index,
            exp.suggestion_lease,
            task,
          ),
          doubleNames(config),
          config.tasks,
        );
      }, id);
    }
    if (body.task !== undefined && body.task !== null) {
      throw new ApiError(
        400,
        'task: only with assignments (a manual suggestion); the optimizer chooses the task of its own suggestions',
      );
    }
    // before the optimizer is asked: an open suggestion whose lease ended (its worker is gone), then a queued one
    const fromQueue = !handBack
      ? null
      : await this.write(async (store) => {
          const exp = await this.requireActiveExperiment(store, tokenId, rawId);
          if (exp.suggestion_lease !== null) {
            const now = nowSeconds();
            const expired = await store.expiredLease(exp.id, now);
            if (expired) {
              const leaseExpires = now + exp.suggestion_lease;
              await store.setLease(expired.id, leaseExpires);
              let metadata = expired.metadata;
              if (body.metadata !== undefined) {
                metadata = metadataText(body.metadata);
                await store.setSuggestionMetadata(expired.id, metadata);
              }
              return suggestionObject(
                { ...expired, metadata, lease_expires: leaseExpires },
                doublesOf(exp),
                tasksOf(exp),
              );
            }
          }
          const q = await store.popQueued(exp.id);
          if (!q) return null;
          await store.bumpIndex(exp.id, 1);
          const row = await store.insertSuggestion(
            exp.id,
            q.assignments,
            metadataText(body.metadata),
            exp.next_index,
            exp.suggestion_lease,
            q.task,
          );
          return suggestionObject(row, doublesOf(exp), tasksOf(exp));
        }, id);
    if (fromQueue) return fromQueue;
    const metadata = metadataText(body.metadata);
    // recorded first, so that whichever server computes this experiment's next batch answers it too
    const requestId = await this.write((store) => store.insertRequest(id, metadata), id);
    return new Promise<SuggestionObject>((resolve, reject) => {
      const request = { requestId, metadata, resolve, reject };
      const queued = this.waiting.get(id);
      if (queued && queued.length < this.maxBatch) {
        queued.push(request); // a batch is queued and not started: it answers this request too
        return;
      }
      const batch = [request];
      this.waiting.set(id, batch);
      void this.serialized(id, async () => {
        if (this.waiting.get(id) === batch) this.waiting.delete(id);
        try {
          await this.answerBatch(tokenId, rawId, batch);
        } catch (err) {
          for (const r of batch) r.reject(err);
          // nobody is to answer them now (best effort: a failing database may refuse this too)
          await this.write(
            (store) =>
              store.deleteRequests(
                id,
                batch.map((r) => r.requestId),
                nowSeconds() - REQUEST_TTL_SECONDS,
              ),
            id,
          ).catch(() => undefined);
        }
      });
    });
  }

  /**
   * Answers this process's batch of waiting requests, holding the experiment's exclusive lock. Those another server's
   * batch answered meanwhile get their suggestions at once. For the rest, one suggestBatch() call computes a
   * suggestion for every request of the experiment that waits, in this process or another server sharing the database
   * (up to maxBatch, this batch's first): a consistent snapshot (observations, open suggestions as pending, warm-start
   * state, next index), the batch through the runner (inline or a worker thread), then all stored in one transaction
   * with consecutive indices, each request marked answered by its suggestion. The other servers' requests are picked up
   * by their servers when they hold the lock next, without computing anything.
   *
   * The configuration can change while the batch computes (a PUT is not queued behind suggestions: an AI experiment's
   * new bounds, a new budget): then the batch was made for the old space and is computed again from a new snapshot,
   * so no stored suggestion is outside the bounds a client was told, or made with the old budget's design.
   */
  private async answerBatch(tokenId: string, rawId: string, batch: WaitingSuggestion[]): Promise<void> {
    const id = experimentId(rawId);
    const own = batch.map((r) => r.requestId);
    const metadataOf = new Map(batch.map((r) => [r.requestId, r.metadata]));
    const answer = (answered: Map<number, SuggestionRow>, config: ExperimentConfig) => {
      for (const r of batch) {
        const row = answered.get(r.requestId);
        if (row) r.resolve(suggestionObject(row, doubleNames(config), config.tasks));
        else r.reject(new Error(`suggestion request ${r.requestId} was left without a suggestion`));
      }
    };
    // the optimizer's store loop (snapshot -> suggestBatch -> record) over this database: the snapshot claims the
    // waiting requests, the record answers them, or refuses a batch made for a configuration changed meanwhile
    const store: ExperimentStore<BatchSnapshot, { made: Map<number, SuggestionRow>; config: ExperimentConfig }> = {
      snapshot: () =>
        this.read(async (store) => {
          const exp = await this.requireActiveExperiment(store, tokenId, rawId);
          const config = JSON.parse(exp.config) as ExperimentConfig;
          const answered = await store.answeredRequests(exp.id, own);
          const mine = own.filter((r) => !answered.has(r));
          const others =
            mine.length === 0
              ? []
              : await store.waitingRequests(
                  exp.id,
                  own,
                  nowSeconds() - REQUEST_TTL_SECONDS,
                  this.maxBatch - mine.length,
                );
          const requests = [...mine.map((r) => ({ id: r, metadata: metadataOf.get(r)! })), ...others];
          const open = await store.openSuggestions(exp.id);
          return {
            configText: exp.config,
            answered,
            requests,
            // nothing to compute when another server's batch answered every request of this one
            count: requests.length,
            input: {
              config,
              observations: (await store.allObservations(exp.id)).map(rowToObservation),
              pending: open.map((s) => JSON.parse(s.assignments) as Assignments),
              // a multitask experiment's open suggestions' tasks, parallel to pending (the budget they will spend)
              ...(config.tasks ? { pendingTasks: open.map((s) => s.task ?? undefined) } : {}),
              state: exp.optimizer_state === null ? undefined : (JSON.parse(exp.optimizer_state) as OptimizerState),
              index: exp.next_index,
            },
          };
        }),
      record: (snapshot, out) =>
        this.write(async (store) => {
          const { requests, count } = snapshot;
          const made = new Map(snapshot.answered);
          if (count > 0) {
            const exp = await this.requireActiveExperiment(store, tokenId, rawId);
            if (exp.config !== snapshot.configText) return null;
            await store.setOptimizerState(exp.id, JSON.stringify(out.state ?? {}), exp.next_index + count);
            for (const [i, assignments] of out.suggestions.entries()) {
              const row = await store.insertSuggestion(
                exp.id,
                JSON.stringify(assignments),
                requests[i].metadata,
                snapshot.input.index! + i,
                exp.suggestion_lease,
                out.tasks?.[i] ?? null,
              );
              // this batch's own requests are answered here (their rows are deleted below); another server's is
              // marked answered for its server to pick up (one given up meanwhile leaves an open suggestion nobody
              // took, as a lost answer does)
              if (own.includes(requests[i].id)) made.set(requests[i].id, row);
              else await store.answerRequest(requests[i].id, row.id);
            }
          }
          await store.deleteRequests(id, own, nowSeconds() - REQUEST_TTL_SECONDS);
          return { made, config: snapshot.input.config };
        }, id),
    };
    try {
      const { made, config } = await suggestThrough(
        store,
        (input, count) => this.runner.run(input, count),
        MAX_RECOMPUTES,
      );
      answer(made, config);
    } catch (err) {
      if (err instanceof ExperimentChangedError) {
        throw new ApiError(
          409,
          `experiment ${rawId}: its configuration changed ${err.attempts} times while suggestions were computed; ask again`,
        );
      }
      throw err;
    }
  }

  getSuggestion(tokenId: string, rawId: string, rawSid: string): Promise<SuggestionObject> {
    return this.read(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const row = await store.suggestion(exp.id, parseId(rawSid, 'suggestion'));
      if (!row || row.state === 'deleted')
        throw new ApiError(404, `suggestion ${rawSid} not found in experiment ${exp.id}`);
      return suggestionObject(row, doublesOf(exp), tasksOf(exp));
    });
  }

  listSuggestions(tokenId: string, rawId: string, rawQuery: unknown): Promise<PaginationObject<SuggestionObject>> {
    const q = parse(SuggestionListQuerySchema, rawQuery ?? {});
    return this.read(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const doubles = doublesOf(exp);
      const tasks = tasksOf(exp);
      return pagination(await store.listSuggestions(exp.id, q.state ?? 'all', pageRequest(q)), (row) =>
        suggestionObject(row, doubles, tasks),
      );
    });
  }

  /** Deletes an open suggestion: it stops counting as pending and cannot be observed. */
  deleteSuggestion(tokenId: string, rawId: string, rawSid: string): Promise<void> {
    return this.write(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const row = await store.suggestion(exp.id, parseId(rawSid, 'suggestion'));
      if (!row || row.state === 'deleted')
        throw new ApiError(404, `suggestion ${rawSid} not found in experiment ${exp.id}`);
      if (row.state === 'closed')
        throw new ApiError(409, `suggestion ${rawSid} already has an observation and cannot be deleted`);
      await store.setSuggestionState(row.id, 'deleted');
    }, experimentId(rawId));
  }

  // --- queued suggestions ------------------------------------------------------------------
  /** Queues assignments: the next suggestion requests are answered with them, oldest first, before the optimizer. */
  createQueuedSuggestion(tokenId: string, rawId: string, raw: unknown): Promise<QueuedSuggestionObject> {
    const body = parse(QueuedSuggestionCreateSchema, raw);
    return this.write(async (store) => {
      const exp = await this.requireActiveExperiment(store, tokenId, rawId);
      const config = JSON.parse(exp.config) as ExperimentConfig;
      const task = chosenTask(config, body.task);
      const assignments = this.suggestable(config, body.assignments, task);
      return queuedSuggestionObject(
        await store.insertQueued(exp.id, JSON.stringify(assignments), task),
        doubleNames(config),
        config.tasks,
      );
    }, experimentId(rawId));
  }

  getQueuedSuggestion(tokenId: string, rawId: string, rawQid: string): Promise<QueuedSuggestionObject> {
    return this.read(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const row = await store.queued(exp.id, parseId(rawQid, 'queued suggestion'));
      if (!row) throw new ApiError(404, `queued suggestion ${rawQid} not found in experiment ${exp.id}`);
      return queuedSuggestionObject(row, doublesOf(exp), tasksOf(exp));
    });
  }

  listQueuedSuggestions(
    tokenId: string,
    rawId: string,
    rawQuery: unknown,
  ): Promise<PaginationObject<QueuedSuggestionObject>> {
    return this.read(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const q = parse(PageQuerySchema, rawQuery ?? {});
      const doubles = doublesOf(exp);
      const tasks = tasksOf(exp);
      return pagination(await store.listQueued(exp.id, pageRequest(q)), (row) =>
        queuedSuggestionObject(row, doubles, tasks),
      );
    });
  }

  deleteQueuedSuggestion(tokenId: string, rawId: string, rawQid: string): Promise<void> {
    return this.write(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      if ((await store.deleteQueued(exp.id, parseId(rawQid, 'queued suggestion'))) === 0)
        throw new ApiError(404, `queued suggestion ${rawQid} not found in experiment ${exp.id}`);
    }, experimentId(rawId));
  }

  /** PUT on a suggestion: replaces its metadata (null clears it); open or closed, not deleted. */
  updateSuggestion(tokenId: string, rawId: string, rawSid: string, raw: unknown): Promise<SuggestionObject> {
    const body = parse(SuggestionUpdateSchema, raw ?? {});
    return this.write(async (store) => {
      const exp = await this.requireActiveExperiment(store, tokenId, rawId);
      const row = await store.suggestion(exp.id, parseId(rawSid, 'suggestion'));
      if (!row || row.state === 'deleted')
        throw new ApiError(404, `suggestion ${rawSid} not found in experiment ${exp.id}`);
      let updated = row;
      // any PUT on a leased open suggestion renews its lease (a worker's heartbeat)
      if (row.state === 'open' && exp.suggestion_lease !== null) {
        const leaseExpires = nowSeconds() + exp.suggestion_lease;
        await store.setLease(row.id, leaseExpires);
        updated = { ...updated, lease_expires: leaseExpires };
      }
      if (body.metadata !== undefined) {
        const metadata = metadataText(body.metadata);
        await store.setSuggestionMetadata(row.id, metadata);
        updated = { ...updated, metadata };
      }
      return suggestionObject(updated, doublesOf(exp), tasksOf(exp));
    }, experimentId(rawId));
  }

  /** DELETE /suggestions?state=open: deletes every open suggestion; returns how many. */
  deleteOpenSuggestions(tokenId: string, rawId: string, rawQuery: unknown): Promise<number> {
    parse(SuggestionDeleteAllQuerySchema, rawQuery ?? {});
    return this.write(
      async (store) => store.deleteOpenSuggestions((await this.requireExperiment(store, tokenId, rawId)).id),
      experimentId(rawId),
    );
  }

  // --- observations ------------------------------------------------------------------------
  /**
   * With an `Idempotency-Key` header (`idempotencyKey`), a retry of the same request (a client that timed out before
   * the answer arrived) gets the first answer again and stores nothing; the key, per token, is kept for a day.
   */
  createObservation(
    tokenId: string,
    rawId: string,
    raw: unknown,
    idempotencyKey?: unknown,
  ): Promise<ObservationObject> {
    const key = parseIdempotencyKey(idempotencyKey);
    return this.write((store) => this.createObservationIn(store, tokenId, rawId, raw, key), experimentId(rawId));
  }

  /** createObservation inside the caller's transaction (the AI module's, with no idempotency key). */
  async createObservationIn(
    store: Store,
    tokenId: string,
    rawId: string,
    raw: unknown,
    key: string | null = null,
  ): Promise<ObservationObject> {
    // the stored answer first: a retry whose first attempt was stored before the experiment was deleted gets it
    const exp = await this.requireExperiment(store, tokenId, rawId);
    const doubles = doublesOf(exp);
    const tasks = tasksOf(exp);
    return this.once(
      store,
      tokenId,
      key,
      `POST /v1/experiments/${exp.id}/observations`,
      raw,
      async () => {
        activeOnly(exp, rawId);
        return observationObject(await this.insertObservation(store, exp, raw, ''), doubles, tasks);
      },
      (stored: ObservationObject) => rewired(stored, doubles),
    );
  }

  /** All-or-nothing: either every observation of the batch is stored or none is. Idempotency keys as above. */
  createObservations(
    tokenId: string,
    rawId: string,
    raw: unknown,
    idempotencyKey?: unknown,
  ): Promise<PaginationObject<ObservationObject>> {
    const key = parseIdempotencyKey(idempotencyKey);
    const body = parse(ObservationBatchSchema, raw);
    return this.write(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const doubles = doublesOf(exp);
      const tasks = tasksOf(exp);
      return this.once(
        store,
        tokenId,
        key,
        `POST /v1/experiments/${exp.id}/observations/batch`,
        raw,
        async () => {
          activeOnly(exp, rawId);
          const rows: ObservationRow[] = [];
          for (const [i, o] of body.observations.entries())
            rows.push(await this.insertObservation(store, exp, o, `observations[${i}]`));
          return {
            object: 'pagination' as const,
            count: rows.length,
            data: rows.map((row) => observationObject(row, doubles, tasks)),
            paging: { before: null, after: null },
          };
        },
        (stored: PaginationObject<ObservationObject>) => ({
          ...stored,
          data: stored.data.map((o) => rewired(o, doubles)),
        }),
      );
    }, experimentId(rawId));
  }

  /**
   * Runs `create` once per (token, idempotency key): inside the caller's transaction, so the stored answer and what
   * it created commit together. A key used before for this request returns the stored answer; for another request
   * (another route or body), 422. The answer is stored as the response text (serializeReply: integral doubles as
   * `0.0`, no process-specific markers, so a replay after a restart is the same text) and `revive` marks its doubles
   * again when it is replayed.
   */
  private async once<T>(
    store: Store,
    tokenId: string,
    key: string | null,
    route: string,
    raw: unknown,
    create: () => Promise<T>,
    revive: (stored: T) => T,
  ): Promise<T> {
    if (key === null) return create();
    const request = createHash('sha256').update(route).update('\n').update(JSON.stringify(raw)).digest('hex');
    const seen = await store.idempotent(tokenId, key, IDEMPOTENCY_TTL_SECONDS);
    if (seen) {
      if (seen.request !== request) {
        throw new ApiError(
          422,
          `Idempotency-Key: ${JSON.stringify(key)} was used for a different request (another route or body); a retry must repeat the request exactly`,
        );
      }
      return revive(JSON.parse(seen.response) as T);
    }
    const answer = await create();
    try {
      await store.insertIdempotent(tokenId, key, request, serializeReply(answer), IDEMPOTENCY_TTL_SECONDS);
    } catch (err) {
      // another server stored the same key meanwhile (a request about another experiment, so not serialised with
      // this one): this transaction rolls back, and the client's retry gets the stored answer or the 422
      if (isUniqueViolation(err))
        throw new ApiError(409, `Idempotency-Key: ${JSON.stringify(key)} is being used by a concurrent request`);
      throw err;
    }
    return answer;
  }

  getObservation(tokenId: string, rawId: string, rawOid: string): Promise<ObservationObject> {
    return this.read(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const row = await store.observation(exp.id, parseId(rawOid, 'observation'));
      if (!row) throw new ApiError(404, `observation ${rawOid} not found in experiment ${exp.id}`);
      return observationObject(row, doublesOf(exp), tasksOf(exp));
    });
  }

  /**
   * PUT on an observation: corrects its values, its failure or its metadata (fields left out stay as they were) and
   * checks the result as a new observation would be checked, so a correction cannot store what a create would refuse.
   * Values given without `failed` make a failed observation a successful one; `failed: true` alone drops the values
   * (a crash), `failed: true` with values keeps those (a rule failure: the values it was judged on). In a multitask
   * experiment `task` corrects the task of an observation made without a suggestion; one made for a suggestion keeps
   * the suggestion's (naming another is a 400, as on create).
   */
  async updateObservation(tokenId: string, rawId: string, rawOid: string, raw: unknown): Promise<ObservationObject> {
    const body = parse(ObservationUpdateSchema, raw ?? {});
    const id = experimentId(rawId);
    await this.read((store) => this.requireActiveExperiment(store, tokenId, rawId));
    // serialised with suggestion batches: one computing meanwhile would store the state this clears
    return this.serialized(id, async () =>
      this.write(async (store) => {
        const exp = await this.requireActiveExperiment(store, tokenId, rawId);
        const row = await store.observation(exp.id, parseId(rawOid, 'observation'));
        if (!row) throw new ApiError(404, `observation ${rawOid} not found in experiment ${exp.id}`);
        const config = JSON.parse(exp.config) as ExperimentConfig;
        const given = metricValues(config, body, (f) => f);
        const failed = body.failed ?? (given !== undefined ? false : row.failed === 1);
        const before = rowToObservation(row);
        const values = given ?? (body.failed === true ? undefined : before.values);
        const task = namedTask(config, body.task, 'task')?.name ?? before.task;
        if (row.suggestion_id !== null && task !== before.task) {
          throw new ApiError(
            400,
            `task: ${JSON.stringify(task)} differs from suggestion ${row.suggestion_id}'s task ${JSON.stringify(before.task)}`,
          );
        }
        const obs = this.validate(
          config,
          dropUndefined({
            assignments: before.assignments,
            values,
            failed: failed || undefined,
            suggestion: before.suggestion,
            task,
          }),
          '',
        );
        const updated = {
          metric_values: obs.values && obs.values.length > 0 ? JSON.stringify(obs.values) : null,
          failed: obs.failed ? 1 : 0,
          metadata: body.metadata === undefined ? row.metadata : metadataText(body.metadata),
          task: task ?? null,
        };
        await store.updateObservation(row.id, updated);
        // the warm-start hyperparameters were fitted to the old data: refit on the next suggestion
        await store.clearOptimizerState(exp.id);
        return observationObject({ ...row, ...updated }, doublesOf(exp), tasksOf(exp));
      }, id),
    );
  }

  /**
   * DELETE on an observation (oid given) or on all of an experiment's observations. The optimizer forgets them; a
   * suggestion they answered stays closed, as on SigOpt. Returns how many were deleted.
   */
  async deleteObservations(tokenId: string, rawId: string, rawOid?: string): Promise<number> {
    const id = experimentId(rawId);
    await this.read((store) => this.requireActiveExperiment(store, tokenId, rawId));
    return this.serialized(id, async () =>
      this.write(async (store) => {
        const exp = await this.requireActiveExperiment(store, tokenId, rawId);
        const n =
          rawOid === undefined
            ? await store.deleteObservations(exp.id)
            : await store.deleteObservations(exp.id, parseId(rawOid, 'observation'));
        if (n === 0 && rawOid !== undefined) {
          throw new ApiError(404, `observation ${rawOid} not found in experiment ${exp.id}`);
        }
        if (n > 0) await store.clearOptimizerState(exp.id);
        return n;
      }, id),
    );
  }

  listObservations(tokenId: string, rawId: string, rawQuery: unknown): Promise<PaginationObject<ObservationObject>> {
    const q = parse(PageQuerySchema, rawQuery ?? {});
    return this.read(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      const doubles = doublesOf(exp);
      const tasks = tasksOf(exp);
      return pagination(await store.listObservations(exp.id, pageRequest(q)), (row) =>
        observationObject(row, doubles, tasks),
      );
    });
  }

  /**
   * The Pareto frontier of the non-failed observations: points in the "all optimize metrics
   * maximised" orientation, restricted to the feasible observations (the optimizer's `isFeasible`: every metric
   * threshold met, constraint metrics and optimize metrics with a threshold; 'store' metrics are ignored). In a
   * multitask experiment only the real task's (cost 1) observations count, as SigOpt's: a cheaper task's value is not
   * the objective's.
   */
  bestAssignments(tokenId: string, rawId: string): Promise<PaginationObject<BestAssignmentsObject>> {
    return this.read((store) => this.bestAssignmentsIn(store, tokenId, rawId));
  }

  /** bestAssignments on the caller's snapshot or transaction. */
  async bestAssignmentsIn(
    store: Store,
    tokenId: string,
    rawId: string,
  ): Promise<PaginationObject<BestAssignmentsObject>> {
    const exp = await this.requireExperiment(store, tokenId, rawId);
    const config = JSON.parse(exp.config) as ExperimentConfig;
    const rows = await store.allObservations(exp.id);
    const observations = rows.map(rowToObservation);
    // num_solutions > 1: that many good and mutually distant feasible observations, best first (the optimizer's rule);
    // else the feasible Pareto front in observation order (the optimizer's bestObservations)
    const picked =
      numSolutions(config) > 1
        ? diverseSolutions(config, observations, numSolutions(config))
        : bestObservationIndices(config, observations);
    const doubles = doubleNames(config);
    return {
      object: 'pagination',
      count: picked.length,
      data: picked.map((i) => bestAssignmentsObject(rows[i], doubles)),
      paging: { before: null, after: null },
    };
  }

  /**
   * Parameter importances per metric (not `store` metrics), from the length scales of a GP fitted on the successful
   * observations (optimizer models/importances.ts); empty maps below 3 of them.
   */
  async metricImportances(tokenId: string, rawId: string): Promise<PaginationObject<Record<string, unknown>>> {
    const { config, observations } = await this.history(tokenId, rawId);
    const all = parameterImportances(config, observations);
    return {
      object: 'pagination',
      count: all.length,
      data: all.map((m) => ({ object: 'metric_importances', metric: m.metric, importances: m.importances })),
      paging: { before: null, after: null },
    };
  }

  /** SigOpt's single-metric `importances`: those of the first optimized metric. */
  async importances(tokenId: string, rawId: string): Promise<Record<string, unknown>> {
    const { config } = await this.history(tokenId, rawId);
    const first = config.metrics.find((m) => (m.strategy ?? 'optimize') === 'optimize')!;
    const m = (await this.metricImportances(tokenId, rawId)).data.find((x) => x.metric === first.name);
    return { object: 'importances', importances: m?.importances ?? {} };
  }

  /**
   * Whether the experiment may stop: its budget reached (a multitask experiment's in task costs), or no improvement of
   * the feasible front (the real task's, with tasks) for a while: the optimizer's stoppingCriteria.
   */
  async stoppingCriteria(tokenId: string, rawId: string): Promise<Record<string, unknown>> {
    const { config, observations } = await this.history(tokenId, rawId);
    return { object: 'stopping_criteria', ...stoppingCriteria(config, observations) };
  }

  /** An experiment's configuration and observations, read in one snapshot (the model is fitted after it is read). */
  private history(tokenId: string, rawId: string): Promise<{ config: ExperimentConfig; observations: Observation[] }> {
    return this.read(async (store) => {
      const exp = await this.requireExperiment(store, tokenId, rawId);
      return {
        config: JSON.parse(exp.config) as ExperimentConfig,
        observations: (await store.allObservations(exp.id)).map(rowToObservation),
      };
    });
  }

  // --- internals ---------------------------------------------------------------------------
  /** A config checked as the optimizer parses it, keeping num_solutions (a 400 on it names `field`: num-solutions.ts). */
  private parseConfig(input: unknown, field = 'num_solutions'): ExperimentConfig {
    try {
      return keepNumSolutions(input, parseExperimentConfig(input), field);
    } catch (err) {
      if (err instanceof SpaceError) throw new ApiError(400, prefixedMessage(err.field, err.message));
      throw err;
    }
  }

  /**
   * Assignments a client asks to be suggested (manual or queued), on `task` (a multitask experiment's; null without
   * tasks): in the space and inside every linear constraint.
   */
  private suggestable(
    config: ExperimentConfig,
    raw: Record<string, number | string>,
    task: string | null,
  ): Observation['assignments'] {
    const probe = task === null ? { assignments: raw, failed: true } : { assignments: raw, failed: true, task };
    const assignments = this.validate(config, probe, '').assignments;
    (config.linear_constraints ?? []).forEach((c, i) => {
      if (!satisfies(c, assignments))
        throw new ApiError(400, `assignments: outside linear_constraints[${i}] (${c.type} ${c.threshold})`);
    });
    return assignments;
  }

  private validate(config: ExperimentConfig, obs: unknown, prefix: string): Observation {
    try {
      return validateObservation(config, obs);
    } catch (err) {
      if (err instanceof ObservationError || err instanceof SpaceError) {
        throw new ApiError(400, prefixedMessage(err.field, err.message, prefix));
      }
      throw err;
    }
  }

  private async insertObservation(
    store: Store,
    exp: ExperimentRow,
    raw: unknown,
    prefix: string,
  ): Promise<ObservationRow> {
    const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
    const body = parse(ObservationCreateSchema, raw, prefix);
    const config = JSON.parse(exp.config) as ExperimentConfig;
    let assignments = body.assignments;
    let suggestionId: number | null = null;
    // the task: the suggestion's when it has one (a named one must agree), else the body's (required with tasks)
    let task = namedTask(config, body.task, at('task'))?.name;
    if (body.suggestion !== undefined) {
      const s = await store.suggestion(exp.id, Number(body.suggestion));
      if (!s || s.state === 'deleted') {
        throw new ApiError(404, `${at('suggestion')}: suggestion ${body.suggestion} not found in experiment ${exp.id}`);
      }
      if (s.state === 'closed') {
        throw new ApiError(409, `${at('suggestion')}: suggestion ${body.suggestion} already has an observation`);
      }
      const suggested = JSON.parse(s.assignments) as Assignments;
      if (assignments !== undefined) {
        const differs = sameAssignments(assignments, suggested);
        if (differs !== null) {
          throw new ApiError(400, `${at(`assignments.${differs}`)}: differs from suggestion ${s.id}'s assignment`);
        }
      }
      assignments = suggested;
      suggestionId = s.id;
      if (s.task !== null) {
        if (task !== undefined && task !== s.task) {
          throw new ApiError(
            400,
            `${at('task')}: ${JSON.stringify(task)} differs from suggestion ${s.id}'s task ${JSON.stringify(s.task)}`,
          );
        }
        task = s.task;
      }
    } else if (assignments === undefined) {
      throw new ApiError(400, `${at('suggestion')}: an observation needs a suggestion id or assignments`);
    }
    const values = metricValues(config, body, at);
    const candidate = dropUndefined({
      assignments,
      values,
      failed: body.failed,
      metadata: body.metadata ?? undefined,
      suggestion: suggestionId === null ? undefined : String(suggestionId),
      task,
    });
    const obs = this.validate(config, candidate, prefix);
    let row: ObservationRow;
    try {
      row = await store.insertObservation({
        experiment_id: exp.id,
        suggestion_id: suggestionId,
        assignments: JSON.stringify(obs.assignments),
        metric_values: obs.values && obs.values.length > 0 ? JSON.stringify(obs.values) : null,
        failed: obs.failed ? 1 : 0,
        metadata: metadataText(body.metadata),
        task: obs.task ?? null,
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ApiError(409, `${at('suggestion')}: suggestion ${suggestionId} already has an observation`);
      }
      throw err;
    }
    if (suggestionId !== null) await store.setSuggestionState(suggestionId, 'closed');
    else await store.bumpIndex(exp.id, 1);
    return row;
  }

  async requireExperiment(store: Store, tokenId: string, rawId: string): Promise<ExperimentRow> {
    const row = await store.experiment(tokenId, experimentId(rawId));
    if (!row) throw new ApiError(404, `experiment ${rawId} not found`);
    return row;
  }

  async requireActiveExperiment(store: Store, tokenId: string, rawId: string): Promise<ExperimentRow> {
    return activeOnly(await this.requireExperiment(store, tokenId, rawId), rawId);
  }

  async experimentView(store: Store, row: ExperimentRow): Promise<ExperimentObject> {
    return experimentObject(row, await store.counts(row.id), await store.firstAndLastObservation(row.id));
  }
}

/** The double parameters of a stored experiment (their integral values are sent as floats: objects.ts WireDouble). */
/** A stored observation answer with the integral values of its double parameters marked again (WireDouble). */
function rewired(o: ObservationObject, doubles: ReadonlySet<string>): ObservationObject {
  return { ...o, assignments: wireAssignments(JSON.stringify(o.assignments), doubles) };
}

function doublesOf(exp: { config: string }): ReadonlySet<string> {
  return doubleNames(JSON.parse(exp.config) as ExperimentConfig);
}

/** A stored experiment's tasks (undefined: it has none). */
function tasksOf(exp: { config: string }): Tasks {
  return (JSON.parse(exp.config) as ExperimentConfig).tasks;
}

/**
 * A suggestion request older than this is not answered by another server's batch (its server is gone: a live one
 * answers its requests within seconds), and is deleted.
 */
const REQUEST_TTL_SECONDS = 600;

/** How often a suggestion batch is computed again when the configuration keeps changing under it. */
const MAX_RECOMPUTES = 3;

/** How long an idempotency key's answer is kept for replay (Stripe's choice: a day). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** The `Idempotency-Key` header: 1-255 visible ASCII characters, or absent (null). */
function parseIdempotencyKey(raw: unknown): string | null {
  if (raw === undefined) return null;
  if (typeof raw !== 'string') throw new ApiError(400, 'Idempotency-Key: give the header once');
  if (!/^[\x21-\x7e]{1,255}$/.test(raw)) {
    throw new ApiError(400, 'Idempotency-Key: must be 1 to 255 visible ASCII characters (a UUID, say)');
  }
  return raw;
}

/** The id in an experiment's URL (a 404 naming it when it cannot be one). */
export function experimentId(rawId: string): number {
  return parseId(rawId, 'experiment');
}

/** The experiment row, unless it is deleted (409). */
function activeOnly(row: ExperimentRow, rawId: string): ExperimentRow {
  if (row.state !== 'active') {
    throw new ApiError(409, `experiment ${rawId} is deleted; PUT {"state": "active"} to restore it`);
  }
  return row;
}
