/**
 * SigOpt v1 response objects built from stored rows: experiment, suggestion, observation,
 * best_assignments, pagination.
 */
import type { Assignments, ExperimentConfig, Parameter, Metric } from '@paretobench/optimizer';
import type { ExperimentCounts, ExperimentRow, ObservationRow, Page, SuggestionRow } from './store.ts';

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
}

export interface SuggestionObject {
  object: 'suggestion';
  id: string;
  experiment: string;
  assignments: Assignments;
  state: 'open' | 'closed' | 'deleted';
  metadata: Record<string, unknown> | null;
  created: number;
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
  seed: number;
  method: string;
  initial_design_size: number | null;
  metadata: Record<string, unknown> | null;
  progress: ProgressObject;
  linear_constraints: [];
  conditionals: [];
  development: false;
}

function json<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function parameterObject(p: Parameter): Record<string, unknown> {
  return {
    object: 'parameter',
    name: p.name,
    type: p.type,
    bounds: p.bounds ? { object: 'bounds', min: p.bounds.min, max: p.bounds.max } : null,
    categorical_values: p.categorical_values
      ? p.categorical_values.map((v, i) => ({
          object: 'categorical_value',
          name: typeof v === 'string' ? v : v.name,
          enum_index: i + 1,
        }))
      : null,
    transformation: p.transformation ?? 'none',
    default_value: p.default_value ?? null,
    precision: null,
    conditions: {},
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

export function observationObject(row: ObservationRow): ObservationObject {
  const values = evaluations(row);
  return {
    object: 'observation',
    id: String(row.id),
    experiment: String(row.experiment_id),
    suggestion: row.suggestion_id === null ? null : String(row.suggestion_id),
    assignments: JSON.parse(row.assignments) as Assignments,
    values,
    value: values.length === 1 ? values[0].value : null,
    value_stddev: values.length === 1 ? values[0].value_stddev : null,
    failed: row.failed !== 0,
    metadata: json(row.metadata),
    created: row.created,
  };
}

export function suggestionObject(row: SuggestionRow): SuggestionObject {
  return {
    object: 'suggestion',
    id: String(row.id),
    experiment: String(row.experiment_id),
    assignments: JSON.parse(row.assignments) as Assignments,
    state: row.state,
    metadata: json(row.metadata),
    created: row.created,
  };
}

export function bestAssignmentsObject(row: ObservationRow): BestAssignmentsObject {
  const values = evaluations(row);
  return {
    object: 'best_assignments',
    id: String(row.id),
    assignments: JSON.parse(row.assignments) as Assignments,
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
  return {
    object: 'experiment',
    id: String(row.id),
    name: config.name ?? null,
    type: 'offline',
    state: row.state,
    created: row.created,
    updated: row.updated,
    parameters: config.parameters.map(parameterObject),
    metrics: config.metrics.map(metricObject),
    observation_budget: budget,
    parallel_bandwidth: config.parallel_bandwidth ?? null,
    seed: config.seed ?? 0,
    method: config.method ?? 'mobo',
    initial_design_size: config.initial_design_size ?? null,
    metadata: json(row.metadata),
    progress: {
      object: 'progress',
      observation_count: counts.observation_count,
      failed_observation_count: counts.failed_observation_count,
      open_suggestion_count: counts.open_suggestion_count,
      remaining_budget: budget === null ? null : Math.max(0, budget - counts.observation_count),
      first_observation: ends.first ? observationObject(ends.first) : null,
      last_observation: ends.last ? observationObject(ends.last) : null,
    },
    linear_constraints: [],
    conditionals: [],
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
