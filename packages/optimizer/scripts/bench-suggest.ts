/**
 * Times suggest() on fixed observation sets and writes JSON (no timing assertions live in tests).
 *
 *   npx tsx packages/optimizer/scripts/bench-suggest.ts [--repeats 7] [--out reports/bench/optimizer-suggest.json]
 *
 * Cases:
 *   zdt1-d6-n60:      6 doubles, 2 objectives, 60 observations (ZDT1 values, Sobol + random points)
 *   diatom12-n480:    the diatom space (12 parameters: 7 int, 5 double), 2 objectives, 480 observations,
 *                     10% failed (exercises the failure model too)
 * For each case: one cold call (no state), then `repeats` warm calls (state from the previous call,
 * a different suggestion index each time, as in a running study). Reports median and p95 of the warm
 * calls, and the cold time. Single process, single thread.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/math/rng.ts';
import { SpaceEncoding, parseExperimentConfig, type Observation, linearAlgebraInUse } from '../src/index.ts';
import { suggest } from '../src/suggest.ts';

const { values } = parseArgs({ options: { repeats: { type: 'string' }, out: { type: 'string' } } });
const repeats = Number(values.repeats ?? 7);
const out = values.out ?? 'reports/bench/optimizer-suggest.json';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  return s[Math.floor(pos)] + (s[Math.ceil(pos)] - s[Math.floor(pos)]) * (pos - Math.floor(pos));
};

function timeCase(name: string, config: ReturnType<typeof parseExperimentConfig>, observations: Observation[]) {
  const t0 = performance.now();
  let { state } = suggest({ config, observations });
  const cold = performance.now() - t0;
  const warm: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const s = suggest({ config, observations, state, index: observations.length + r });
    const dc = process.cpuUsage(c);
    warm.push(performance.now() - t);
    cpu.push((dc.user + dc.system) / 1000);
    state = s.state;
  }
  const res = {
    case: name,
    observations: observations.length,
    parameters: config.parameters.length,
    cold_ms: cold,
    warm_ms: warm,
    median_ms: quantile(warm, 0.5),
    p95_ms: quantile(warm, 0.95),
    // CPU time of this process (user + system): the one-core cost, independent of other load on the machine
    cpu_ms: cpu,
    cpu_median_ms: quantile(cpu, 0.5),
    cpu_p95_ms: quantile(cpu, 0.95),
  };
  process.stderr.write(
    `${name}: cold ${cold.toFixed(0)} ms, warm wall median ${res.median_ms.toFixed(0)} ms (p95 ${res.p95_ms.toFixed(0)}), cpu median ${res.cpu_median_ms.toFixed(0)} ms (p95 ${res.cpu_p95_ms.toFixed(0)})\n`,
  );
  return res;
}

const rng = new Rng(123);

// Case 1: ZDT1, d = 6, 60 observations
const zdtConfig = parseExperimentConfig({
  parameters: Array.from({ length: 6 }, (_, i) => ({ name: `x${i}`, type: 'double', bounds: { min: 0, max: 1 } })),
  metrics: [
    { name: 'f0', threshold: -11 },
    { name: 'f1', threshold: -11 },
  ],
});
const zdtObs: Observation[] = Array.from({ length: 60 }, () => {
  const x = Array.from({ length: 6 }, () => rng.next());
  const g = 1 + (9 * (x[1] + x[2] + x[3] + x[4] + x[5])) / 5;
  return {
    assignments: Object.fromEntries(x.map((v, i) => [`x${i}`, v])),
    values: [
      { name: 'f0', value: -x[0] },
      { name: 'f1', value: -g * (1 - Math.sqrt(x[0] / g)) },
    ],
  };
});

// Case 2: the diatom space, 480 observations
const diatomConfig = parseExperimentConfig({
  parameters: [
    { name: 'batch_size', type: 'int', bounds: { min: 8, max: 32 } },
    { name: 'conv_1_num_filters', type: 'int', bounds: { min: 32, max: 256 } },
    { name: 'conv_2_num_filters', type: 'int', bounds: { min: 32, max: 256 } },
    { name: 'conv_3_num_filters', type: 'int', bounds: { min: 32, max: 256 } },
    { name: 'conv_1_filter_size', type: 'int', bounds: { min: 2, max: 10 } },
    { name: 'conv_2_filter_size', type: 'int', bounds: { min: 2, max: 10 } },
    { name: 'conv_3_filter_size', type: 'int', bounds: { min: 2, max: 10 } },
    { name: 'log_lr', type: 'double', bounds: { min: -23, max: 0 } },
    { name: 'log_beta_1', type: 'double', bounds: { min: -4.6, max: -0.7 } },
    { name: 'log_beta_2', type: 'double', bounds: { min: -13.8, max: -0.7 } },
    { name: 'log_epsilon', type: 'double', bounds: { min: -23, max: -13.8 } },
    { name: 'log_decay', type: 'double', bounds: { min: -23, max: -2.3 } },
  ],
  metrics: [{ name: 'accuracy' }, { name: 'inference_time', objective: 'minimize' }],
});
const enc = new SpaceEncoding(diatomConfig);
const diatomObs: Observation[] = Array.from({ length: 480 }, () => {
  const a = enc.randomAssignments(rng);
  const u = enc.encode(a);
  const lr = Number(a.log_lr);
  const acc = Math.exp(-(((lr + 8) / 3) ** 2)) * (0.6 + 0.3 * u[1]) + 0.02 * rng.normal();
  const time = 0.02 + (0.1 * (u[1] + u[2] + u[3]) * (1 + u[4] + u[5] + u[6])) / 4 + 0.005 * rng.normal();
  if (rng.next() < 0.1) return { assignments: a, failed: true };
  return {
    assignments: a,
    values: [
      { name: 'accuracy', value: acc },
      { name: 'inference_time', value: time },
    ],
  };
});

/** Calls that refit the hyperparameters (warm-started from a fit at n - 5%), which a running study does once per 5% growth. */
function timeRefit(
  name: string,
  config: ReturnType<typeof parseExperimentConfig>,
  observations: Observation[],
  fitAt: number,
) {
  const { state } = suggest({ config, observations: observations.slice(0, fitAt) });
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < Math.min(repeats, 3); r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    suggest({ config, observations, state, index: observations.length + r });
    const dc = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((dc.user + dc.system) / 1000);
  }
  const res = {
    case: name,
    observations: observations.length,
    fit_from: fitAt,
    wall_ms: wall,
    cpu_ms: cpu,
    cpu_median_ms: quantile(cpu, 0.5),
    median_ms: quantile(wall, 0.5),
  };
  process.stderr.write(
    `${name}: refit call wall median ${res.median_ms.toFixed(0)} ms, cpu median ${res.cpu_median_ms.toFixed(0)} ms\n`,
  );
  return res;
}

const results = [
  timeCase('zdt1-d6-n60', zdtConfig, zdtObs),
  timeCase('diatom12-n480', diatomConfig, diatomObs),
  timeRefit('diatom12-n480-refit', diatomConfig, diatomObs, 456),
];
const loadavg = (await import('node:os')).loadavg();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    { node: process.version, linalg: linearAlgebraInUse(), loadavg_1m: loadavg[0], repeats, results },
    null,
    1,
  ),
);
process.stderr.write(`wrote ${out} (linear algebra: ${linearAlgebraInUse()}; load average ${loadavg[0].toFixed(1)})\n`);
