/**
 * Search spaces: zod schemas for parameters, metrics, experiment configs and observations,
 * validation with errors naming the field, and the map between assignments and the unit cube
 * that the models work in.
 *
 * Unit-cube encoding (one column per int/double parameter, one column per category for
 * categoricals, i.e. one-hot relaxation):
 *   double  x = (t(v) - t(min)) / (t(max) - t(min)),  t = log when transformation = 'log'
 *   int     same, decoded by rounding in the original scale (after the inverse transform)
 *   categorical  one-hot columns; a relaxed point decodes to the arg-max column
 */
import { z } from 'zod';
import { ObservationError, SpaceError, formatPath } from './errors.ts';
import { priorQuantile } from './prior.ts';
import { LinearConstraintSchema, satisfiesAll, type LinearConstraint } from './linear-constraints.ts';
import { Sobol } from '../design/sobol.ts';
import type { Rng } from '../math/rng.ts';

/**
 * Parameter and metric names: a letter or _, then letters, digits, _ . - and inner spaces (SigOpt's examples name
 * metrics "Validation Accuracy"); no leading or trailing space.
 */
const NAME_RE = /^[A-Za-z_](?:[A-Za-z0-9_. -]*[A-Za-z0-9_.-])?$/;
const NAME_MESSAGE = 'must start with a letter or _, then letters, digits, _ . - or inner spaces';

/** null read as not given. */
const notNull = (v: unknown) => (v === null ? undefined : v);

export const BoundsSchema = z.object({ min: z.number(), max: z.number() });

