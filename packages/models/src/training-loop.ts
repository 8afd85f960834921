/** Pieces shared by both training loops: batching typed arrays, accuracy, inference timing, the result record. */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend.ts';
import type { EpochRecord } from './hyperparameters.ts';

export interface TrainResult {
  accuracy: number;
  trainSeconds: number;
  inferenceSeconds: number;
  epochs: number;
  history: EpochRecord[];
  backend: BackendName;
  stoppedEarly?: 'time_limit' | 'diverged';
}

/** Copies rows idx[start..end) of a row-major matrix with rowLen columns. */
export function gatherRows<T extends Float32Array | Int32Array>(
  src: T,
  rowLen: number,
  idx: Int32Array,
  start: number,
  end: number,
): T {
  const out = new (src.constructor as { new (n: number): T })((end - start) * rowLen);
  for (let r = start; r < end; r++) {
    const s = idx[r] * rowLen;
    out.set(src.subarray(s, s + rowLen), (r - start) * rowLen);
  }
  return out;
}

/** Predicted classes (argmax of the logits) for all n rows, in chunks to bound memory. */
export function predictClasses(
  logitsOf: (x: tf.Tensor) => tf.Tensor,
  x: Float32Array | Int32Array,
  n: number,
  rowShape: number[],
  chunk = 128,
): Int32Array {
  const rowLen = rowShape.reduce((a, b) => a * b, 1);
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const part = tf.tidy(() => {
      const xb = tf.tensor(
        x.subarray(start * rowLen, end * rowLen),
        [end - start, ...rowShape],
        x instanceof Int32Array ? 'int32' : 'float32',
      );
      return tf.argMax(logitsOf(xb), -1);
    });
    out.set(part.dataSync(), start);
    part.dispose();
  }
  return out;
}

export function accuracyOf(pred: Int32Array, y: Int32Array): number {
  if (pred.length === 0) return 0;
  let hit = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) hit++;
  return hit / pred.length;
}

/** Accuracy from a warm-up pass, then inference time = median of 3 timed passes over the whole set. */
export function evaluateWithTiming(
  logitsOf: (x: tf.Tensor) => tf.Tensor,
  x: Float32Array | Int32Array,
  y: Int32Array,
  rowShape: number[],
): { accuracy: number; inferenceSeconds: number } {
  const n = y.length;
  const accuracy = accuracyOf(predictClasses(logitsOf, x, n, rowShape), y);
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    predictClasses(logitsOf, x, n, rowShape);
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { accuracy, inferenceSeconds: times[1] };
}

export function checkLabels(y: Int32Array, numClasses: number, field: string): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!(v >= 0 && v < numClasses))
      throw new Error(`${field}[${i}] = ${v} is not a class index in [0, ${numClasses})`);
  }
}

export function checkSize(arr: { length: number }, rows: number, rowLen: number, field: string): void {
  if (arr.length !== rows * rowLen)
    throw new Error(`${field} has ${arr.length} values, expected ${rows} rows x ${rowLen} = ${rows * rowLen}`);
}
