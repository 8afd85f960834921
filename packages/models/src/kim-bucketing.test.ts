import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.ts';
import {
  buildKimCnn,
  embed,
  gatherTrimmed,
  kimFeatures,
  lengthBatches,
  sentenceLengths,
  trainKimCnn,
  trimLength,
  type KimModel,
} from './kim-cnn.ts';
import { Rng } from './rng.ts';
import type { KimHyperparameters } from './hyperparameters.ts';

const V = 30;
const M = 24;
const hpOf = (widths: [number, number, number]): KimHyperparameters => ({
  dropout_rate: 0.5,
  log_learning_rate: Math.log(1e-3),
  max_grad_norm: 3,
  epochs: 1,
  batch_size: 7,
  embed_dim: 8,
  filter_size_1: widths[0],
  filter_size_2: widths[1],
  filter_size_3: widths[2],
  num_feature_maps: 6,
});

/** m sentences of random tokens 1..V-1 with lengths in [minLen, maxLenOfBatch], 0-padded to M. */
function randomBatch(m: number, minLen: number, maxLenOfBatch: number, rng: Rng) {
  const x = new Int32Array(m * M);
  const lengths = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    lengths[i] = minLen + rng.int(maxLenOfBatch - minLen + 1);
    for (let t = 0; t < lengths[i]; t++) x[i * M + t] = 1 + rng.int(V - 1);
  }
  return { x, lengths };
}

/** A model with random weights everywhere (the embedding, pad row 0 included, is uniform +-0.25 already). */
function randomModel(widths: [number, number, number], seed: number): KimModel {
  const model = buildKimCnn(M, V, hpOf(widths), new Rng(seed));
  const rng = new Rng(seed + 1000);
  for (const w of [...model.features.trainableWeights, ...model.head.trainableWeights]) {
    const v = w.read();
    const values = Float32Array.from({ length: v.size }, () => 0.3 * rng.normal());
    w.write(tf.tensor(values, v.shape));
  }
  return model;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

/** Logits and all gradients (weights, and the dense [V, dim] embedding gradient) of a batch cut to `cols` columns. */
function logitsAndGrads(
  model: KimModel,
  x: Int32Array,
  lengths: Int32Array,
  cols: number,
  labels: Int32Array,
  mask: Float32Array,
  features: 'kimFeatures' | 'plain' = 'kimFeatures',
) {
  const m = lengths.length;
  const rows = Int32Array.from({ length: m }, (_, i) => i);
  const ids = gatherTrimmed(x, M, rows, 0, m, cols);
  const eb = embed(model, ids, cols);
  const xb = tf.variable(eb, true);
  const vars = [...model.features.trainableWeights, ...model.head.trainableWeights].map((w) => w.read() as tf.Variable);
  const maskT = tf.tensor2d(mask, [m, mask.length / m]);
  const yb = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
  let logits: Float32Array | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const f =
      features === 'plain'
        ? (model.features.apply(xb, { training: true }) as tf.Tensor)
        : kimFeatures(model, xb, lengths, true);
    const out = model.head.apply(tf.mul(f, maskT), { training: true }) as tf.Tensor;
    logits = out.dataSync() as Float32Array;
    return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(yb, out);
  }, [...vars, xb]);
  const dim = model.embedDim;
  const rowGrad = new Float64Array(V * dim);
  const g = grads[xb.name].dataSync();
  for (let k = 0; k < ids.length; k++) for (let j = 0; j < dim; j++) rowGrad[ids[k] * dim + j] += g[k * dim + j];
  const weightGrads = vars.map((v) => grads[v.name].dataSync() as Float32Array);
  const loss = value.dataSync()[0];
  tf.dispose([eb, xb, maskT, yb, value, ...Object.values(grads)]);
  return { logits: logits!, loss, weightGrads, rowGrad };
}

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
});

describe('sentenceLengths and trimLength', () => {
  it('measure the true length as the last non-padding index + 1 (inner zeros count)', () => {
    const x = Int32Array.from([5, 3, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 2, 3, 4]);
    expect(Array.from(sentenceLengths(x, 4))).toEqual([2, 0, 3, 4]);
  });
  it('keep longest + widest columns, at most maxLen', () => {
    expect(trimLength(20, 5, 56)).toBe(25);
    expect(trimLength(53, 5, 56)).toBe(56);
  });
});

