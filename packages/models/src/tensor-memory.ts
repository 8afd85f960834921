/**
 * Zero-copy access to float32 tensor data on the wasm backend (a view into the wasm heap), with a copying fallback for
 * every other backend. Large JS-side loops (batch norm) use this instead of dataSync()/tf.tensor(), whose fresh
 * multi-megabyte ArrayBuffers cost more in V8 garbage collection than the arithmetic itself.
 * Views are invalidated when the wasm heap grows: allocate every output first, then take views.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function wasmBackend(): BackendWasm | undefined {
  return tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : undefined;
}

/** Float32 contents of t: a heap view on wasm (do not keep across allocations), a copy elsewhere. */
export function readF32(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`readF32: expected a float32 tensor, got ${t.dtype}`);
  const b = wasmBackend();
  if (b) return b.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: 'float32' }) as Float32Array;
  return t.dataSync() as Float32Array;
}

/** A float32 tensor of the given shape whose values are written by fill (into the wasm heap directly on wasm). */
export function makeF32(shape: number[], fill: (out: Float32Array) => void, before?: () => void): tf.Tensor {
  const b = wasmBackend();
  if (b) {
    const info = b.makeOutput(shape, 'float32');
    before?.();
    fill(b.typedArrayFromHeap(info) as Float32Array);
    return tf.engine().makeTensorFromTensorInfo(info, b);
  }
  before?.();
  const out = new Float32Array(shape.reduce((a, c) => a * c, 1));
  fill(out);
  return tf.tensor(out, shape, 'float32');
}

/** Several float32 tensors filled by one pass (all outputs are allocated before `before` and `fill` run). */
export function makeF32Many(
  shapes: number[][],
  fill: (outs: Float32Array[]) => void,
  before?: () => void,
): tf.Tensor[] {
  const b = wasmBackend();
  if (b) {
    const infos = shapes.map((s) => b.makeOutput(s, 'float32'));
    before?.();
    fill(infos.map((info) => b.typedArrayFromHeap(info) as Float32Array));
    return infos.map((info) => tf.engine().makeTensorFromTensorInfo(info, b));
  }
  before?.();
  const outs = shapes.map((s) => new Float32Array(s.reduce((a, c) => a * c, 1)));
  fill(outs);
  return outs.map((o, i) => tf.tensor(o, shapes[i], 'float32'));
}
