/**
 * SigOpt v1 response objects built from stored rows: experiment, suggestion, observation,
 * best_assignments, pagination.
 */
import { randomBytes } from 'node:crypto';
import { roundedCost } from '@paretobench/optimizer';
import type { Assignments, Conditional, ExperimentConfig, Parameter, Metric, Task } from '@paretobench/optimizer';
import type { ExperimentCounts, ExperimentRow, ObservationRow, Page, QueuedRow, SuggestionRow } from './store.ts';
import { numSolutions } from './num-solutions.ts';

/**
 * A double parameter's value that happens to be integral (0, 1, -3). JSON has one number type, but SigOpt's API wrote
 * doubles as floats and Python's json module reads `0` as int and `0.0` as float, so a client doing `x / 2` or
 * `isinstance(x, float)` would see a difference. `toJSON` writes a marker string that `serializeReply` turns into
 * `0.0` in the response text.
 */
export class WireDouble {
  constructor(readonly value: number) {}
  toJSON(): string {
    return `${DOUBLE_MARK}${this.value}${DOUBLE_MARK}`;
  }
  /** In-process callers of the service (not over HTTP) can still compute with it. */
  valueOf(): number {
    return this.value;
  }
}
/**
 * Per process and unguessable: a client string (metadata) can never equal a marker, so nothing a client sent is
 * rewritten, and the output stays valid JSON.
 */
const NONCE = randomBytes(12).toString('hex');
const DOUBLE_MARK = `\u0000pb-double-${NONCE}\u0000`;
/** JSON.stringify writes the marker's NUL characters as \u0000 escapes. */
const MARKED = new RegExp(`"\\\\u0000pb-double-${NONCE}\\\\u0000(-?\\d+)\\\\u0000pb-double-${NONCE}\\\\u0000"`, 'g');

/** The response body text: JSON, with integral doubles written as floats (see WireDouble). */
export function serializeReply(payload: unknown): string {
  return JSON.stringify(payload).replace(MARKED, '$1.0');
}

/** The names of an experiment's double parameters. */
export function doubleNames(config: Pick<ExperimentConfig, 'parameters'>): ReadonlySet<string> {
  return new Set(config.parameters.filter((p) => p.type === 'double').map((p) => p.name));
}

/**
 * Stored assignments with the integral values of double parameters marked as WireDouble. The result is typed as what
 * it serialises to (what a client parses): a WireDouble's JSON is the number.
 */
export function wireAssignments(text: string, doubles: ReadonlySet<string>): Assignments {
  const a = JSON.parse(text) as Assignments;
  const out: Record<string, number | string | WireDouble> = {};
  for (const [k, v] of Object.entries(a))
    out[k] =
      doubles.has(k) && typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e21 ? new WireDouble(v) : v;
  return out as unknown as Assignments;
}

/** SigOpt's Task object: a task of a multitask experiment, its name and its cost relative to the real task's 1. */
export interface TaskObject {
  object: 'task';
  name: string;
  cost: number;
}

/** The experiment's tasks (undefined: it has none), as objects.ts's builders take them. */
export type Tasks = readonly Task[] | undefined;

export function taskObject(t: Task): TaskObject {
  return { object: 'task', name: t.name, cost: t.cost };
}

/**
 * `{ task }` for a row that has a task (a multitask experiment's suggestion, queued suggestion or observation), else
 * nothing: an experiment without tasks answers as before, with no `task` field.
 */
function taskField(task: string | null, tasks: Tasks): { task?: TaskObject } {
  if (task === null) return {};
  const t = tasks?.find((x) => x.name === task);
  return { task: t ? taskObject(t) : { object: 'task', name: task, cost: 1 } };
}

/**
 * The observation budget spent (SigOpt's progress.observation_budget_consumed): each observation's task cost, 1 for an
 * observation without a task (so the observation count in an experiment without tasks), rounded as the optimizer's
 * roundedCost.
 */
export function budgetConsumed(perTask: readonly { task: string | null; n: number }[], tasks: Tasks): number {
  let total = 0;
  for (const { task, n } of perTask) total += n * (tasks?.find((t) => t.name === task)?.cost ?? 1);
  return roundedCost(total);
}

export interface MetricEvaluation {
  object: 'metric_evaluation';
  name: string;
  value: number;
  value_stddev: number | null;
}

export interface ObservationObject {
  object: 'observation';
  id: string;
  experiment: string;
  suggestion: string | null;
  assignments: Assignments;
  values: MetricEvaluation[];
  value: number | null;
  value_stddev: number | null;
  failed: boolean;
  metadata: Record<string, unknown> | null;
  created: number;
  /** the task it was evaluated on (multitask experiments only) */
  task?: TaskObject;
}

