/**
 * zod schemas for HTTP request bodies and query strings (SigOpt v1 field names).
 * Space and observation semantics (bounds, metric names, ...) are validated by the optimizer's
 * parseExperimentConfig / validateObservation; these schemas pin down the envelope.
 */
import { z } from 'zod';

export const MAX_METADATA_BYTES = 16_384;
export const MAX_BATCH = 1000;
export const MAX_PAGE = 1000;

/** Nesting levels of objects and arrays in metadata (the metadata object itself is level 1). */
export const MAX_METADATA_DEPTH = 32;

/** Whether `value` nests objects/arrays at most `limit` levels deep (iterative: hostile depth cannot overflow the stack). */
export function nestingWithin(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return false;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}

export const MetadataSchema = z
  .unknown()
  // checked before z.json() and JSON.stringify, which recurse and would overflow the stack on hostile nesting
  .refine((m) => nestingWithin(m, MAX_METADATA_DEPTH), {
    message: `nests deeper than ${MAX_METADATA_DEPTH} levels`,
    abort: true,
  })
  .pipe(z.record(z.string().min(1).max(256), z.json()))
  .refine((m) => Object.keys(m).length <= 100, { message: 'at most 100 keys' })
  .refine((m) => JSON.stringify(m).length <= MAX_METADATA_BYTES, {
    message: `must serialise to at most ${MAX_METADATA_BYTES} bytes`,
  });
export type Metadata = z.infer<typeof MetadataSchema>;

/** Resource ids are decimal strings; clients may also send them as JSON numbers. */
export const IdSchema = z.union([
  z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a resource id (a decimal string)'),
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER).transform(String),
]);

/**
 * An extension of ours (not SigOpt's): how long an optimizer suggestion stays with the worker it was handed to. An
 * open suggestion whose lease has ended (its worker died, say) is handed out again before a new one is computed; a PUT
 * on the suggestion (even an empty one) renews the lease, as a heartbeat. Without it, as on SigOpt, a suggestion stays
 * with its first taker until it is observed or deleted.
 */
export const SuggestionLeaseSchema = z
  .number()
  .int('must be a whole number of seconds')
  .min(1)
  .max(7 * 24 * 3600);

/**
 * SigOpt's multisolution experiments: how many good and different solutions best_assignments returns (1 by default;
 * more needs a single optimized metric and an observation budget, checked by the server). Fixed at creation.
 */
export const NumSolutionsSchema = z.number().int('must be an integer >= 1').min(1, 'must be an integer >= 1');

/**
 * A task named where a multitask experiment's task is chosen (a queued or manual suggestion, an observation without a
 * suggestion): its name, or a Task object as SigOpt wrote it (`{ name }`, `{ name, cost }`, or one read back with
 * `object: 'task'`). The server checks the name (and a given cost) against the experiment's tasks.
 */
export const TaskRefSchema = z.union([
  z.string().min(1).max(100),
  z.strictObject({
    object: z.literal('task').optional(),
    name: z.string().min(1).max(100),
    cost: z.number().optional(),
  }),
]);
export type TaskRef = z.infer<typeof TaskRefSchema>;

export const ExperimentCreateSchema = z.strictObject({
  name: z.string().min(1).max(500).optional(),
  type: z.literal('offline').optional(),
  parameters: z.array(z.unknown()),
  /** optional as on SigOpt: without `metrics` (or the older single `metric`) one maximised metric named "value" */
  metrics: z.array(z.unknown()).optional(),
  metric: z.unknown().optional(),
  observation_budget: z.unknown().optional(),
  /** the AI module's name for observation_budget, accepted here too */
  budget: z.unknown().optional(),
  parallel_bandwidth: z.unknown().optional(),
  num_solutions: NumSolutionsSchema.nullable().optional(),
  seed: z.unknown().optional(),
  method: z.unknown().optional(),
  initial_design_size: z.unknown().optional(),
  linear_constraints: z.unknown().optional(),
  conditionals: z.unknown().optional(),
  /**
   * SigOpt's multitask experiments: `[{ name, cost }]`, at least 2, one of cost 1 (the real evaluation), the others
   * cheaper (0 < cost < 1); needs an observation budget (in cost units). Checked by the optimizer; fixed at creation.
   */
  tasks: z.unknown().optional(),
  suggestion_lease_seconds: SuggestionLeaseSchema.nullable().optional(),
  /** a project of the token's client (the AI module's projects) */
  project: z
    .string()
    .regex(/^[a-z0-9\-_.]{1,256}$/, "must be 1 to 256 lowercase letters, digits, '-', '_' or '.'")
    .optional(),
  metadata: MetadataSchema.nullable().optional(),
});
export type ExperimentCreate = z.infer<typeof ExperimentCreateSchema>;