export const ParameterSchema = z
  .object({
    name: z.string().regex(NAME_RE, NAME_MESSAGE),
    type: z.enum(['int', 'double', 'categorical']),
    bounds: BoundsSchema.optional(),
    categorical_values: z.array(z.union([z.string().min(1), z.object({ name: z.string().min(1) })])).optional(),
    // null as SigOpt's clients send an unset field (the xgboost integration's default search space): not given
    transformation: z.preprocess(notNull, z.enum(['none', 'log']).optional()),
    default_value: z.preprocess(notNull, z.union([z.number(), z.string()]).optional()),
    /** SigOpt's grid parameters: the only values an int or double parameter may take (ordered; bounds = their range) */
    grid: z.preprocess(notNull, z.array(z.number()).optional()),
    /** a belief about where good values of a double parameter lie (space/prior.ts) */
    prior: z.preprocess(
      notNull,
      z
        .discriminatedUnion('name', [
          z.strictObject({ name: z.literal('normal'), mean: z.number(), scale: z.number().positive() }),
          z.strictObject({ name: z.literal('beta'), shape_a: z.number().positive(), shape_b: z.number().positive() }),
        ])
        .optional(),
    ),
    /**
     * SigOpt's `precision`: suggestions of a double parameter are rounded to this many significant digits (1.234e-5
     * with 4). Observations may report any value.
     */
    precision: z.preprocess(notNull, z.number().int().min(1).max(15).optional()),
    /**
     * The parameter is active only when each named conditional (the experiment's `conditionals`) takes one of the
     * listed values; a bare string is one value, and an empty list leaves that conditional unrestricted (as SigOpt
     * echoes an unconditioned parameter). An inactive parameter is absent from suggestions and must be absent from
     * observations.
     */
    conditions: z.preprocess(
      notNull,
      z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1))])).optional(),
    ),
  })
  .superRefine((p, ctx) => {
    if (p.precision !== undefined && (p.type !== 'double' || p.grid))
      ctx.addIssue({ code: 'custom', path: ['precision'], message: 'only for a double parameter with bounds' });
    if (p.type === 'categorical') {
      const values = p.categorical_values;
      if (!values) {
        ctx.addIssue({ code: 'custom', path: ['categorical_values'], message: 'required for a categorical parameter' });
        return;
      }
      if (values.length < 2) {
        ctx.addIssue({ code: 'custom', path: ['categorical_values'], message: 'needs at least 2 values' });
      }
      const seen = new Set<string>();
      values.forEach((v, i) => {
        const name = typeof v === 'string' ? v : v.name;
        if (seen.has(name))
          ctx.addIssue({ code: 'custom', path: ['categorical_values', i], message: `duplicate value "${name}"` });
        seen.add(name);
      });
      if (p.bounds)
        ctx.addIssue({ code: 'custom', path: ['bounds'], message: 'not allowed for a categorical parameter' });
      if (p.transformation === 'log')
        ctx.addIssue({ code: 'custom', path: ['transformation'], message: 'log transform needs a numeric parameter' });
      if (p.default_value !== undefined && !seen.has(String(p.default_value))) {
        ctx.addIssue({ code: 'custom', path: ['default_value'], message: 'must be one of categorical_values' });
      }
      return;
    }
    if (p.prior && (p.type !== 'double' || p.grid))
      ctx.addIssue({ code: 'custom', path: ['prior'], message: 'only for a double parameter with bounds' });
    if (p.grid) {
      checkGrid(p as Parameter & { grid: number[] }, ctx);
      return;
    }
    if (!p.bounds) {
      ctx.addIssue({ code: 'custom', path: ['bounds'], message: `required for a ${p.type} parameter (or a grid)` });
      return;
    }
    if (p.categorical_values)
      ctx.addIssue({ code: 'custom', path: ['categorical_values'], message: `not allowed for a ${p.type} parameter` });
    const { min, max } = p.bounds;
    if (!(min < max))
      ctx.addIssue({
        code: 'custom',
        path: ['bounds', 'min'],
        message: `must be < bounds.max (got min ${min}, max ${max})`,
      });
    // the models work on (t(v) - t(min)) / (t(max) - t(min)): that width must be finite too
    const t = (v: number) => (p.transformation === 'log' ? Math.log(v) : v);
    if (min < max && !(p.transformation === 'log' && !(min > 0)) && !Number.isFinite(t(max) - t(min)))
      ctx.addIssue({
        code: 'custom',
        path: ['bounds'],
        message: `the range max - min overflows a double (got min ${min}, max ${max})`,
      });
    if (p.type === 'int') {
      if (!Number.isInteger(min))
        ctx.addIssue({
          code: 'custom',
          path: ['bounds', 'min'],
          message: `must be an integer for an int parameter (got ${min})`,
        });
      if (!Number.isInteger(max))
        ctx.addIssue({
          code: 'custom',
          path: ['bounds', 'max'],
          message: `must be an integer for an int parameter (got ${max})`,
        });
    }
    if (p.transformation === 'log' && !(min > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['bounds', 'min'],
        message: `must be > 0 with transformation 'log' (got ${min})`,
      });
    }
    if (p.prior?.name === 'normal' && !(p.prior.mean >= min && p.prior.mean <= max))
      ctx.addIssue({
        code: 'custom',
        path: ['prior', 'mean'],
        message: `must be within the bounds [${min}, ${max}] (got ${p.prior.mean})`,
      });
    if (p.default_value !== undefined) {
      const d = p.default_value;
      if (typeof d !== 'number' || d < min || d > max || (p.type === 'int' && !Number.isInteger(d))) {
        ctx.addIssue({
          code: 'custom',
          path: ['default_value'],
          message: `must be a ${p.type} within [${min}, ${max}]`,
        });
      }
    }
  })
  // a grid parameter: its values sorted, its bounds their range (the encoding and the bounds checks use them);
  // conditions as lists, without the unrestricted (empty) ones
  .transform(({ conditions: given, ...rest }) => {
    let conditions: Record<string, string[]> | undefined;
    for (const [k, v] of Object.entries(given ?? {})) {
      const values = typeof v === 'string' ? [v] : v;
      if (values.length > 0) (conditions ??= {})[k] = values;
    }
    const p: typeof rest & { conditions?: Record<string, string[]> } = conditions ? { ...rest, conditions } : rest;
    if (!p.grid) return p;
    const grid = [...p.grid].sort((a, b) => a - b);
    return { ...p, grid, bounds: { min: grid[0], max: grid[grid.length - 1] } };
  });
export type Parameter = z.infer<typeof ParameterSchema>;