export interface SuggestionObject {
  object: 'suggestion';
  id: string;
  experiment: string;
  assignments: Assignments;
  state: 'open' | 'closed' | 'deleted';
  metadata: Record<string, unknown> | null;
  created: number;
  /**
   * An extension: the experiment's sequence number the suggestion was made at (the optimizer's `index`; 0, 1, ...
   * in the order suggestions were created, a lease's re-handing keeps it). A worker can seed its training with it.
   */
  sequence: number;
  /** an open leased suggestion's lease end (unix seconds); absent when the experiment has no lease */
  lease_expires?: number;
  /** the task to evaluate it on (multitask experiments only) */
  task?: TaskObject;
}

export interface BestAssignmentsObject {
  object: 'best_assignments';
  id: string;
  assignments: Assignments;
  values: MetricEvaluation[];
  value: number | null;
  value_stddev: number | null;
}

export interface PaginationObject<T> {
  object: 'pagination';
  /** total number of objects over all pages (SigOpt semantics) */
  count: number;
  data: T[];
  paging: { before: string | null; after: string | null };
}

export interface ProgressObject {
  object: 'progress';
  observation_count: number;
  failed_observation_count: number;
  open_suggestion_count: number;
  /** SigOpt's: the budget the observations spent, the sum of their tasks' costs (each counts 1 without tasks) */
  observation_budget_consumed: number;
  /** observation_budget minus observation_budget_consumed, at least 0 */
  remaining_budget: number | null;
  first_observation: ObservationObject | null;
  last_observation: ObservationObject | null;
}

export interface ExperimentObject {
  object: 'experiment';
  id: string;
  name: string | null;
  type: 'offline';
  state: 'active' | 'deleted';
  created: number;
  updated: number;
  parameters: Record<string, unknown>[];
  metrics: Record<string, unknown>[];
  observation_budget: number | null;
  parallel_bandwidth: number | null;
  /** SigOpt's multisolution experiments: how many solutions best_assignments returns (num-solutions.ts) */
  num_solutions: number;
  seed: number;
  method: string;
  initial_design_size: number | null;
  suggestion_lease_seconds?: number;
  metadata: Record<string, unknown> | null;
  project: string | null;
  /** the owning client and the user who created it (SigOpt's Experiment.client, .user) */
  client: string;
  user: string;
  progress: ProgressObject;
  linear_constraints: Record<string, unknown>[];
  conditionals: { object: 'conditional'; name: string; values: string[] }[];
  /** a multitask experiment's tasks (absent without tasks) */
  tasks?: TaskObject[];
  development: false;
}

export function json<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** A parameter as SigOpt wrote it: `conditions` names every conditional, with [] where the parameter has none. */
function parameterObject(p: Parameter, conditionals: readonly Conditional[]): Record<string, unknown> {
  return {
    object: 'parameter',
    name: p.name,
    type: p.type,
    // a grid parameter is its grid (SigOpt wrote no bounds for it)
    bounds: p.bounds && !p.grid ? { object: 'bounds', min: p.bounds.min, max: p.bounds.max } : null,
    grid: p.grid ?? null,
    prior: p.prior ? { object: 'prior', ...p.prior } : null,
    categorical_values: p.categorical_values
      ? p.categorical_values.map((v, i) => ({
          object: 'categorical_value',
          name: typeof v === 'string' ? v : v.name,
          enum_index: i + 1,
        }))
      : null,
    transformation: p.transformation ?? 'none',
    default_value: p.default_value ?? null,
    precision: p.precision ?? null,
    conditions: Object.fromEntries(conditionals.map((k) => [k.name, p.conditions?.[k.name] ?? []])),
  };
}

function metricObject(m: Metric): Record<string, unknown> {
  return {
    object: 'metric',
    name: m.name,
    objective: m.objective ?? 'maximize',
    strategy: m.strategy ?? 'optimize',
    threshold: m.threshold ?? null,
  };
}

interface StoredValue {
  name: string;
  value: number;
  value_stddev?: number;
}

function evaluations(row: { metric_values: string | null }): MetricEvaluation[] {
  const values = json<StoredValue[]>(row.metric_values) ?? [];
  return values.map((v) => ({
    object: 'metric_evaluation',
    name: v.name,
    value: v.value,
    value_stddev: v.value_stddev ?? null,
  }));
}

