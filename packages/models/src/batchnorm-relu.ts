/**
 * Training-mode batch normalisation followed by ReLU, fused into one op with a hand-written gradient
 * (Ioffe & Szegedy 2015, section 3; the ReLU mask is applied to the incoming gradient first):
 *   xhat = (x - mu) / sqrt(var + eps),  z = gamma * xhat + beta,  y = max(z, 0)
 *   g = dy * [z > 0];  dbeta = sum g;  dgamma = sum g * xhat
 *   dx = gamma / sqrt(var + eps) / N * (N g - dbeta - xhat * dgamma)
 * computed as sum g and sum g x in one pass (dgamma = (sum g x - mu sum g) / sqrt(var + eps)), then dx = a g + b x + d
 * with per-channel constants a, b, d folded from the formula above,
 * where sums run over all positions (batch and time) of a channel and N is their count. tfjs composes this gradient
 * from ~25 broadcast ops; here it is two passes of Float32Array loops over the channels-last data, which is several
 * times faster on the wasm and cpu backends. On wasm the loops read and write the heap directly (tensor-memory.ts);
 * xhat is never materialised; relu and its mask are computed without branches.
 */
import * as tf from '@tensorflow/tfjs';
import { makeF32, readF32 } from './tensor-memory.ts';

export interface BatchStats {
  mean: Float32Array;
  /** Biased batch variance (used to normalise). */
  variance: Float32Array;
  /** Count of positions per channel (batch x time). */
  count: number;
}

/**
 * Per-channel mean and biased variance of channels-last data in one pass: float64 sums of x and x^2
 * (E[x^2] - E[x]^2 loses nothing visible in float64 for float32 inputs of any sensible scale).
 */
function channelStats(xs: Float32Array, C: number, mean: Float64Array, variance: Float64Array): void {
  const total = xs.length;
  const N = total / C;
  for (let i = 0; i < total; i += C)
    for (let c = 0; c < C; c++) {
      const v = xs[i + c];
      mean[c] += v;
      variance[c] += v * v;
    }
  for (let c = 0; c < C; c++) {
    mean[c] /= N;
    variance[c] = Math.max(0, variance[c] / N - mean[c] * mean[c]);
  }
}

/** y = relu(a x + b) per channel, branch-free: relu(z) = (z + |z|) / 2 is exact and propagates NaN. */
function affineRelu(xs: Float32Array, C: number, a: Float32Array, b: Float32Array, y: Float32Array): void {
  const total = xs.length;
  for (let i = 0; i < total; i += C)
    for (let c = 0; c < C; c++) {
      const z = xs[i + c] * a[c] + b[c];
      y[i + c] = (z + Math.abs(z)) * 0.5;
    }
}

/**
 * Relu mask from the forward output's bit pattern, branch-free (random signs defeat branch prediction):
 * y is +0 or positive (or NaN), so y > 0 exactly when its int32 bits are >= 1, i.e. ((bits - 1) >>> 31) ^ 1.
 */
function backwardSums(
  dy: Float32Array,
  yBits: Int32Array,
  xs: Float32Array,
  C: number,
  sumG: Float64Array,
  sumGX: Float64Array,
): void {
  const total = dy.length;
  for (let i = 0; i < total; i += C)
    for (let c = 0; c < C; c++) {
      const k = i + c;
      const g = dy[k] * (((yBits[k] - 1) >>> 31) ^ 1);
      sumG[c] += g;
      sumGX[c] += g * xs[k];
    }
}

/** dx = a g + b x + d per channel (the backward formula with its per-channel constants folded; see below). */
function backwardInput(
  dy: Float32Array,
  yBits: Int32Array,
  xs: Float32Array,
  C: number,
  a: Float32Array,
  b: Float32Array,
  d: Float32Array,
  dx: Float32Array,
): void {
  const total = dy.length;
  for (let i = 0; i < total; i += C)
    for (let c = 0; c < C; c++) {
      const k = i + c;
      const g = dy[k] * (((yBits[k] - 1) >>> 31) ^ 1);
      dx[k] = a[c] * g + b[c] * xs[k] + d[c];
    }
}

function bitsOf(v: Float32Array): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset, v.length);
}

/**
 * y = relu(batchnorm(x)) with batch statistics over all axes but the last. `onStats` receives the batch statistics
 * (for moving averages). Works on any backend (reads the data back to JS).
 */
export function batchNormReluTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStats?: (s: BatchStats) => void,
): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const [xt, gt, bt, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, (ts: tf.Tensor[]) => void];
    const shape = xt.shape;
    const C = shape[shape.length - 1];
    const N = xt.size / C;
    const gs = Float32Array.from(gt.dataSync());
    const bs = Float32Array.from(bt.dataSync());
    const mean64 = new Float64Array(C);
    const var64 = new Float64Array(C);
    channelStats(readF32(xt), C, mean64, var64);
    const mean = Float32Array.from(mean64);
    const variance = Float32Array.from(var64);
    const invStd = new Float32Array(C);
    for (let c = 0; c < C; c++) invStd[c] = 1 / Math.sqrt(var64[c] + epsilon);
    onStats?.({ mean, variance, count: N });
    const scaleA = new Float32Array(C);
    const shiftB = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      scaleA[c] = gs[c] * invStd[c];
      shiftB[c] = bs[c] - mean[c] * scaleA[c];
    }
    let xs: Float32Array;
    const value = makeF32(
      shape,
      (y) => affineRelu(xs, C, scaleA, shiftB, y),
      () => (xs = readF32(xt)),
    );
    save([xt, value]);
    const gradFunc = (dyT: tf.Tensor, saved: tf.Tensor[]) => {
      const [xSaved, ySaved] = saved;
      // one pass for sum g and sum g x; then dbeta = sum g, dgamma = invStd (sum g x - mean sum g) (float64 sums)
      const sumG = new Float64Array(C);
      const sumGX = new Float64Array(C);
      backwardSums(readF32(dyT), bitsOf(readF32(ySaved)), readF32(xSaved), C, sumG, sumGX);
      const dbeta = new Float32Array(C);
      const dgamma = new Float32Array(C);
      // dx = s (N g - dbeta - (x - mean) invStd dgamma), s = gamma invStd / N, folded into a g + b x + d
      const ca = new Float32Array(C);
      const cb = new Float32Array(C);
      const cd = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        const dg = invStd[c] * (sumGX[c] - mean64[c] * sumG[c]);
        dbeta[c] = sumG[c];
        dgamma[c] = dg;
        const sc = (gs[c] * invStd[c]) / N;
        ca[c] = sc * N;
        cb[c] = -sc * invStd[c] * dg;
        cd[c] = -sc * sumG[c] + sc * invStd[c] * dg * mean64[c];
      }
      let dy: Float32Array;
      let xv: Float32Array;
      let yb: Int32Array;
      const dx = makeF32(
        shape,
        (out) => backwardInput(dy, yb, xv, C, ca, cb, cd, out),
        () => {
          dy = readF32(dyT);
          xv = readF32(xSaved);
          yb = bitsOf(readF32(ySaved));
        },
      );
      return [dx, tf.tensor1d(dgamma), tf.tensor1d(dbeta)];
    };
    return { value, gradFunc };
  });
  return op(x, gamma, beta);
}

/** Inference-mode batch norm + ReLU with given (moving) statistics, as plain tf ops. */
export function batchNormReluInference(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  movingMean: tf.Tensor1D,
  movingVariance: tf.Tensor1D,
  epsilon: number,
): tf.Tensor {
  return tf.tidy(() => tf.relu(tf.batchNorm(x, movingMean, movingVariance, beta, gamma, epsilon)));
}