function checkGrid(
  p: {
    type: string;
    grid: number[];
    bounds?: unknown;
    categorical_values?: unknown;
    transformation?: string;
    default_value?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  // bounds with a grid: only its range (a parsed config, read again, carries them)
  const b = p.bounds as { min: number; max: number } | undefined;
  const lo = Math.min(...p.grid);
  const hi = Math.max(...p.grid);
  if (b !== undefined && (b.min !== lo || b.max !== hi))
    ctx.addIssue({
      code: 'custom',
      path: ['bounds'],
      message: `give either bounds or grid (bounds, when given too, must be the grid's range [${lo}, ${hi}])`,
    });
  if (p.categorical_values)
    ctx.addIssue({ code: 'custom', path: ['categorical_values'], message: `not allowed for a ${p.type} parameter` });
  if (p.grid.length < 2) ctx.addIssue({ code: 'custom', path: ['grid'], message: 'needs at least 2 values' });
  const seen = new Set<number>();
  p.grid.forEach((v, i) => {
    if (!Number.isFinite(v))
      ctx.addIssue({ code: 'custom', path: ['grid', i], message: `must be a finite number (got ${v})` });
    else if (p.type === 'int' && !Number.isInteger(v))
      ctx.addIssue({
        code: 'custom',
        path: ['grid', i],
        message: `must be an integer for an int parameter (got ${v})`,
      });
    else if (p.transformation === 'log' && !(v > 0))
      ctx.addIssue({ code: 'custom', path: ['grid', i], message: `must be > 0 with transformation 'log' (got ${v})` });
    if (seen.has(v)) ctx.addIssue({ code: 'custom', path: ['grid', i], message: `duplicate value ${v}` });
    seen.add(v);
  });
  if (p.default_value !== undefined && !(typeof p.default_value === 'number' && seen.has(p.default_value)))
    ctx.addIssue({ code: 'custom', path: ['default_value'], message: 'must be one of grid' });
}

export const MetricSchema = z
  .object({
    name: z.string().regex(NAME_RE, NAME_MESSAGE),
    objective: z.enum(['maximize', 'minimize']).default('maximize'),
    strategy: z.enum(['optimize', 'constraint', 'store']).default('optimize'),
    threshold: z.number().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.strategy === 'constraint' && m.threshold === undefined) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'required for a constraint metric' });
    }
  });
export type Metric = z.infer<typeof MetricSchema>;

/**
 * A conditional (SigOpt's `conditionals`): a named choice among string values that is suggested like a categorical
 * parameter and decides which parameters are active (their `conditions`).
 */
export const ConditionalSchema = z.object({
  name: z.string().regex(NAME_RE, NAME_MESSAGE),
  values: z.array(z.string().min(1)).min(2, 'needs at least 2 values'),
});
export type Conditional = z.infer<typeof ConditionalSchema>;

/**
 * A task of a multitask experiment (SigOpt's `tasks`): a cheaper, less faithful version of the evaluation (fewer
 * epochs, a data subset), with its cost relative to the real one, which has cost 1.
 */
export const TaskSchema = z.object({
  name: z.string().min(1).max(100),
  cost: z.number().gt(0, 'must be > 0').max(1, 'must be <= 1 (the real evaluation costs 1)'),
});
export type Task = z.infer<typeof TaskSchema>;

export const ExperimentConfigSchema = z
  .object({
    name: z.string().optional(),
    parameters: z.array(ParameterSchema).min(1, 'needs at least 1 parameter').max(100, 'at most 100 parameters'),
    metrics: z.array(MetricSchema).min(1, 'needs at least 1 metric'),
    seed: z.number().int().default(0),
    observation_budget: z.number().int().positive().optional(),
    parallel_bandwidth: z.number().int().positive().optional(),
    method: z.enum(['mobo', 'random', 'sobol']).default('mobo'),
    initial_design_size: z.number().int().min(1).optional(),
    /** linear constraints on numeric parameters (space/linear-constraints.ts) */
    linear_constraints: z.preprocess(notNull, z.array(LinearConstraintSchema).max(100).optional()),
    /** choices that switch parameters on and off (ConditionalSchema, the parameters' `conditions`) */
    conditionals: z.preprocess(notNull, z.array(ConditionalSchema).max(20).optional()),
    /** cheaper approximations of the evaluation (multitask.ts); the observation budget then counts their costs */
    tasks: z.preprocess(notNull, z.array(TaskSchema).max(20).optional()),
  })
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.parameters.forEach((p, i) => {
      if (names.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', i, 'name'],
          message: `duplicate parameter name "${p.name}"`,
        });
      names.add(p.name);
    });
    checkConditionals(c, names, ctx);
    checkTasks(c, ctx);
    checkLinearConstraints(c, ctx);
    const metricNames = new Set<string>();
    c.metrics.forEach((m, i) => {
      if (metricNames.has(m.name))
        ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `duplicate metric name "${m.name}"` });
      metricNames.add(m.name);
    });
    const nOpt = c.metrics.filter((m) => m.strategy === 'optimize').length;
    if (nOpt < 1)
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: "needs at least 1 metric with strategy 'optimize'" });
    if (nOpt > 4)
      ctx.addIssue({
        code: 'custom',
        path: ['metrics'],
        message: `at most 4 metrics with strategy 'optimize' (got ${nOpt})`,
      });
  });
export type ExperimentConfig = z.infer<typeof ExperimentConfigSchema>;