describe('a trimmed batch computes what the padded batch computes', () => {
  for (const widths of [
    [3, 4, 5],
    [1, 2, 7],
    [5, 3, 2],
  ] as [number, number, number][]) {
    it(`features and logits equal the padded ones (widths ${widths.join('/')})`, () => {
      const widest = Math.max(...widths);
      for (let trial = 0; trial < 4; trial++) {
        const model = randomModel(widths, 10 * trial + widths[0]);
        const rng = new Rng(100 + trial);
        const { x, lengths } = randomBatch(7, 1, 12, rng);
        const cols = trimLength(Math.max(...lengths), widest, M);
        expect(cols).toBeLessThan(M);
        const rows = Int32Array.from({ length: 7 }, (_, i) => i);
        const [padded, trimmed, tooShort] = tf.tidy(() => {
          const full = model.features.apply(embed(model, x, M)) as tf.Tensor;
          const cut = kimFeatures(model, embed(model, gatherTrimmed(x, M, rows, 0, 7, cols), cols), lengths, false);
          // without the widest width's margin, windows overlapping the padding go missing
          const longest = Math.max(...lengths);
          const bare = model.features.apply(embed(model, gatherTrimmed(x, M, rows, 0, 7, longest), longest));
          return [full, cut, bare as tf.Tensor].map((t) => t.dataSync());
        });
        expect(padded.length).toBe(7 * 18);
        expect(maxAbsDiff(trimmed, padded)).toBeLessThanOrEqual(1e-5);
        expect(maxAbsDiff(tooShort, padded)).toBeGreaterThan(1e-3);
        model.dispose();
      }
    });
  }

  it('gradients (conv kernels and biases, head, embedding rows incl. the pad row) equal the padded ones', () => {
    let naiveWrong = 0;
    for (const widths of [
      [3, 4, 5],
      [1, 2, 7],
    ] as [number, number, number][]) {
      for (let trial = 0; trial < 3; trial++) {
        const model = randomModel(widths, 7 + trial);
        const rng = new Rng(200 + trial);
        const { x, lengths } = randomBatch(7, 1, 10, rng);
        const labels = Int32Array.from({ length: 7 }, () => rng.int(2));
        const mask = Float32Array.from({ length: 7 * 18 }, () => (rng.uniform() < 0.5 ? 2 : 0));
        const cols = trimLength(Math.max(...lengths), Math.max(...widths), M);
        const padded = logitsAndGrads(model, x, lengths, M, labels, mask);
        const trimmed = logitsAndGrads(model, x, lengths, cols, labels, mask);
        expect(maxAbsDiff(trimmed.logits, padded.logits)).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(trimmed.loss - padded.loss)).toBeLessThanOrEqual(1e-5);
        // conv kernel/bias of each width, then the head's kernel and bias
        expect(padded.weightGrads.length).toBe(8);
        padded.weightGrads.forEach((g, k) => expect(maxAbsDiff(trimmed.weightGrads[k], g)).toBeLessThanOrEqual(1e-5));
        expect(maxAbsDiff(trimmed.rowGrad, padded.rowGrad)).toBeLessThanOrEqual(1e-5);
        // the pad row does receive gradient; plain tf.max on the trimmed batch (each all-padding window
        // counted once) gets it wrong whenever an all-padding window is a maximum: the tie weighting is exercised
        const padRow = padded.rowGrad.subarray(0, 8);
        expect(Math.max(...padRow.map(Math.abs))).toBeGreaterThan(1e-4);
        const naive = logitsAndGrads(model, x, lengths, cols, labels, mask, 'plain');
        expect(maxAbsDiff(naive.logits, padded.logits)).toBeLessThanOrEqual(1e-5);
        if (maxAbsDiff(naive.rowGrad.subarray(0, 8), padRow) > 1e-4) naiveWrong++;
        model.dispose();
      }
    }
    // an all-padding window is the maximum of some feature in most of these batches
    expect(naiveWrong).toBeGreaterThanOrEqual(4);
  });

  it('kimFeatures refuses a batch too short for exactness', () => {
    const model = randomModel([3, 4, 5], 1);
    const lengths = Int32Array.from([6, 2]);
    // 6 + 5 = 11 columns needed; 10 drop the all-padding window of width 5 for the sentence of length 6
    expect(() => tf.tidy(() => kimFeatures(model, tf.zeros<tf.Rank.R3>([2, 10, 8]), lengths, false))).toThrow(
      /too few/,
    );
    model.dispose();
  });
});

