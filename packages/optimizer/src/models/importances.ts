/**
 * Parameter importances from the GP's automatic relevance determination, as SigOpt reported them (`importances`,
 * `metric_importances`): per metric, a GP with the optimizer's kernel and priors is fitted (MAP) on the successful
 * observations, and a parameter's relevance is the inverse of its fitted length scale in the unit cube (for a
 * categorical parameter, the largest over its one-hot columns): a short length scale means the metric changes
 * quickly along that parameter. Relevances are normalised to sum to 1 per metric.
 *
 * The dimension-scaled length-scale prior pulls the length scales of parameters the data say nothing about towards
 * long values, so they come out near zero instead of at random.
 *
 * In a multitask experiment the GP is the multitask model's (multitask.ts): every observation, with its task's
 * fidelity as one more input, so a cheap task's values inform the parameters' length scales without being taken for
 * the real task's; the fidelity column itself is not a parameter and gets no importance.
 */
import { GaussianProcess } from './gp.ts';
import { SpaceEncoding, type ExperimentConfig, type Observation } from '../space/space.ts';
import { Rng } from '../math/rng.ts';
import { fidelity, withFidelity } from '../multitask.ts';

export interface MetricImportances {
  metric: string;
  /** parameter name -> importance in [0, 1], summing to 1 (empty with fewer than 3 successful observations) */
  importances: Record<string, number>;
}

/** Importances for every metric that is not `store`-only, from the observations that report it. */
export function parameterImportances(
  config: ExperimentConfig,
  observations: readonly Observation[],
): MetricImportances[] {
  const enc = new SpaceEncoding(config);
  const D = enc.dim;
  return config.metrics
    .filter((m) => (m.strategy ?? 'optimize') !== 'store')
    .map((m) => {
      const rows: number[][] = [];
      const y: number[] = [];
      const fidelities: number[] = [];
      for (const o of observations) {
        if (o.failed) continue;
        const v = o.values?.find((x) => x.name === m.name)?.value;
        if (v === undefined || !Number.isFinite(v)) continue;
        rows.push(enc.encode(o.assignments));
        y.push(v);
        if (config.tasks) fidelities.push(fidelity(config, o.task));
      }
      if (y.length < 3) return { metric: m.name, importances: {} };
      const flat = rows.flat();
      const X = config.tasks ? withFidelity(flat, rows.length, D, fidelities) : Float64Array.from(flat);
      const width = config.tasks ? D + 1 : D;
      const gp = GaussianProcess.fit(X, Float64Array.from(y), width, {
        rng: new Rng(config.seed ?? 0),
        maxFitPoints: 256,
      });
      const relevance = enc.columns.map((c) => {
        let r = 0;
        for (let k = c.offset; k < c.offset + c.width; k++) r = Math.max(r, Math.exp(-gp.hyper.logLengthscales[k]));
        return r;
      });
      const total = relevance.reduce((a, b) => a + b, 0);
      return {
        metric: m.name,
        importances: Object.fromEntries(
          enc.columns.map((c, i) => [c.param.name, total > 0 ? relevance[i] / total : 0]),
        ),
      };
    });
}
