/**
 * Experiment: an in-memory, Optuna-like stateful wrapper over the stateless `suggest()`.
 * Tracks observations, pending suggestions (ids "1", "2", ...) and the optimizer's warm-start state,
 * and round-trips losslessly through JSON.
 */
import { z } from 'zod';
import { ObservationError } from './space/errors.ts';
import { paretoFront } from './multi-objective/pareto.ts';
import {
  AssignmentsSchema,
  ObservationSchema,
  assignmentsKey,
  parseExperimentConfig,
  validateAssignments,
  validateObservation,
  type Assignments,
  type ExperimentConfig,
  type Observation,
} from './space/space.ts';
import { suggestBatch, type OptimizerState, type SuggestBatchOutput, type SuggestInput } from './suggest.ts';
import { suggestThrough, type BatchRunner, type ExperimentStore, type StoreSnapshot } from './experiment-store.ts';
import { isFeasible } from './multi-objective/feasibility.ts';

export interface PendingSuggestion {
  id: string;
  assignments: Assignments;
  /** the task to evaluate it on (multitask experiments) */
  task?: string;
}

export interface ObserveInput {
  suggestion?: string;
  assignments?: Assignments;
  values?: { name: string; value: number; value_stddev?: number }[] | Record<string, number>;
  failed?: boolean;
  metadata?: Record<string, unknown>;
  /** the task it was evaluated on (multitask experiments; default: its suggestion's) */
  task?: string;
}

const ExperimentJsonSchema = z.object({
  version: z.literal(1),
  config: z.unknown(),
  observations: z.array(ObservationSchema),
  pending: z.array(z.object({ id: z.string(), assignments: AssignmentsSchema, task: z.string().optional() })),
  next_id: z.number().int().min(1),
  state: z.record(z.string(), z.unknown()),
});

export class Experiment {
  private readonly _observations: Observation[] = [];
  private readonly _pending: PendingSuggestion[] = [];
  private nextId = 1;
  private state: OptimizerState = {};
  /** bumped by every change of the history (suggestMany's batches check it before they are recorded) */
  private version = 0;

  private constructor(readonly config: ExperimentConfig) {}

  static create(config: unknown): Experiment {
    return new Experiment(parseExperimentConfig(config));
  }

  get observations(): readonly Observation[] {
    return this._observations;
  }

  get pending(): readonly PendingSuggestion[] {
    return this._pending;
  }

  /** The next suggestion, pending until observed (or deleted). */
  suggest(): PendingSuggestion {
    return this.record(suggestBatch(this.input(), 1))[0];
  }