describe('lengthBatches', () => {
  const rng = new Rng(9);
  const lengths = Int32Array.from({ length: 1003 }, () => 1 + rng.int(56));

  it('covers every sentence exactly once per epoch, in full batches but the last, length-sorted within a chunk', () => {
    const r = new Rng(1);
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = lengthBatches(lengths, 50, r, 4);
      expect(batches.length).toBe(Math.ceil(1003 / 50));
      expect(batches.filter((b) => b.length !== 50).map((b) => b.length)).toEqual([3]);
      const seen = new Int32Array(1003);
      for (const b of batches) for (const i of b) seen[i]++;
      expect(seen.every((c) => c === 1)).toBe(true);
      for (const b of batches)
        for (let k = 1; k < b.length; k++) expect(lengths[b[k]]).toBeGreaterThanOrEqual(lengths[b[k - 1]]);
      // sorted within chunks of 200 sentences: padding each batch to its longest costs ~1.24x the true lengths
      // (shuffled batches of 50 would cost ~1.9x)
      let work = 0;
      for (const b of batches) work += b.length * Math.max(...Array.from(b, (i) => lengths[i]));
      expect(work / lengths.reduce((a, l) => a + l, 0)).toBeLessThan(1.3);
    }
  });

  it('is reproducible for a seed and stochastic across seeds and epochs', () => {
    const a = lengthBatches(lengths, 50, new Rng(3)).map((b) => Array.from(b));
    const b = lengthBatches(lengths, 50, new Rng(3)).map((b) => Array.from(b));
    const c = lengthBatches(lengths, 50, new Rng(4)).map((b) => Array.from(b));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    const r = new Rng(3);
    expect(lengthBatches(lengths, 50, r).map((x) => Array.from(x))).toEqual(a);
    expect(lengthBatches(lengths, 50, r).map((x) => Array.from(x))).not.toEqual(a);
  });
});

describe('trainKimCnn with bucketing', () => {
  /** Sentences of 2..16 filler tokens 4..43 with a marker token 2 (positive) or 3 (negative); 0-padded to 30. */
  function sentences(n: number, seed: number) {
    const r = new Rng(seed);
    const x = new Int32Array(n * 30);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      const len = 2 + r.int(15);
      for (let t = 0; t < len; t++) x[i * 30 + t] = 4 + r.int(40);
      x[i * 30 + r.int(len)] = y[i] === 1 ? 2 : 3;
    }
    return { x, y };
  }
  const tr = sentences(120, 1);
  const va = sentences(60, 2);
  const data = { xTrain: tr.x, yTrain: tr.y, xVal: va.x, yVal: va.y, maxLen: 30, vocabSize: 44 };
  const hp: KimHyperparameters = { ...hpOf([3, 4, 5]), log_learning_rate: Math.log(1e-2), batch_size: 20 };

  it('is reproducible for a seed', async () => {
    const a = await trainKimCnn(data, hp, { epochs: 2, seed: 3, bucketing: true });
    const b = await trainKimCnn(data, hp, { epochs: 2, seed: 3, bucketing: true });
    const c = await trainKimCnn(data, hp, { epochs: 2, seed: 4, bucketing: true });
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(b.accuracy).toBe(a.accuracy);
    expect(c.history.map((h) => h.loss)).not.toEqual(a.history.map((h) => h.loss));
  });

  it('with one batch per epoch and no dropout, tracks the padded training (loss, validation accuracy)', async () => {
    // the batch is the whole training set either way (rows in another order), so only rounding differs
    const full = { ...hp, batch_size: 120, dropout_rate: 0 };
    const padded = await trainKimCnn(data, full, { epochs: 4, seed: 2, validateEvery: 1, bucketing: false });
    const bucketed = await trainKimCnn(data, full, { epochs: 4, seed: 2, validateEvery: 1, bucketing: true });
    expect(
      maxAbsDiff(
        bucketed.history.map((h) => h.loss),
        padded.history.map((h) => h.loss),
      ),
    ).toBeLessThanOrEqual(1e-5);
    expect(padded.history[3].loss).toBeLessThan(padded.history[0].loss - 0.05);
    expect(bucketed.history.map((h) => h.valAccuracy)).toEqual(padded.history.map((h) => h.valAccuracy));
    expect(bucketed.accuracy).toBe(padded.accuracy);
  });

  it('learns the marker task as well as the padded path', async () => {
    const r = await trainKimCnn(data, { ...hp, dropout_rate: 0.2 }, { epochs: 8, seed: 1, bucketing: true });
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
