import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { KerasAdam } from './adam.ts';
import { ClippedRmsProp } from './rmsprop.ts';
import { ReduceLrOnPlateau } from './plateau.ts';
import { initBackend } from './backend.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('KerasAdam', () => {
  it('matches a hand-computed Keras Adam trajectory with time decay', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const cfg = { lr: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-3, decay: 0.5 };
    const adam = new KerasAdam([w], cfg);
    const p = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    const grads = [
      [0.5, -1],
      [2, 0.25],
      [-1, 3],
    ];
    for (let it = 0; it < grads.length; it++) {
      const g = tf.tensor1d(grads[it]);
      adam.apply([g]);
      g.dispose();
      const t = it + 1;
      const lrT = ((cfg.lr / (1 + cfg.decay * it)) * Math.sqrt(1 - cfg.beta2 ** t)) / (1 - cfg.beta1 ** t);
      for (let i = 0; i < 2; i++) {
        m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * grads[it][i];
        v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * grads[it][i] ** 2;
        p[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + cfg.epsilon);
      }
    }
    const got = w.dataSync();
    expect(got[0]).toBeCloseTo(p[0], 5);
    expect(got[1]).toBeCloseTo(p[1], 5);
    expect(adam.iterations).toBe(3);
    expect(adam.decayedLr()).toBeCloseTo(0.1 / (1 + 0.5 * 3), 12);
    adam.dispose();
    w.dispose();
  });
});

describe.each(['wasm', 'cpu'] as const)('ClippedRmsProp on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });
  it('clips by the global norm and applies the RMSProp step', () => {
    const a = tf.variable(tf.tensor1d([0, 0]));
    const b = tf.variable(tf.tensor1d([0]));
    const opt = new ClippedRmsProp([a, b], { lr: 0.01, maxGradNorm: 1, rho: 0.9, epsilon: 1e-7 });
    const ga = tf.tensor1d([3, 0]);
    const gb = tf.tensor1d([4]);
    const norm = opt.apply([ga, gb]);
    expect(norm).toBeCloseTo(5, 5);
    // clipped grads: [0.6, 0], [0.8]; acc = 0.1 g^2; step = lr g / sqrt(0.1 g^2) = lr / sqrt(0.1) * sign(g)
    const step = 0.01 / Math.sqrt(0.1);
    expect(a.dataSync()[0]).toBeCloseTo(-step, 5);
    expect(a.dataSync()[1]).toBeCloseTo(0, 6);
    expect(b.dataSync()[0]).toBeCloseTo(-step, 5);
    tf.dispose([ga, gb, a, b]);
    opt.dispose();
  });
  it('updates a rows table sparsely with the same result as the dense update (lazy accumulator decay, summed repeats)', () => {
    const rowsN = 6;
    const dim = 3;
    const init = Float32Array.from({ length: rowsN * dim }, (_, i) => Math.sin(i + 1));
    const table = Float32Array.from(init);
    const w = tf.variable(tf.tensor1d([0.5, -0.5]));
    const dense = tf.variable(tf.tensor2d(init, [rowsN, dim]));
    const wRef = tf.variable(tf.tensor1d([0.5, -0.5]));
    const cfg = { lr: 0.05, maxGradNorm: 2, rho: 0.9, epsilon: 1e-7 };
    const sparse = new ClippedRmsProp([w], cfg, { values: table, dim });
    const ref = new ClippedRmsProp([wRef, dense], cfg);
    // rows touched per step; row 4 is touched at steps 0 and 3 only (two steps of pure decay in between); repeats sum
    const steps = [[0, 4, 0], [1, 2], [2, 2, 2], [4, 5], [0]];
    steps.forEach((ids, t) => {
      const grad = Float32Array.from({ length: ids.length * dim }, (_, i) => Math.cos(3 * t + i) * (1 + t));
      const full = new Float32Array(rowsN * dim);
      ids.forEach((r, k) => {
        for (let j = 0; j < dim; j++) full[r * dim + j] += grad[k * dim + j];
      });
      const gw = tf.tensor1d([0.3 * (t + 1), -0.2]);
      const gDense = tf.tensor2d(full, [rowsN, dim]);
      const nSparse = sparse.apply([gw], { ids: Int32Array.from(ids), grad });
      const nDense = ref.apply([gw, gDense]);
      expect(nSparse).toBeCloseTo(nDense, 4);
      tf.dispose([gw, gDense]);
    });
    const d = dense.dataSync();
    for (let i = 0; i < table.length; i++) expect(table[i]).toBeCloseTo(d[i], 5);
    const wr = wRef.dataSync();
    w.dataSync().forEach((v, i) => expect(v).toBeCloseTo(wr[i], 6));
    expect(table[3 * dim]).toBe(init[3 * dim]); // never touched
    expect(() => sparse.apply([], { ids: Int32Array.from([6]), grad: new Float32Array(dim) })).toThrow(/row id 6/);
    tf.dispose([w, wRef, dense]);
    sparse.dispose();
    ref.dispose();
  });
  it('leaves gradients below the threshold unscaled', () => {
    const a = tf.variable(tf.tensor1d([1]));
    const opt = new ClippedRmsProp([a], { lr: 0.5, maxGradNorm: 10 });
    const g = tf.tensor1d([2]);
    expect(opt.apply([g])).toBeCloseTo(2, 6);
    // acc = 0.1 * 4 = 0.4; step = 0.5 * 2 / (sqrt(0.4) + 1e-7)
    expect(a.dataSync()[0]).toBeCloseTo(1 - 1 / Math.sqrt(0.4), 5);
    tf.dispose([g, a]);
    opt.dispose();
  });
});

describe('ReduceLrOnPlateau (Keras semantics)', () => {
  it('halves after `patience` epochs without improvement and respects the floor', () => {
    const p = new ReduceLrOnPlateau({ factor: 0.5, patience: 3, minLr: 0.1 });
    let lr = 0.5;
    const lrs: number[] = [];
    for (const loss of [1, 0.9, 0.9, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]) {
      lr = p.step(loss, lr);
      lrs.push(lr);
    }
    // improvements at epochs 0,1; stalls 2,3,4 -> reduce at 4; stalls 5,6,7 -> reduce at 7 (0.125); 8,9,10 -> floor 0.1
    expect(lrs).toEqual([0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.1, 0.1, 0.1]);
  });
  it('treats changes below min_delta 1e-4 as no improvement and never raises lr below min', () => {
    const p = new ReduceLrOnPlateau({ factor: 0.5, patience: 2, minLr: 1e-4 });
    expect(p.step(1, 1e-5)).toBe(1e-5);
    expect(p.step(1 - 5e-5, 1e-5)).toBe(1e-5);
    expect(p.step(1 - 9e-5, 1e-5)).toBe(1e-5); // would reduce, but lr is already below the floor
    const q = new ReduceLrOnPlateau({ factor: 0.5, patience: 2, minLr: 1e-4 });
    q.step(1, 1);
    q.step(1 - 5e-5, 1);
    expect(q.step(1 - 9e-5, 1)).toBe(0.5);
  });
});