/** Conditionals have distinct names of their own and distinct values; conditions name them and their values. */
function checkConditionals(
  c: { parameters: Parameter[]; conditionals?: Conditional[] },
  parameterNames: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const byName = new Map<string, Conditional>();
  (c.conditionals ?? []).forEach((k, i) => {
    if (parameterNames.has(k.name) || byName.has(k.name))
      ctx.addIssue({
        code: 'custom',
        path: ['conditionals', i, 'name'],
        message: `"${k.name}" is already the name of a ${byName.has(k.name) ? 'conditional' : 'parameter'}`,
      });
    k.values.forEach((v, j) => {
      if (k.values.indexOf(v) !== j)
        ctx.addIssue({ code: 'custom', path: ['conditionals', i, 'values', j], message: `duplicate value "${v}"` });
    });
    byName.set(k.name, k);
  });
  c.parameters.forEach((p, i) => {
    for (const [name, values] of Object.entries(p.conditions ?? {})) {
      const k = byName.get(name);
      if (!k) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', i, 'conditions', name],
          message: `unknown conditional "${name}" (declare it in the experiment's conditionals)`,
        });
        continue;
      }
      for (const v of values)
        if (!k.values.includes(v))
          ctx.addIssue({
            code: 'custom',
            path: ['parameters', i, 'conditions', name],
            message: `"${v}" is not a value of conditional "${name}" (${JSON.stringify(k.values)})`,
          });
    }
  });
}

/**
 * At least 2 tasks, distinct names and costs, one of them the real evaluation (cost 1); an observation budget (in cost
 * units) to spend; one optimized metric and no constraint metrics (as SigOpt's multitask experiments).
 */
function checkTasks(c: { tasks?: Task[]; observation_budget?: number; metrics: Metric[] }, ctx: z.RefinementCtx): void {
  const tasks = c.tasks;
  if (tasks === undefined) return;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (tasks.length < 2) issue(['tasks'], 'needs at least 2 tasks (or none)');
  tasks.forEach((t, i) => {
    if (tasks.findIndex((u) => u.name === t.name) !== i) issue(['tasks', i, 'name'], `duplicate task name "${t.name}"`);
    if (tasks.findIndex((u) => u.cost === t.cost) !== i) issue(['tasks', i, 'cost'], `duplicate task cost ${t.cost}`);
  });
  if (!tasks.some((t) => t.cost === 1)) issue(['tasks'], 'one task must have cost 1 (the real evaluation)');
  if (c.observation_budget === undefined)
    issue(['observation_budget'], 'required with tasks (the budget the tasks spend, in cost units)');
  if (c.metrics.filter((m) => m.strategy === 'optimize').length !== 1)
    issue(['tasks'], 'need exactly one metric with strategy optimize');
  if (c.metrics.some((m) => m.strategy === 'constraint'))
    issue(['tasks'], 'cannot be combined with constraint metrics');
}

/** Whether parameter p is active under the conditionals' values in `a` (always, without conditions). */
export function isActive(p: Parameter, a: Readonly<Record<string, unknown>>): boolean {
  if (!p.conditions) return true;
  for (const [name, values] of Object.entries(p.conditions)) if (!values.includes(String(a[name]))) return false;
  return true;
}

/** The conditionals as the categorical parameters the optimizer searches them as. */
export function conditionalParameters(config: Pick<ExperimentConfig, 'conditionals'>): Parameter[] {
  return (config.conditionals ?? []).map((k) => ({ name: k.name, type: 'categorical', categorical_values: k.values }));
}

/** A double rounded to `digits` significant digits, kept within [min, max]. */
export function roundToPrecision(v: number, digits: number, min: number, max: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Math.min(max, Math.max(min, Number(v.toPrecision(digits))));
}

/**
 * Terms name numeric parameters (not grids), and the constraints leave some of the space: 4,096 Sobol points of the
 * box are tried (a region smaller than about 1/1000 of the box is refused as empty).
 */
function checkLinearConstraints(
  c: { parameters: Parameter[]; linear_constraints?: LinearConstraint[] },
  ctx: z.RefinementCtx,
): void {
  const constraints = c.linear_constraints;
  if (!constraints || constraints.length === 0) return;
  const byName = new Map(c.parameters.map((p) => [p.name, p]));
  let ok = true;
  constraints.forEach((lc, i) =>
    lc.terms.forEach((t, j) => {
      const p = byName.get(t.name);
      if (!p || p.type === 'categorical' || p.grid || p.conditions) {
        ok = false;
        ctx.addIssue({
          code: 'custom',
          path: ['linear_constraints', i, 'terms', j, 'name'],
          message: !p
            ? `unknown parameter "${t.name}"`
            : p.conditions
              ? `parameter "${t.name}" has conditions (a constraint needs its parameters always active)`
              : `parameter "${t.name}" is not an int or double with bounds`,
        });
      }
    }),
  );
  if (!ok || c.parameters.some((p) => p.type !== 'categorical' && !p.bounds)) return;
  const numeric = c.parameters.filter((p) => p.type !== 'categorical');
  const sobol = new Sobol(Math.max(1, numeric.length), { seed: 0 });
  for (let k = 0; k < 4096; k++) {
    const u = sobol.next();
    const a: Record<string, number> = {};
    numeric.forEach((p, i) => {
      const v = p.bounds!.min + u[i] * (p.bounds!.max - p.bounds!.min);
      // an int takes integer values only, each with an equal share of u
      a[p.name] =
        p.type === 'int'
          ? Math.min(p.bounds!.max, Math.floor(p.bounds!.min + u[i] * (p.bounds!.max - p.bounds!.min + 1)))
          : v;
    });
    if (satisfiesAll(constraints, a)) return;
  }
  ctx.addIssue({
    code: 'custom',
    path: ['linear_constraints'],
    message: 'no point of the parameter space satisfies them all (4,096 points tried)',
  });
}