/** Fields of an experiment that PUT may change; the space and metrics are fixed at creation. */
export const ExperimentUpdateSchema = z.strictObject({
  name: z.string().min(1).max(500).optional(),
  observation_budget: z.number().int().positive().nullable().optional(),
  parallel_bandwidth: z.number().int().positive().nullable().optional(),
  suggestion_lease_seconds: SuggestionLeaseSchema.nullable().optional(),
  metadata: MetadataSchema.nullable().optional(),
  state: z.enum(['active', 'deleted']).optional(),
});
export type ExperimentUpdate = z.infer<typeof ExperimentUpdateSchema>;
export const IMMUTABLE_EXPERIMENT_FIELDS = [
  'parameters',
  'metrics',
  'num_solutions',
  'seed',
  'method',
  'initial_design_size',
  'type',
  'linear_constraints',
  'conditionals',
  'tasks',
];

export const AssignmentsSchema = z.record(z.string(), z.union([z.number(), z.string()]));

export const SuggestionCreateSchema = z.strictObject({
  assignments: AssignmentsSchema.optional(),
  /** a manual suggestion's task in a multitask experiment (default: the real task, cost 1) */
  task: TaskRefSchema.nullable().optional(),
  metadata: MetadataSchema.nullable().optional(),
});
export type SuggestionCreate = z.infer<typeof SuggestionCreateSchema>;

export const QueuedSuggestionCreateSchema = z.strictObject({
  assignments: AssignmentsSchema,
  /** its task in a multitask experiment (default: the real task, cost 1) */
  task: TaskRefSchema.nullable().optional(),
});

export const MetricValueSchema = z.strictObject({
  name: z.string().min(1),
  value: z.number(),
  value_stddev: z.number().nonnegative().optional(),
});

export const ObservationCreateSchema = z.strictObject({
  suggestion: IdSchema.optional(),
  assignments: AssignmentsSchema.optional(),
  values: z.array(MetricValueSchema).max(100).optional(),
  value: z.number().optional(),
  value_stddev: z.number().nonnegative().optional(),
  failed: z.boolean().optional(),
  /**
   * The task it was evaluated on, in a multitask experiment: taken from its suggestion when it has one (a different
   * task is refused), required otherwise.
   */
  task: TaskRefSchema.nullable().optional(),
  metadata: MetadataSchema.nullable().optional(),
});
export type ObservationCreate = z.infer<typeof ObservationCreateSchema>;

/**
 * PUT on an observation: what SigOpt let a client correct after the fact (its values, failure and metadata); the
 * assignments and the suggestion it answers stay.
 */
export const ObservationUpdateSchema = z.strictObject({
  values: z.array(MetricValueSchema).max(100).optional(),
  value: z.number().optional(),
  value_stddev: z.number().nonnegative().optional(),
  failed: z.boolean().optional(),
  metadata: MetadataSchema.nullable().optional(),
  /** a multitask experiment's observation made without a suggestion: the task it was in fact evaluated on */
  task: TaskRefSchema.nullable().optional(),
});

/** PUT on a suggestion: its metadata. */
export const SuggestionUpdateSchema = z.strictObject({
  metadata: MetadataSchema.nullable().optional(),
});

export const ObservationBatchSchema = z.strictObject({
  observations: z.array(z.unknown()).min(1).max(MAX_BATCH),
});

const QueryInt = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,7}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

