/**
 * Could the optimizer's GP run on a tensor backend (tfjs, and through tfjs-node-gpu on a GPU)? Measures the batched
 * posterior (mean and variance of m candidates against n observations, var = s2 - |L^{-1} k*|^2) with plain
 * Float64Array loops (what models/gp.ts does) versus tfjs tensors on the wasm backend (float32; L^{-1} precomputed
 * so the solve becomes one matMul).
 *
 *   npx tsx packages/optimizer/scripts/bench-posterior-backends.ts [--out reports/bench/posterior-backends.json]
 *
 * Writes JSON with median CPU/wall ms per batch for n in {60, 480}, m = 1024 candidates, d = 12, and the
 * largest relative difference of the tfjs variances from the float64 ones.
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { GaussianProcess } from '../src/models/gp.ts';
import { cholesky, invertLower } from '../src/math/linalg.ts';
import { Rng } from '../src/math/rng.ts';

const { values } = parseArgs({ options: { out: { type: 'string' }, repeats: { type: 'string' } } });
const out = values.out ?? 'reports/bench/posterior-backends.json';
const repeats = Number(values.repeats ?? 5);
const require = createRequire(import.meta.url);
setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
await tf.setBackend('wasm');
await tf.ready();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const d = 12;
const m = 1024;
const results = [];
for (const n of [60, 480]) {
  const rng = new Rng(n);
  const X = Float64Array.from({ length: n * d }, () => rng.next());
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(5 * X[i * d]) + X[i * d + 1]);
  const hyper = { logLengthscales: new Array(d).fill(Math.log(0.8)), logSignalVar: 0, logNoiseVar: -8 };
  const gp = new GaussianProcess(X, y, hyper, { mean: 0, std: 1 });
  const Xs = Float64Array.from({ length: m * d }, () => rng.next());
  // float64 loops
  const loopCpu: number[] = [];
  let ref = gp.predict(Xs, m);
  for (let r = 0; r < repeats; r++) {
    const c = process.cpuUsage();
    ref = gp.predict(Xs, m);
    const dc = process.cpuUsage(c);
    loopCpu.push((dc.user + dc.system) / 1000);
  }
  // tfjs: same kernel on tensors; L^{-1} precomputed in float64 then uploaded as float32
  const s2 = 1;
  const noise = 1e-6 + Math.exp(-8);
  const Kmat = new Float64Array(n * n);
  const ls = Math.exp(hyper.logLengthscales[0]);
  const kern = (r: number) => s2 * (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += ((X[i * d + k] - X[j * d + k]) / ls) ** 2;
      Kmat[i * n + j] = kern(Math.sqrt(r2)) + (i === j ? noise : 0);
    }
  const Linv = invertLower(cholesky(Kmat, n).L, n);
  const LinvT = tf.tensor2d(Float32Array.from(Linv), [n, n]).transpose();
  const Xt = tf.tensor2d(Float32Array.from(X), [n, d]).div(ls);
  const tfCpu: number[] = [];
  let tfVar: Float32Array = new Float32Array(m);
  for (let r = 0; r <= repeats; r++) {
    const c = process.cpuUsage();
    const v = tf.tidy(() => {
      const Xc = tf.tensor2d(Float32Array.from(Xs), [m, d]).div(ls);
      const sq = Xc.square()
        .sum(1, true)
        .add(Xt.square().sum(1).reshape([1, n]))
        .sub(Xc.matMul(Xt, false, true).mul(2));
      const rr = sq.maximum(0).sqrt();
      const k = rr
        .mul(Math.sqrt(5))
        .add(1)
        .add(rr.square().mul(5 / 3))
        .mul(rr.mul(-Math.sqrt(5)).exp())
        .mul(s2);
      const V = k.matMul(LinvT);
      return tf.sub(s2, V.square().sum(1));
    });
    tfVar = v.dataSync() as Float32Array;
    v.dispose();
    const dc = process.cpuUsage(c);
    if (r > 0) tfCpu.push((dc.user + dc.system) / 1000);
  }
  let maxRel = 0;
  for (let i = 0; i < m; i++)
    maxRel = Math.max(maxRel, Math.abs(tfVar[i] - ref.variance[i]) / Math.max(ref.variance[i], 1e-6));
  const res = {
    n,
    m,
    d,
    float64_loops_cpu_ms: median(loopCpu),
    tfjs_wasm_float32_cpu_ms: median(tfCpu),
    tfjs_max_rel_variance_error: maxRel,
  };
  process.stderr.write(JSON.stringify(res) + '\n');
  results.push(res);
}
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ backend: tf.getBackend(), results }, null, 1));