export type Assignments = Record<string, number | string>;
export const AssignmentsSchema = z.record(z.string(), z.union([z.number(), z.string()]));

export const MetricValueSchema = z.object({
  name: z.string(),
  value: z.number(),
  value_stddev: z.number().nonnegative().optional(),
});
export type MetricValue = z.infer<typeof MetricValueSchema>;

export const ObservationSchema = z.object({
  assignments: AssignmentsSchema,
  /** Every optimize and constraint metric's value; a failed observation may carry the values it was judged on. */
  values: z.array(MetricValueSchema).optional(),
  /**
   * Failed: outside the feasible region (the success model learns where). With values (a rule failure: too
   * inaccurate, too slow) the objective models use them; without (a crash) they see the worst observed value there.
   */
  failed: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  suggestion: z.string().optional(),
  /** the task it was evaluated on (required in a multitask experiment, refused otherwise) */
  task: z.string().optional(),
});
export type Observation = z.infer<typeof ObservationSchema>;

/** Validates an experiment config; throws SpaceError naming the first bad field. */
export function parseExperimentConfig(input: unknown): ExperimentConfig {
  const r = ExperimentConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = formatPath(issue.path);
    throw new SpaceError(field, describeIssue(issue, input));
  }
  return r.data;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  // Add the offending parameter's name when the path goes through parameters[i].
  let msg = issue.message;
  const [head, idx] = issue.path;
  if ((head === 'parameters' || head === 'metrics') && typeof idx === 'number' && input && typeof input === 'object') {
    const arr = (input as Record<string, unknown>)[head];
    const item: unknown = Array.isArray(arr) ? arr[idx] : undefined;
    const name = item && typeof item === 'object' ? (item as Record<string, unknown>).name : undefined;
    if (typeof name === 'string') msg += ` (${head === 'parameters' ? 'parameter' : 'metric'} "${name}")`;
  }
  return msg;
}

export function categoricalNames(p: Parameter): string[] {
  return (p.categorical_values ?? []).map((v) => (typeof v === 'string' ? v : v.name));
}

/** Checks assignments against the space; returns them with numbers for int/double and strings for categoricals. */
export function validateAssignments(
  config: ExperimentConfig,
  assignments: unknown,
  fieldPrefix = 'assignments',
  Err: typeof SpaceError | typeof ObservationError = SpaceError,
): Assignments {
  if (!assignments || typeof assignments !== 'object' || Array.isArray(assignments)) {
    throw new Err(fieldPrefix, 'must be an object mapping parameter names to values');
  }
  const a = assignments as Record<string, unknown>;
  const conditionals = conditionalParameters(config);
  const known = new Set([...config.parameters, ...conditionals].map((p) => p.name));
  for (const k of Object.keys(a)) {
    if (!known.has(k)) throw new Err(`${fieldPrefix}.${k}`, `unknown parameter "${k}"`);
  }
  const out: Assignments = {};
  // the conditionals first: they decide which parameters are active
  for (const p of [...conditionals, ...config.parameters]) {
    const field = `${fieldPrefix}.${p.name}`;
    const v = a[p.name];
    const active = isActive(p, out);
    if (!active) {
      if (v !== undefined)
        throw new Err(field, `parameter "${p.name}" is inactive here (${describeConditions(p)}): leave it out`);
      continue;
    }
    if (v === undefined)
      throw new Err(field, `missing value for ${conditionals.includes(p) ? 'conditional' : 'parameter'} "${p.name}"`);
    if (p.type === 'categorical') {
      const names = categoricalNames(p);
      if (typeof v !== 'string' || !names.includes(v))
        throw new Err(field, `must be one of ${JSON.stringify(names)} (got ${JSON.stringify(v)})`);
      out[p.name] = v;
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new Err(field, `must be a finite number (got ${JSON.stringify(v)})`);
      if (p.grid) {
        // the nearest grid value itself, when within 1e-9 relative of it (clients may send it back through a decimal
        // format; a grid may hold values far below 1, such as 1e-10 and 1e-9)
        let g: number | undefined;
        for (const x of p.grid)
          if (Math.abs(x - v) <= 1e-9 * Math.abs(x) && (g === undefined || Math.abs(x - v) < Math.abs(g - v))) g = x;
        if (g === undefined) throw new Err(field, `must be one of the grid ${JSON.stringify(p.grid)} (got ${v})`);
        out[p.name] = g;
        continue;
      }
      const { min, max } = p.bounds!;
      if (v < min || v > max) throw new Err(field, `${v} is out of bounds [${min}, ${max}]`);
      if (p.type === 'int' && !Number.isInteger(v)) throw new Err(field, `must be an integer (got ${v})`);
      out[p.name] = v;
    }
  }
  return out;
}

