/**
 * A fixed CPU workload that says how fast this host is right now, so that CPU-time figures can be compared across
 * machines and days as ratios measured in one run (figure / reference) instead of raw seconds.
 *
 * Raw CPU seconds move with the host: two runs of the same regression suite on the same commit, on two machines of
 * the same kind, measured every suggestion and every trial 27-46 % slower on one of them. A ratio to a workload timed
 * in the same process, at the same time, cancels such a uniform change while a slowdown of our own code still shows.
 *
 * The workload is self-contained on purpose: dense float64 arithmetic in plain JavaScript (a matrix product, a
 * Cholesky factorisation, triangular solves and exponentials, the operations a Gaussian-process fit spends its time
 * in), sharing no code with the optimizer or the trainers, so a regression there cannot slow the reference and cancel
 * itself. Never change it without rewriting the baselines: its cost is the unit of the gated ratios.
 */

/** Matrix size of the workload: its 2 matrices of 96 x 96 float64 (144 KiB) stay in a core's L2 cache. */
const N = 96;

/** One pass of the workload; returns a checksum so the engine cannot drop the work. */
export function referenceWorkload(): number {
  const a = new Float64Array(N * N);
  const b = new Float64Array(N * N);
  // a deterministic well-conditioned matrix: a[i][j] = exp(-(i-j)^2 / 50) (a squared-exponential kernel on a grid)
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) a[i * N + j] = Math.exp(-((i - j) * (i - j)) / 50) + (i === j ? 1e-2 : 0);
  }
  // b = a a^T (symmetric positive definite)
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < N; k++) s += a[i * N + k] * a[j * N + k];
      b[i * N + j] = s;
      b[j * N + i] = s;
    }
  }
  // Cholesky factorisation b = L L^T, in place in the lower triangle
  for (let j = 0; j < N; j++) {
    let d = b[j * N + j];
    for (let k = 0; k < j; k++) d -= b[j * N + k] * b[j * N + k];
    const l = Math.sqrt(d);
    b[j * N + j] = l;
    for (let i = j + 1; i < N; i++) {
      let s = b[i * N + j];
      for (let k = 0; k < j; k++) s -= b[i * N + k] * b[j * N + k];
      b[i * N + j] = s / l;
    }
  }
  // N forward solves L y = a[:, c]
  let checksum = 0;
  const y = new Float64Array(N);
  for (let c = 0; c < N; c++) {
    for (let i = 0; i < N; i++) {
      let s = a[i * N + c];
      for (let k = 0; k < i; k++) s -= b[i * N + k] * y[k];
      y[i] = s / b[i * N + i];
    }
    checksum += y[c];
  }
  return checksum;
}

/** Process CPU milliseconds (user + system) of `passes` passes of the workload. */
function timedPasses(passes: number): number {
  const c0 = process.cpuUsage();
  let sink = 0;
  for (let p = 0; p < passes; p++) sink += referenceWorkload();
  const dc = process.cpuUsage(c0);
  if (!Number.isFinite(sink)) throw new Error('reference workload: non-finite checksum');
  return (dc.user + dc.system) / 1000;
}

export interface ReferenceTiming {
  /** Median process CPU milliseconds of one sample (PASSES_PER_SAMPLE passes of the workload). */
  cpu_ms: number;
  /** Every sample's CPU milliseconds. */
  samples: number[];
}

/** Passes of the workload per timed sample (about 20-30 ms of CPU on the 2-core machines here). */
export const PASSES_PER_SAMPLE = 8;

let warmedUp = false;

/**
 * Times the workload `samples` times and returns the median CPU milliseconds of a sample. The first call in a process
 * runs one untimed sample first, so the JIT has compiled the workload before it is timed.
 */
export function measureReference(samples = 7): ReferenceTiming {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`reference workload: samples must be an integer >= 1, got ${samples}`);
  }
  if (!warmedUp) {
    timedPasses(PASSES_PER_SAMPLE);
    warmedUp = true;
  }
  const ms = Array.from({ length: samples }, () => timedPasses(PASSES_PER_SAMPLE));
  const sorted = [...ms].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { cpu_ms: median, samples: ms.map((x) => Math.round(x * 1000) / 1000) };
}