  /**
   * `count` suggestions made together (for `count` workers), pending until observed, through `run` (inline by default,
   * or a worker thread): the loop every experiment store shares (experiment-store.ts), over this one in memory.
   */
  async suggestMany(count: number, run?: BatchRunner): Promise<PendingSuggestion[]> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
    const store: ExperimentStore<StoreSnapshot & { version: number }, PendingSuggestion[]> = {
      snapshot: async () => ({ input: this.input(), count, version: this.version }),
      // suggest(), observe() or deleteSuggestion() ran while the batch computed: it was made for another history
      record: async (snap, out) => (snap.version === this.version ? this.record(out) : null),
    };
    return suggestThrough(store, run);
  }

  /** What the optimizer suggests from: the observations, the pending suggestions (and tasks), the warm-start state. */
  private input(): SuggestInput {
    return {
      config: this.config,
      observations: [...this._observations],
      pending: this._pending.map((p) => p.assignments),
      pendingTasks: this._pending.map((p) => p.task),
      state: this.state,
    };
  }

  /** Records a batch: the new warm-start state, and each suggestion pending under the next id. */
  private record(out: SuggestBatchOutput): PendingSuggestion[] {
    this.state = out.state;
    this.version++;
    return out.suggestions.map((assignments, i) => {
      const task = out.tasks?.[i];
      const s = { id: String(this.nextId++), assignments, ...(task ? { task } : {}) };
      this._pending.push({ ...s, assignments: { ...assignments } });
      return s;
    });
  }

  observe(obs: ObserveInput): Observation {
    let assignments = obs.assignments;
    let pendingIndex = -1;
    if (obs.suggestion !== undefined) {
      pendingIndex = this._pending.findIndex((p) => p.id === obs.suggestion);
      if (pendingIndex < 0) throw new ObservationError('suggestion', `no open suggestion with id "${obs.suggestion}"`);
      assignments ??= this._pending[pendingIndex].assignments;
    }
    if (assignments === undefined) throw new ObservationError('assignments', 'required when no suggestion id is given');
    const values = Array.isArray(obs.values)
      ? obs.values
      : obs.values
        ? Object.entries(obs.values).map(([name, value]) => ({ name, value }))
        : undefined;
    const raw: Record<string, unknown> = { assignments };
    if (values !== undefined) raw.values = values;
    if (obs.failed !== undefined) raw.failed = obs.failed;
    if (obs.metadata !== undefined) raw.metadata = obs.metadata;
    if (obs.suggestion !== undefined) raw.suggestion = obs.suggestion;
    const task = obs.task ?? (pendingIndex >= 0 ? this._pending[pendingIndex].task : undefined);
    if (task !== undefined) raw.task = task;
    const o = validateObservation(this.config, raw);
    if (pendingIndex < 0) {
      // an observation without a suggestion id closes an open suggestion with exactly these assignments
      const key = assignmentsKey(this.config, o.assignments);
      pendingIndex = this._pending.findIndex((p) => assignmentsKey(this.config, p.assignments) === key);
    }
    if (pendingIndex >= 0) this._pending.splice(pendingIndex, 1);
    this._observations.push(o);
    this.version++;
    return o;
  }

  deleteSuggestion(id: string): void {
    const i = this._pending.findIndex((p) => p.id === id);
    if (i < 0) throw new ObservationError('suggestion', `no open suggestion with id "${id}"`);
    this._pending.splice(i, 1);
    this.version++;
  }

  /** Pareto frontier of non-failed observations meeting every constraint and optimize-metric threshold. */
  bestAssignments(): Observation[] {
    return bestObservations(this.config, this._observations);
  }

  toJSON(): unknown {
    return {
      version: 1,
      config: this.config,
      observations: structuredClone(this._observations),
      pending: structuredClone(this._pending),
      next_id: this.nextId,
      state: structuredClone(this.state),
    };
  }

  static fromJSON(json: unknown): Experiment {
    const r = ExperimentJsonSchema.safeParse(json);
    if (!r.success) throw new ObservationError(r.error.issues[0].path.join('.'), r.error.issues[0].message);
    const e = Experiment.create(r.data.config);
    for (const o of r.data.observations) e._observations.push(validateObservation(e.config, o));
    r.data.pending.forEach((p, i) =>
      e._pending.push({
        id: p.id,
        assignments: validateAssignments(e.config, p.assignments, `pending[${i}].assignments`),
        ...(p.task !== undefined ? { task: p.task } : {}),
      }),
    );
    e.nextId = r.data.next_id;
    e.state = r.data.state;
    return e;
  }
}

/**
 * Pareto frontier (maximisation orientation per metric objective) of the observations that count: the feasible ones,
 * and in a multitask experiment only those of the real task (cost 1), as SigOpt's best assignments.
 */
export function bestObservations(config: ExperimentConfig, observations: readonly Observation[]): Observation[] {
  return bestObservationIndices(config, observations).map((i) => observations[i]);
}

/**
 * The positions in `observations` of bestObservations(), ascending. An observation missing an objective's value
 * (possible only where values were not validated against the metrics) does not count.
 */
export function bestObservationIndices(config: ExperimentConfig, observations: readonly Observation[]): number[] {
  const objectives = config.metrics.filter((m) => m.strategy === 'optimize');
  const valueOf = (o: Observation, name: string) => o.values?.find((v) => v.name === name)?.value;
  const real = config.tasks?.find((t) => t.cost === 1)?.name;
  const counted: number[] = [];
  const pts: number[][] = [];
  observations.forEach((o, i) => {
    if (!isFeasible(config, o) || (real !== undefined && o.task !== real)) return;
    const p = objectives.map((m) => (m.objective === 'minimize' ? -1 : 1) * (valueOf(o, m.name) ?? Number.NaN));
    if (p.some(Number.isNaN)) return;
    counted.push(i);
    pts.push(p);
  });
  return paretoFront(pts)
    .map((k) => counted[k])
    .sort((a, b) => a - b);
}