/** "active when depth is 2 or 3" */
function describeConditions(p: Parameter): string {
  const parts = Object.entries(p.conditions ?? {}).map(
    ([k, values]) => `${k} is ${values.map((v) => JSON.stringify(v)).join(' or ')}`,
  );
  return `active when ${parts.join(' and ')}`;
}

/** Validates one observation against a config; throws ObservationError naming the bad field. */
export function validateObservation(config: ExperimentConfig, obs: unknown): Observation {
  const r = ObservationSchema.safeParse(obs);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ObservationError(formatPath(issue.path), issue.message);
  }
  const o = r.data;
  const assignments = validateAssignments(config, o.assignments, 'assignments', ObservationError);
  const values = o.values ?? [];
  const byName = new Map(config.metrics.map((m) => [m.name, m]));
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (!byName.has(v.name)) throw new ObservationError(`values[${i}].name`, `unknown metric "${v.name}"`);
    if (seen.has(v.name)) throw new ObservationError(`values[${i}].name`, `duplicate value for metric "${v.name}"`);
    seen.add(v.name);
    if (!Number.isFinite(v.value))
      throw new ObservationError(`values[${i}].value`, `must be a finite number (got ${v.value})`);
  });
  if (!o.failed) {
    for (const m of config.metrics) {
      if (m.strategy !== 'store' && !seen.has(m.name)) {
        throw new ObservationError(
          'values',
          `missing value for ${m.strategy} metric "${m.name}" (or set failed: true)`,
        );
      }
    }
  }
  if (config.tasks) {
    const names = config.tasks.map((t) => t.name);
    if (o.task === undefined)
      throw new ObservationError('task', `required in an experiment with tasks (one of ${JSON.stringify(names)})`);
    if (!names.includes(o.task))
      throw new ObservationError('task', `unknown task "${o.task}" (one of ${JSON.stringify(names)})`);
  } else if (o.task !== undefined) throw new ObservationError('task', 'the experiment has no tasks');
  const out: Observation = { assignments };
  if (o.task !== undefined) out.task = o.task;
  if (o.values !== undefined) out.values = values.map((v) => ({ ...v }));
  if (o.failed !== undefined) out.failed = o.failed;
  if (o.metadata !== undefined) out.metadata = o.metadata;
  if (o.suggestion !== undefined) out.suggestion = o.suggestion;
  return out;
}

interface ColumnInfo {
  param: Parameter;
  offset: number;
  width: number;
  lo: number; // transformed bounds for numeric parameters
  hi: number;
  log: boolean;
  categories: string[];
  /** a grid parameter's values, and their positions in the unit interval (in the transformed scale) */
  grid?: { values: number[]; at: number[] };
  /** a conditional (searched as a categorical parameter), not a parameter */
  conditional: boolean;
  /**
   * Where an inactive parameter sits in the encoding (a conditioned parameter only): its default value's position, or
   * the middle of its range; all zeros for a categorical. Every point where it is inactive has the same value in its
   * columns, so the models see no difference there, as SMAC imputes inactive hyperparameters with their default.
   */
  inactiveAt: number;
}

/**
 * The unit-cube encoding of a validated space: one column per numeric parameter (its value scaled to [0, 1], on a log
 * scale for transformation 'log'), a one-hot block per categorical, then a one-hot block per conditional.
 */
export class SpaceEncoding {
  readonly dim: number;
  readonly columns: readonly ColumnInfo[];
  /** Coordinates of a point of fromParamUnit: one per parameter and conditional. */
  readonly nParams: number;
  /** Whether some parameter has conditions (then decode omits the inactive ones). */
  readonly conditional: boolean;