export const PageQuerySchema = z.strictObject({
  limit: QueryInt(MAX_PAGE).optional(),
  before: IdSchema.optional(),
  after: IdSchema.optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export const ExperimentListQuerySchema = PageQuerySchema.extend({
  state: z.enum(['active', 'deleted', 'all']).optional(),
});

export const SuggestionListQuerySchema = PageQuerySchema.extend({
  state: z.enum(['open', 'closed', 'all']).optional(),
});

export const SuggestionDeleteAllQuerySchema = z.strictObject({ state: z.literal('open').optional() });

// --- the AI module: projects, AI experiments, training runs (ai-module.ts) ------------------------------------------

/** SigOpt's project ids: lowercase letters, digits, '-', '_' and '.' (the client checks the same pattern). */
export const ProjectIdSchema = z
  .string()
  .regex(/^[a-z0-9\-_.]{1,256}$/, "must be 1 to 256 lowercase letters, digits, '-', '_' or '.'");

export const ProjectCreateSchema = z.strictObject({
  id: ProjectIdSchema,
  name: z.string().min(1).max(500).optional(),
  metadata: MetadataSchema.nullable().optional(),
});

export const ProjectUpdateSchema = z.strictObject({
  name: z.string().min(1).max(500).optional(),
  metadata: MetadataSchema.nullable().optional(),
});

export const AiExperimentCreateSchema = z.strictObject({
  name: z.string().min(1).max(500),
  type: z.literal('offline').optional(),
  parameters: z.array(z.unknown()),
  metrics: z.array(z.unknown()),
  budget: z.number().int().positive().nullable().optional(),
  parallel_bandwidth: z.number().int().positive().nullable().optional(),
  num_solutions: NumSolutionsSchema.nullable().optional(),
  seed: z.unknown().optional(),
  method: z.unknown().optional(),
  initial_design_size: z.unknown().optional(),
  linear_constraints: z.unknown().optional(),
  conditionals: z.unknown().optional(),
  metadata: MetadataSchema.nullable().optional(),
});

/** What PUT may change on an AI experiment: its name, budget, bandwidth, metadata and the bounds of its parameters. */
export const AiExperimentUpdateSchema = z.strictObject({
  name: z.string().min(1).max(500).optional(),
  budget: z.number().int().positive().nullable().optional(),
  parallel_bandwidth: z.number().int().positive().nullable().optional(),
  num_solutions: z.never({ error: 'cannot be changed after the experiment is created' }).optional(),
  parameters: z.array(z.unknown()).optional(),
  metadata: MetadataSchema.nullable().optional(),
});

export const AiExperimentDeleteQuerySchema = z.strictObject({
  include_runs: z.enum(['true', 'false']).optional(),
});

const MAX_RUN_FIELD_BYTES = 65_536;
/** A run's free-form mapping (sys_metadata, datasets, ...): nesting and size checked before anything recurses into it. */
const JsonRecord = z
  .unknown()
  .refine((m) => nestingWithin(m, MAX_METADATA_DEPTH), {
    message: `nests deeper than ${MAX_METADATA_DEPTH} levels`,
    abort: true,
  })
  .pipe(z.record(z.string().min(1).max(256), z.json()))
  .refine((m) => JSON.stringify(m).length <= MAX_RUN_FIELD_BYTES, {
    message: `must serialise to at most ${MAX_RUN_FIELD_BYTES} bytes`,
  });

/** One metric's logged value: `{ value, value_stddev? }` under its name. */
export const RunValueSchema = z.strictObject({
  name: z.string().min(1).optional(),
  value: z.number(),
  value_stddev: z.number().nonnegative().nullable().optional(),
});

/** The fields a training run carries; MERGE (and PUT) merge mappings key by key and replace the rest. */
export const RunFieldsSchema = z.strictObject({
  name: z.string().min(1).max(500).nullable().optional(),
  state: z.enum(['active', 'completed', 'failed']).optional(),
  assignments: AssignmentsSchema.optional(),
  values: z.record(z.string().min(1).max(256), RunValueSchema).optional(),
  metadata: MetadataSchema.nullable().optional(),
  sys_metadata: JsonRecord.nullable().optional(),
  dev_metadata: JsonRecord.nullable().optional(),
  datasets: JsonRecord.nullable().optional(),
  logs: z
    .record(z.string().min(1).max(256), z.strictObject({ content: z.string() }))
    .nullable()
    .optional(),
  model: z.strictObject({ type: z.string().nullable().optional() }).nullable().optional(),
  source_code: JsonRecord.nullable().optional(),
  assignments_meta: JsonRecord.nullable().optional(),
  assignments_sources: JsonRecord.nullable().optional(),
  tags: z.array(z.string().max(256)).max(100).optional(),
  favorite: z.boolean().optional(),
});
export type RunFields = z.infer<typeof RunFieldsSchema>;

export const RunBatchSchema = z.strictObject({
  runs: z.array(z.unknown()).min(1).max(MAX_BATCH),
  fields: z.string().optional(),
});

export const CheckpointCreateSchema = z.strictObject({
  values: z.array(z.strictObject({ name: z.string().min(1).max(256), value: z.number() })).max(100),
  metadata: MetadataSchema.nullable().optional(),
});

/** `filters` on a project's training runs: the sigopt client's get_runs() asks for one AI experiment's runs. */
export const RunListQuerySchema = PageQuerySchema.extend({
  filters: z.string().optional(),
});
