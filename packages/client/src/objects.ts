/**
 * zod schemas of the SigOpt v1 response objects a client reads: experiment, suggestion, queued suggestion,
 * observation, best assignments, pagination, token.
 *
 * They describe what any SigOpt-compatible service may answer, so they hold both this project's service (whose
 * responses the server's tests parse with them) and SigOpt's own (the fixtures of the official Python client, real API
 * responses, parse with them too: objects.test.ts). So: the fields a client relies on are required; fields SigOpt did
 * not always send are optional; this service's extensions (`sequence`, `lease_expires`, `seed`, `method`, ...) are
 * optional; unknown fields are kept (loose objects), so a newer server's additions reach the caller.
 */
import { z } from 'zod';

/** Resource ids are decimal strings; some services wrote them as numbers. */
export const ResourceId = z.union([z.string(), z.number().int().transform(String)]);

export const AssignmentsObject = z.record(z.string(), z.union([z.number(), z.string()]));
export type AssignmentsObject = z.infer<typeof AssignmentsObject>;

const Metadata = z.record(z.string(), z.unknown()).nullable();

/** One metric's value (SigOpt wrote `object: 'value'` in places, `metric_evaluation` in others). */
export const MetricEvaluationObject = z.looseObject({
  object: z.string().optional(),
  name: z.string().nullable(),
  /** null for a failed observation's values on SigOpt */
  value: z.number().nullable(),
  value_stddev: z.number().nullable().optional(),
});
export type MetricEvaluationObject = z.infer<typeof MetricEvaluationObject>;

/** SigOpt's Task object: a multitask experiment's task, its name and cost (the real task costs 1). */
export const TaskObject = z.looseObject({
  object: z.literal('task').optional(),
  name: z.string(),
  /** always sent by this service and by SigOpt's fixtures; optional for a service that names the task only */
  cost: z.number().optional(),
});
export type TaskObject = z.infer<typeof TaskObject>;

export const ObservationObject = z.looseObject({
  object: z.literal('observation'),
  id: ResourceId,
  experiment: ResourceId.optional(),
  suggestion: ResourceId.nullable().optional(),
  assignments: AssignmentsObject.nullable(),
  values: z.array(MetricEvaluationObject),
  value: z.number().nullable().optional(),
  value_stddev: z.number().nullable().optional(),
  failed: z.boolean(),
  metadata: Metadata.optional(),
  created: z.number().optional(),
  /** the task it was evaluated on (multitask experiments) */
  task: TaskObject.nullable().optional(),
});
export type ObservationObject = z.infer<typeof ObservationObject>;

export const SuggestionObject = z.looseObject({
  object: z.literal('suggestion'),
  id: ResourceId,
  experiment: ResourceId.optional(),
  assignments: AssignmentsObject,
  state: z.enum(['open', 'closed', 'deleted']),
  metadata: Metadata.optional(),
  created: z.number().optional(),
  /** this service's extension: the experiment's sequence number of the suggestion (0, 1, ... in creation order) */
  sequence: z.number().int().nonnegative().optional(),
  /** this service's extension: an open leased suggestion's lease end (unix seconds) */
  lease_expires: z.number().optional(),
  /** the task to evaluate it on (multitask experiments) */
  task: TaskObject.nullable().optional(),
});
export type SuggestionObject = z.infer<typeof SuggestionObject>;

export const QueuedSuggestionObject = z.looseObject({
  object: z.literal('queued_suggestion'),
  id: ResourceId,
  experiment: ResourceId.optional(),
  assignments: AssignmentsObject,
  created: z.number().optional(),
  /** the task of the suggestion it becomes (multitask experiments) */
  task: TaskObject.nullable().optional(),
});
export type QueuedSuggestionObject = z.infer<typeof QueuedSuggestionObject>;

export const BestAssignmentsObject = z.looseObject({
  object: z.literal('best_assignments'),
  id: ResourceId,
  assignments: AssignmentsObject,
  values: z.array(MetricEvaluationObject),
  value: z.number().nullable().optional(),
  value_stddev: z.number().nullable().optional(),
});
export type BestAssignmentsObject = z.infer<typeof BestAssignmentsObject>;

export const ProgressObject = z.looseObject({
  object: z.literal('progress'),
  observation_count: z.number().int().nonnegative(),
  /** the budget the observations spent: the sum of their tasks' costs in a multitask experiment, else their count */
  observation_budget_consumed: z.number().nonnegative().optional(),
  /** this service's extensions */
  failed_observation_count: z.number().int().nonnegative().optional(),
  open_suggestion_count: z.number().int().nonnegative().optional(),
  remaining_budget: z.number().nullable().optional(),
  first_observation: ObservationObject.nullable().optional(),
  last_observation: ObservationObject.nullable().optional(),
  best_observation: ObservationObject.nullable().optional(),
});
export type ProgressObject = z.infer<typeof ProgressObject>;

export const ExperimentObject = z.looseObject({
  object: z.literal('experiment'),
  id: ResourceId,
  name: z.string().nullable().optional(),
  type: z.string().optional(),
  state: z.enum(['active', 'deleted']),
  created: z.number().optional(),
  updated: z.number().optional(),
  parameters: z.array(z.looseObject({ name: z.string(), type: z.string() })),
  metrics: z.array(z.looseObject({ name: z.string().nullable() })).optional(),
  observation_budget: z.number().nullable().optional(),
  parallel_bandwidth: z.number().nullable().optional(),
  /** SigOpt's multisolution experiments: how many solutions best_assignments returns */
  num_solutions: z.number().int().nullable().optional(),
  metadata: Metadata.optional(),
  project: z.string().nullable().optional(),
  progress: ProgressObject.nullable().optional(),
  linear_constraints: z.array(z.unknown()).optional(),
  conditionals: z.array(z.unknown()).optional(),
  /** a multitask experiment's tasks */
  tasks: z.array(TaskObject).nullable().optional(),
  /** this service's extensions: the optimizer's configuration and the suggestion lease */
  seed: z.number().optional(),
  method: z.string().optional(),
  initial_design_size: z.number().nullable().optional(),
  suggestion_lease_seconds: z.number().optional(),
});
export type ExperimentObject = z.infer<typeof ExperimentObject>;

export const TokenObject = z.looseObject({
  token: z.string().optional(),
  client: ResourceId.nullable().optional(),
  user: ResourceId.nullable().optional(),
  /** the organisation of the token's client (this service; SigOpt's Token object has no such field) */
  organization: ResourceId.nullable().optional(),
  /** an experiment-scoped token's experiment (null: a client token) */
  experiment: ResourceId.nullable().optional(),
  all_experiments: z.boolean().optional(),
  token_type: z.string().optional(),
  permissions: z.string().optional(),
  development: z.boolean().optional(),
  expires: z.number().int().nullable().optional(),
});
export type TokenObject = z.infer<typeof TokenObject>;

/** A page of a list: `count` objects over all pages; `paging.before` / `after` are the cursors of the next pages. */
export function PaginationObject<T extends z.ZodType>(item: T) {
  return z.looseObject({
    object: z.literal('pagination'),
    count: z.number().int().nonnegative(),
    data: z.array(item),
    paging: z.looseObject({ before: ResourceId.nullable(), after: ResourceId.nullable() }),
  });
}
export interface PaginationObject<T> {
  object: 'pagination';
  count: number;
  data: T[];
  paging: { before: string | null; after: string | null };
}