  constructor(readonly config: ExperimentConfig) {
    const cols: ColumnInfo[] = [];
    let offset = 0;
    const conditionals = conditionalParameters(config);
    for (const p of [...config.parameters, ...conditionals]) {
      const conditional = conditionals.includes(p);
      if (p.type === 'categorical') {
        const cats = categoricalNames(p);
        cols.push({
          param: p,
          offset,
          width: cats.length,
          lo: 0,
          hi: 1,
          log: false,
          categories: cats,
          conditional,
          inactiveAt: 0,
        });
        offset += cats.length;
      } else {
        const log = p.transformation === 'log';
        const lo = log ? Math.log(p.bounds!.min) : p.bounds!.min;
        const hi = log ? Math.log(p.bounds!.max) : p.bounds!.max;
        const at = (v: number) => ((log ? Math.log(v) : v) - lo) / (hi - lo);
        const grid = p.grid ? { values: p.grid, at: p.grid.map(at) } : undefined;
        const inactiveAt = typeof p.default_value === 'number' ? at(p.default_value) : 0.5;
        cols.push({ param: p, offset, width: 1, lo, hi, log, categories: [], grid, conditional, inactiveAt });
        offset += 1;
      }
    }
    this.columns = cols;
    this.dim = offset;
    this.nParams = cols.length;
    this.conditional = config.parameters.some((p) => p.conditions !== undefined);
  }

  encode(a: Assignments): number[] {
    const x = new Array<number>(this.dim).fill(0);
    for (const c of this.columns) {
      const v = a[c.param.name];
      // an inactive parameter (or one without a value: a neighbour that has just switched it on) at its fixed place
      if (c.param.conditions && (v === undefined || !isActive(c.param, a))) {
        if (c.param.type !== 'categorical') x[c.offset] = c.inactiveAt;
        continue;
      }
      if (c.param.type === 'categorical') {
        const k = c.categories.indexOf(String(v));
        x[c.offset + (k < 0 ? 0 : k)] = 1;
      } else {
        const t = c.log ? Math.log(Number(v)) : Number(v);
        x[c.offset] = Math.min(1, Math.max(0, (t - c.lo) / (c.hi - c.lo)));
      }
    }
    return x;
  }

  /** Decodes a (possibly relaxed) unit-cube point to valid assignments (without the parameters it leaves inactive). */
  decode(x: ArrayLike<number>): Assignments {
    const a: Assignments = {};
    // conditionals (the last columns) first: they decide which parameters are active
    for (let i = this.columns.length - 1; i >= 0 && this.columns[i].conditional; i--) {
      const c = this.columns[i];
      a[c.param.name] = c.categories[argmax(x, c.offset, c.width)];
    }
    for (const c of this.columns) {
      const p = c.param;
      if (c.conditional || !isActive(p, a)) continue;
      if (p.type === 'categorical') {
        a[p.name] = c.categories[argmax(x, c.offset, c.width)];
      } else if (c.grid) {
        // the nearest grid value in the encoded (transformed) scale
        const u = x[c.offset];
        let best = 0;
        for (let k = 1; k < c.grid.at.length; k++)
          if (Math.abs(c.grid.at[k] - u) < Math.abs(c.grid.at[best] - u)) best = k;
        a[p.name] = c.grid.values[best];
      } else {
        const u = Math.min(1, Math.max(0, x[c.offset]));
        const t = c.lo + u * (c.hi - c.lo);
        let v = c.log ? Math.exp(t) : t;
        if (p.type === 'int') v = Math.round(v);
        v = Math.min(p.bounds!.max, Math.max(p.bounds!.min, v));
        a[p.name] = p.precision !== undefined ? roundToPrecision(v, p.precision, p.bounds!.min, p.bounds!.max) : v;
      }
    }
    return this.ordered(a);
  }

  /** Projects a relaxed point onto the valid lattice (round ints, one-hot categories, inactive parameters reset). */
  project(x: ArrayLike<number>): number[] {
    return this.encode(this.decode(x));
  }

  /**
   * For each encoded column, whether it is free at the point x: false for the columns of a parameter that x's
   * conditionals leave inactive (they hold its fixed place).
   */
  activeColumns(x: ArrayLike<number>): boolean[] {
    const free = new Array<boolean>(this.dim).fill(true);
    if (!this.conditional) return free;
    const a: Assignments = {};
    for (const c of this.columns) if (c.conditional) a[c.param.name] = c.categories[argmax(x, c.offset, c.width)];
    for (const c of this.columns)
      if (c.param.conditions && !isActive(c.param, a)) for (let k = 0; k < c.width; k++) free[c.offset + k] = false;
    return free;
  }

