/**
 * Speed of the optimizer's Pareto / hypervolume / EHVI code, written as JSON (medians of repeated runs, with the
 * machine's load average so that numbers from a busy machine can be recognised).
 *
 *   npx tsx packages/optimizer/scripts/bench-pareto-ehvi.ts [--out reports/optimizer-math-bench.json] [--reps 9]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { logEhvi2d, logEhvi2dBatch, prepareEhvi2d } from '../src/acquisition/log-ehvi.ts';
import { hypervolume } from '../src/multi-objective/hypervolume.ts';
import { nonDominatedSort, paretoFront } from '../src/multi-objective/pareto.ts';
import { Rng } from '../src/math/rng.ts';
import { Sobol } from '../src/design/sobol.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const out = arg('out', 'reports/optimizer-math-bench.json');
const reps = Number(arg('reps', '9'));
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps must be a positive integer (got ${arg('reps', '')})`);

interface Timing {
  name: string;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** process CPU time (user + system), less sensitive to other processes than wall time */
  cpu_median_ms: number;
  reps: number;
  [k: string]: unknown;
}
const results: Timing[] = [];

function time(name: string, f: () => void, extra: Record<string, unknown> = {}, n = reps): Timing {
  f(); // warm-up (JIT)
  const ts: number[] = [];
  const cpuTs: number[] = [];
  for (let r = 0; r < n; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTs.push((c.user + c.system) / 1000);
  }
  ts.sort((a, b) => a - b);
  cpuTs.sort((a, b) => a - b);
  const t: Timing = {
    name,
    median_ms: ts[Math.floor(n / 2)],
    min_ms: ts[0],
    max_ms: ts[n - 1],
    cpu_median_ms: cpuTs[Math.floor(n / 2)],
    reps: n,
    ...extra,
  };
  results.push(t);
  process.stdout.write(
    `${name.padEnd(58)} median ${t.median_ms.toFixed(3)} ms (cpu ${t.cpu_median_ms.toFixed(3)} ms)\n`,
  );
  return t;
}

const rng = new Rng(1);
const quarterCircle = (k: number) =>
  Array.from({ length: k }, (_, i) => {
    const a = ((i + 0.5) / k) * (Math.PI / 2);
    return [Math.cos(a), Math.sin(a)];
  });
const loadBefore = loadavg();

// Batched exact 2-D log-EHVI: N candidates against a K-point front.
for (const K of [5, 20, 60]) {
  const prep = prepareEhvi2d(quarterCircle(K), [0, 0]);
  const N = 5000;
  const mu0 = new Float64Array(N);
  const mu1 = new Float64Array(N);
  const s0 = new Float64Array(N);
  const s1 = new Float64Array(N);
  const res = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    mu0[i] = rng.uniform(-1, 1.2);
    mu1[i] = rng.uniform(-1, 1.2);
    s0[i] = rng.uniform(0.01, 0.5);
    s1[i] = rng.uniform(0.01, 0.5);
  }
  const t = time(`logEhvi2dBatch K=${K} N=${N}`, () => logEhvi2dBatch(prep, mu0, mu1, s0, s1, res), { K, N });
  t.ns_per_candidate = (t.median_ms * 1e6) / N;
  t.ns_per_cell = (t.median_ms * 1e6) / (N * (K + 1));
  const front = quarterCircle(K);
  time(
    `logEhvi2d (scalar, re-prepares) K=${K} N=500`,
    () => {
      for (let i = 0; i < 500; i++) logEhvi2d([mu0[i], mu1[i]], [s0[i], s1[i]], front, [0, 0]);
    },
    { K, N: 500 },
  );
}

// Exact hypervolume.
for (const [d, n] of [
  [2, 480],
  [2, 4800],
  [3, 50],
  [3, 150],
  [4, 30],
  [4, 80],
  [5, 30],
]) {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const g = Array.from({ length: d }, () => Math.abs(rng.normal()));
    const r = Math.hypot(...g);
    pts.push(g.map((v) => v / r)); // mutually non-dominated (sphere)
  }
  time(
    `hypervolume d=${d} n=${n} (all non-dominated)`,
    () => hypervolume(pts, new Array<number>(d).fill(0)),
    { d, n },
    d >= 4 ? Math.min(reps, 5) : reps,
  );
}

// Frontier / sorting on study-sized clouds.
{
  const cloud = Array.from({ length: 4800 }, () => [rng.next(), rng.next()]);
  time('paretoFront 2-D n=4800', () => paretoFront(cloud), { n: 4800 });
  time('nonDominatedSort 2-D n=4800', () => nonDominatedSort(cloud), { n: 4800 }, Math.min(reps, 3));
}

// Sobol.
time('Sobol dim=12 scrambled: construct + 4096 points', () => new Sobol(12, { seed: 3 }).draw(4096), {
  dim: 12,
  n: 4096,
});

const report = {
  generated_at: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model,
  loadavg_before: loadBefore,
  loadavg_after: loadavg(),
  note: 'medians of wall-clock and process CPU time; loadavg above ~cpus means the machine was shared and wall times are inflated',
  results,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2));
process.stdout.write(`wrote ${out}\n`);