export function observationObject(row: ObservationRow, doubles: ReadonlySet<string>, tasks: Tasks): ObservationObject {
  const values = evaluations(row);
  return {
    object: 'observation',
    id: String(row.id),
    experiment: String(row.experiment_id),
    suggestion: row.suggestion_id === null ? null : String(row.suggestion_id),
    assignments: wireAssignments(row.assignments, doubles),
    values,
    value: values.length === 1 ? values[0].value : null,
    value_stddev: values.length === 1 ? values[0].value_stddev : null,
    failed: row.failed !== 0,
    metadata: json(row.metadata),
    created: row.created,
    ...taskField(row.task, tasks),
  };
}

export function suggestionObject(row: SuggestionRow, doubles: ReadonlySet<string>, tasks: Tasks): SuggestionObject {
  return {
    object: 'suggestion',
    id: String(row.id),
    experiment: String(row.experiment_id),
    assignments: wireAssignments(row.assignments, doubles),
    state: row.state,
    metadata: json(row.metadata),
    created: row.created,
    sequence: row.seq,
    ...(row.state === 'open' && row.lease_expires !== null ? { lease_expires: row.lease_expires } : {}),
    ...taskField(row.task, tasks),
  };
}

export interface QueuedSuggestionObject {
  object: 'queued_suggestion';
  id: string;
  experiment: string;
  assignments: Assignments;
  created: number;
  /** the task of the suggestion it becomes (multitask experiments only) */
  task?: TaskObject;
}

export function queuedSuggestionObject(
  row: QueuedRow,
  doubles: ReadonlySet<string>,
  tasks: Tasks,
): QueuedSuggestionObject {
  return {
    object: 'queued_suggestion',
    id: String(row.id),
    experiment: String(row.experiment_id),
    assignments: wireAssignments(row.assignments, doubles),
    created: row.created,
    ...taskField(row.task, tasks),
  };
}

export function bestAssignmentsObject(row: ObservationRow, doubles: ReadonlySet<string>): BestAssignmentsObject {
  const values = evaluations(row);
  return {
    object: 'best_assignments',
    id: String(row.id),
    assignments: wireAssignments(row.assignments, doubles),
    values,
    value: values.length === 1 ? values[0].value : null,
    value_stddev: values.length === 1 ? values[0].value_stddev : null,
  };
}

export function experimentObject(
  row: ExperimentRow,
  counts: ExperimentCounts,
  ends: { first?: ObservationRow; last?: ObservationRow },
): ExperimentObject {
  const config = JSON.parse(row.config) as ExperimentConfig;
  const budget = config.observation_budget ?? null;
  const doubles = doubleNames(config);
  const consumed = budgetConsumed(counts.observations_per_task, config.tasks);
  return {
    object: 'experiment',
    id: String(row.id),
    name: config.name ?? null,
    type: 'offline',
    state: row.state,
    created: row.created,
    updated: row.updated,
    parameters: config.parameters.map((p) => parameterObject(p, config.conditionals ?? [])),
    metrics: config.metrics.map(metricObject),
    observation_budget: budget,
    parallel_bandwidth: config.parallel_bandwidth ?? null,
    num_solutions: numSolutions(config),
    seed: config.seed ?? 0,
    method: config.method ?? 'mobo',
    initial_design_size: config.initial_design_size ?? null,
    ...(row.suggestion_lease !== null ? { suggestion_lease_seconds: row.suggestion_lease } : {}),
    metadata: json(row.metadata),
    project: row.project ?? null,
    client: row.client_id,
    user: row.user_id,
    progress: {
      object: 'progress',
      observation_count: counts.observation_count,
      failed_observation_count: counts.failed_observation_count,
      open_suggestion_count: counts.open_suggestion_count,
      observation_budget_consumed: consumed,
      remaining_budget: budget === null ? null : Math.max(0, roundedCost(budget - consumed)),
      first_observation: ends.first ? observationObject(ends.first, doubles, config.tasks) : null,
      last_observation: ends.last ? observationObject(ends.last, doubles, config.tasks) : null,
    },
    linear_constraints: (config.linear_constraints ?? []).map((c) => ({ object: 'linear_constraint', ...c })),
    conditionals: (config.conditionals ?? []).map((k) => ({ object: 'conditional', name: k.name, values: k.values })),
    ...(config.tasks ? { tasks: config.tasks.map(taskObject) } : {}),
    development: false,
  };
}

export function pagination<R, T>(page: Page<R>, map: (r: R) => T): PaginationObject<T> {
  return {
    object: 'pagination',
    count: page.total,
    data: page.rows.map(map),
    paging: { before: page.before, after: page.after },
  };
}