  /** Assignments from a point u in [0,1)^nParams (one coordinate per parameter and conditional, e.g. a Sobol point). */
  fromParamUnit(u: ArrayLike<number>): Assignments {
    const a: Assignments = {};
    const unit = (i: number) => Math.min(1 - 1e-12, Math.max(0, u[i]));
    this.columns.forEach((c, i) => {
      if (c.conditional) a[c.param.name] = c.categories[Math.floor(unit(i) * c.width)];
    });
    this.columns.forEach((c, i) => {
      const p = c.param;
      if (c.conditional || !isActive(p, a)) return;
      const ui = unit(i);
      if (p.type === 'categorical') {
        a[p.name] = c.categories[Math.floor(ui * c.width)];
      } else if (c.grid) {
        // equal mass per grid value
        a[p.name] = c.grid.values[Math.floor(ui * c.grid.values.length)];
      } else if (p.type === 'int') {
        // Equal mass per integer (in the transformed scale for log ints).
        const lo = c.log
          ? Math.log(p.bounds!.min - 0.5 > 0 ? p.bounds!.min - 0.5 : p.bounds!.min)
          : p.bounds!.min - 0.5;
        const hi = c.log ? Math.log(p.bounds!.max + 0.5) : p.bounds!.max + 0.5;
        const t = lo + ui * (hi - lo);
        const v = Math.round(c.log ? Math.exp(t) : t);
        a[p.name] = Math.min(p.bounds!.max, Math.max(p.bounds!.min, v));
      } else {
        // the initial design and random draws follow the prior (its inverse CDF)
        const t = c.lo + ui * (c.hi - c.lo);
        const v = p.prior
          ? priorQuantile(p.prior, ui, p.bounds!.min, p.bounds!.max)
          : c.log
            ? Math.min(p.bounds!.max, Math.max(p.bounds!.min, Math.exp(t)))
            : t;
        a[p.name] = p.precision !== undefined ? roundToPrecision(v, p.precision, p.bounds!.min, p.bounds!.max) : v;
      }
    });
    return this.ordered(a);
  }

  /** The parameters in the config's order, then the conditionals (decode fills the conditionals first). */
  private ordered(a: Assignments): Assignments {
    if (this.config.conditionals === undefined) return a;
    const out: Assignments = {};
    for (const c of this.columns) if (a[c.param.name] !== undefined) out[c.param.name] = a[c.param.name];
    return out;
  }

  randomAssignments(rng: Rng): Assignments {
    const u = new Array<number>(this.nParams);
    for (let i = 0; i < this.nParams; i++) u[i] = rng.next();
    return this.fromParamUnit(u);
  }

  /** True when the space has int or categorical parameters (so relaxed points need projecting). */
  get hasDiscrete(): boolean {
    return this.columns.some((c) => c.param.type !== 'double' || c.grid !== undefined);
  }

  /** Lattice neighbours of a projected point: each int one step up/down, each categorical and conditional switched. */
  neighbours(x: readonly number[]): number[][] {
    const out: number[][] = [];
    const a = this.decode(x);
    for (const c of this.columns) {
      const p = c.param;
      if (a[p.name] === undefined) continue; // inactive here
      if (c.grid) {
        const k = c.grid.values.indexOf(Number(a[p.name]));
        for (const j of [k - 1, k + 1]) {
          if (j < 0 || j >= c.grid.values.length) continue;
          out.push(this.encode({ ...a, [p.name]: c.grid.values[j] }));
        }
      } else if (p.type === 'int') {
        for (const step of [-1, 1]) {
          const v = Number(a[p.name]) + step;
          if (v < p.bounds!.min || v > p.bounds!.max) continue;
          out.push(this.encode({ ...a, [p.name]: v }));
        }
      } else if (p.type === 'categorical') {
        for (const cat of c.categories) {
          if (cat === a[p.name]) continue;
          out.push(this.encode({ ...a, [p.name]: cat }));
        }
      }
    }
    return out;
  }
}

/** A canonical key for duplicate detection (doubles compared to 12 significant digits; inactive parameters empty). */
export function assignmentsKey(config: ExperimentConfig, a: Assignments): string {
  const key = config.parameters.map((p) => {
    const v = a[p.name];
    return typeof v === 'number' ? (p.type === 'double' ? Number(v.toPrecision(12)) : v) : (v ?? '');
  });
  for (const k of config.conditionals ?? []) key.push(String(a[k.name]));
  return key.join('|');
}

function argmax(x: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (x[offset + k] > x[offset + best]) best = k;
  return best;
}
