/**
 * Kim (2014) CNN-rand for sentence classification: embedding(embed_dim, random init) -> conv1d widths 3/4/5
 * (or filter_size_1..3) x 100 feature maps (or num_feature_maps) -> relu -> max-over-time -> dropout -> dense(2) softmax.
 * RMSProp with global gradient-norm clipping at max_grad_norm; the learning rate is halved every 50 epochs.
 * The embedding table lives outside tfjs: each batch gathers its rows, takes their gradient from the tape, and
 * RMSProp updates only those rows (exactly the dense update; rmsprop.ts), instead of a dense [vocab, dim] gradient
 * and a full-table update per step.
 *
 * Length bucketing (TrainOptions.bucketing, on by default): sentences are right-padded with id 0 to maxLen (56 on MR,
 * mean ~20 tokens), so most convolution work would be padding. Each epoch the shuffled training set is cut into
 * chunks of BUCKET_CHUNK_BATCHES batches, each chunk sorted by true length (stable, so equal lengths stay shuffled)
 * and cut into batches, and the batch order shuffled; each batch keeps only its first
 * T = min(maxLen, longest + widest filter width) columns. This is exact, values and gradients, for every sentence:
 * - a window of width w starting at t < L (the sentence's true length) reads only the first t + w <= L + w <= T
 *   columns, so it is in the trimmed batch with the same contents (tokens, then pad rows);
 * - every window starting at t >= L lies wholly in padding: all have one value (bitwise: same inputs, same kernel),
 *   and the trimmed batch keeps the first of them (t = L <= T - w) whenever the padded batch has any (T < maxLen);
 * so max-over-time is the same maximum over the same distinct candidates. The tape's max gradient goes to every
 * window equal to the maximum (tf.max), so the padded batch sends an all-padding maximum's gradient through all
 * maxLen - w + 1 - L of those windows and the trimmed batch through maxLen - T fewer: kimFeatures weights window t = L
 * by 1 + maxLen - T in the backward pass, giving the padded gradient (kernels, biases, the pad row) to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs';
import { currentBackend, initBackend } from './backend.ts';
import {
  KimHyperparametersSchema,
  TrainOptionsSchema,
  parseOrThrow,
  type EpochRecord,
  type KimHyperparameters,
  type TrainOptions,
} from './hyperparameters.ts';
import { ClippedRmsProp } from './rmsprop.ts';
import { makeF32, readF32 } from './tensor-memory.ts';
import { Rng } from './rng.ts';
import {
  accuracyOf,
  checkLabels,
  checkSize,
  evaluateWithTiming,
  gatherRows,
  predictClasses,
  type TrainResult,
} from './training-loop.ts';

export interface KimData {
  xTrain: Int32Array;
  yTrain: Int32Array;
  xVal: Int32Array;
  yVal: Int32Array;
  maxLen: number;
  vocabSize: number;
}

export interface KimModel {
  /** The embedding table, row-major [vocabSize, embedDim], kept outside tfjs and updated sparsely (rmsprop.ts). */
  embedding: Float32Array;
  embedDim: number;
  /** The length sentences are padded to (with id 0); the features of a trimmed batch are those of this padding. */
  maxLen: number;
  /** Filter widths, in the order of `convs` and of the feature blocks. */
  widths: number[];
  /**
   * Embedded sentences [batch, time, embedDim] -> convolutions -> max-over-time, concatenated: [batch, 3 * maps].
   * Any time length >= the widest filter (input shape [null, embedDim]); for training on trimmed batches use
   * kimFeatures, whose gradient is that of the padded batch.
   */
  features: tf.LayersModel;
  /** The convolution layers (relu included) of `features`, sharing its weights. */
  convs: tf.layers.Layer[];
  /** Dense layer to 2 logits. */
  head: tf.Sequential;
  dispose(): void;
}

export function kimWidths(hp: KimHyperparameters): number[] {
  return [hp.filter_size_1 ?? 3, hp.filter_size_2 ?? 4, hp.filter_size_3 ?? 5];
}

export function buildKimCnn(maxLen: number, vocabSize: number, hp: KimHyperparameters, rng: Rng): KimModel {
  const maps = hp.num_feature_maps ?? 100;
  const dim = hp.embed_dim;
  // Kim's CNN-rand initialisation: uniform in [-0.25, 0.25]
  const embRng = new Rng(rng.seed());
  const embedding = new Float32Array(vocabSize * dim);
  for (let i = 0; i < embedding.length; i++) embedding[i] = (2 * embRng.uniform() - 1) * 0.25;
  // variable time length: a trimmed batch runs through the same layers
  const input = tf.input({ shape: [null, dim], dtype: 'float32' });
  const widths = kimWidths(hp);
  const convs = widths.map((w) =>
    tf.layers.conv1d({
      filters: maps,
      kernelSize: w,
      padding: 'valid',
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
    }),
  );
  const pooled = convs.map((conv) => {
    const out = conv.apply(input) as tf.SymbolicTensor;
    return tf.layers.globalMaxPooling1d().apply(out) as tf.SymbolicTensor;
  });
  const concat = tf.layers.concatenate().apply(pooled) as tf.SymbolicTensor;
  const features = tf.model({ inputs: input, outputs: concat });
  const head = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [3 * maps],
        units: 2,
        kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
      }),
    ],
  });
  return {
    embedding,
    embedDim: dim,
    maxLen,
    widths,
    features,
    convs,
    head,
    dispose() {
      features.dispose();
      head.dispose();
    },
  };
}

/** The embedded rows of `ids` as a float32 tensor [ids.length / cols, cols, dim] (contiguous row copies). */
export function embed(model: KimModel, ids: Int32Array, cols: number): tf.Tensor3D {
  const dim = model.embedDim;
  const table = model.embedding;
  return makeF32([ids.length / cols, cols, dim], (out) => {
    for (let k = 0; k < ids.length; k++) out.set(table.subarray(ids[k] * dim, (ids[k] + 1) * dim), k * dim);
  }) as tf.Tensor3D;
}

/** Batches per length-sorted chunk (torchtext's BucketIterator sorts within 100 batches as well). */
export const BUCKET_CHUNK_BATCHES = 100;

/** True length of each row of x (row-major, maxLen columns, padded with id 0): the last non-padding index + 1. */
export function sentenceLengths(x: Int32Array, maxLen: number): Int32Array {
  const n = x.length / maxLen;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let l = maxLen;
    while (l > 0 && x[i * maxLen + l - 1] === 0) l--;
    out[i] = l;
  }
  return out;
}

/** Columns a batch whose longest sentence has `longest` tokens keeps, so that its features are exact (header). */
export function trimLength(longest: number, widest: number, maxLen: number): number {
  return Math.min(maxLen, longest + widest);
}

/** Copies the first `cols` columns of rows idx[start..end) of a row-major matrix with rowLen columns. */
export function gatherTrimmed(
  src: Int32Array,
  rowLen: number,
  idx: Int32Array,
  start: number,
  end: number,
  cols: number,
): Int32Array {
  const out = new Int32Array((end - start) * cols);
  for (let r = start; r < end; r++) {
    const s = idx[r] * rowLen;
    out.set(src.subarray(s, s + cols), (r - start) * cols);
  }
  return out;
}

/**
 * One epoch's batches of rows 0..lengths.length-1, grouped by length: a seeded shuffle, then each chunk of
 * chunkBatches * batchSize rows sorted by length (stable: equal lengths keep their shuffled order) and cut into
 * batches of batchSize (only the last batch of the epoch can be smaller), then the order of the batches shuffled.
 * Every row is in exactly one batch.
 */
export function lengthBatches(
  lengths: Int32Array,
  batchSize: number,
  rng: Rng,
  chunkBatches = BUCKET_CHUNK_BATCHES,
): Int32Array[] {
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new Error(`lengthBatches: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(chunkBatches) && chunkBatches > 0))
    throw new Error(`lengthBatches: chunkBatches must be a positive integer, got ${chunkBatches}`);
  const n = lengths.length;
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const chunk = batchSize * chunkBatches;
  const batches: Int32Array[] = [];
  for (let c = 0; c < n; c += chunk) {
    const part = order.subarray(c, Math.min(n, c + chunk));
    part.set(Array.from(part).sort((a, b) => lengths[a] - lengths[b]));
    for (let s = 0; s < part.length; s += batchSize)
      batches.push(part.subarray(s, Math.min(part.length, s + batchSize)));
  }
  return rng.shuffle(batches);
}

/**
 * tf.max over time (axis 1) of x [batch, time, maps] whose gradient goes, like tf.max's, to every position equal to
 * the maximum, multiplied by weight [batch, time, 1].
 */
function weightedMaxOverTime(x: tf.Tensor3D, weight: tf.Tensor3D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = tf.max(xIn, 1);
    // saved (kept) tensors live until the backward pass, so the caller may dispose weight after the forward one
    save([xIn, y, weight]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xs, ys, ws]: tf.Tensor[]) =>
        tf.mul(tf.mul(tf.expandDims(dy, 1), tf.cast(tf.equal(xs, tf.expandDims(ys, 1)), 'float32')), ws),
    };
  });
  return op(x) as tf.Tensor2D;
}

/**
 * Features [batch, 3 * maps] of sentences embedded [batch, T, dim] from the first T columns of their maxLen-padded
 * rows; lengths[i] is row i's true length and T >= trimLength(max length, widest, maxLen). Equal to the features of
 * the padded batch, and so is the gradient on the tape (the all-padding window at t = lengths[i] stands in for the
 * padded batch's maxLen - T further ones; see the header). T = maxLen is plain `features`.
 */
export function kimFeatures(model: KimModel, emb: tf.Tensor3D, lengths: Int32Array, training: boolean): tf.Tensor2D {
  const [m, cols] = emb.shape;
  const { maxLen, widths } = model;
  if (lengths.length !== m) throw new Error(`kimFeatures: ${lengths.length} lengths for a batch of ${m}`);
  if (cols === maxLen) return model.features.apply(emb, { training }) as tf.Tensor2D;
  const extra = maxLen - cols;
  if (!(extra > 0)) throw new Error(`kimFeatures: batch of ${cols} columns is longer than maxLen ${maxLen}`);
  const pooled = model.convs.map((conv, k) => {
    const windows = cols - widths[k] + 1;
    const wv = new Float32Array(m * windows).fill(1);
    for (let i = 0; i < m; i++) {
      if (!(lengths[i] >= 0 && lengths[i] < windows))
        throw new Error(
          `kimFeatures: ${cols} columns are too few for a sentence of length ${lengths[i]} and width ${widths[k]}`,
        );
      wv[i * windows + lengths[i]] += extra;
    }
    const weight = tf.tensor3d(wv, [m, windows, 1]);
    const out = weightedMaxOverTime(conv.apply(emb, { training }) as tf.Tensor3D, weight);
    weight.dispose();
    return out;
  });
  return tf.concat(pooled, -1);
}

export async function trainKimCnn(data: KimData, hpIn: KimHyperparameters, optsIn: TrainOptions): Promise<TrainResult> {
  const hp = parseOrThrow(KimHyperparametersSchema, hpIn, 'Kim CNN hyperparameters');
  const opts = parseOrThrow(TrainOptionsSchema, optsIn, 'Kim CNN train options');
  const { maxLen, vocabSize } = data;
  if (!(Number.isInteger(maxLen) && maxLen > 0))
    throw new Error(`trainKimCnn: maxLen must be a positive integer, got ${maxLen}`);
  if (!(Number.isInteger(vocabSize) && vocabSize > 1))
    throw new Error(`trainKimCnn: vocabSize must be an integer > 1, got ${vocabSize}`);
  const widest = Math.max(...kimWidths(hp));
  if (widest > maxLen) throw new Error(`trainKimCnn: filter width ${widest} exceeds maxLen ${maxLen}`);
  const nTrain = data.yTrain.length;
  if (nTrain === 0) throw new Error('trainKimCnn: yTrain is empty');
  checkSize(data.xTrain, nTrain, maxLen, 'xTrain');
  checkSize(data.xVal, data.yVal.length, maxLen, 'xVal');
  checkLabels(data.yTrain, 2, 'yTrain');
  checkLabels(data.yVal, 2, 'yVal');
  for (const [name, x] of [
    ['xTrain', data.xTrain],
    ['xVal', data.xVal],
  ] as const)
    for (let i = 0; i < x.length; i++)
      if (!(x[i] >= 0 && x[i] < vocabSize))
        throw new Error(`trainKimCnn: ${name}[${i}] = ${x[i]} is not a token id in [0, ${vocabSize})`);

  const epochs = opts.epochs ?? hp.epochs;
  const backend = currentBackend() ?? (await initBackend());
  const rng = new Rng(opts.seed ?? 0);
  const t0 = performance.now();
  const model = buildKimCnn(maxLen, vocabSize, hp, rng);
  const vars = [...model.features.trainableWeights, ...model.head.trainableWeights].map((w) => w.read() as tf.Variable);
  const lr0 = Math.exp(hp.log_learning_rate);
  const opt = new ClippedRmsProp(
    vars,
    { lr: lr0, maxGradNorm: hp.max_grad_norm },
    { values: model.embedding, dim: model.embedDim },
  );
  const featureCount = 3 * (hp.num_feature_maps ?? 100);
  const keep = 1 - hp.dropout_rate;
  const history: EpochRecord[] = [];
  let stoppedEarly: TrainResult['stoppedEarly'];
  const order = Int32Array.from({ length: nTrain }, (_, i) => i);
  const bs = Math.min(hp.batch_size, nTrain);
  const limitMs = opts.timeLimitSeconds !== undefined ? opts.timeLimitSeconds * 1000 : Infinity;
  const bucketing = opts.bucketing ?? true;
  const trainLengths = sentenceLengths(data.xTrain, maxLen);
  /** Logits from embedded sentences [batch, cols, dim], cut from padded rows of the given true lengths. */
  const logits = (emb: tf.Tensor3D, lengths: Int32Array, training: boolean, mask?: tf.Tensor): tf.Tensor => {
    const f = kimFeatures(model, emb, lengths, training);
    return model.head.apply(mask ? tf.mul(f, mask) : f, { training }) as tf.Tensor;
  };
  /** Logits from token ids [batch, maxLen] (inference: forward only, so a trimmed batch is plain `features`). */
  const logitsOfIds = (x: tf.Tensor): tf.Tensor => {
    let ids = x.dataSync() as Int32Array;
    let cols = maxLen;
    if (bucketing) {
      const rows = ids.length / maxLen;
      cols = trimLength(Math.max(0, ...sentenceLengths(ids, maxLen)), widest, maxLen);
      if (cols < maxLen) {
        const cut = new Int32Array(rows * cols);
        for (let r = 0; r < rows; r++) cut.set(ids.subarray(r * maxLen, r * maxLen + cols), r * cols);
        ids = cut;
      }
    }
    const emb = embed(model, ids, cols);
    return tf.tidy(() => {
      const f = model.features.apply(emb, { training: false }) as tf.Tensor;
      return model.head.apply(f, { training: false }) as tf.Tensor;
    });
  };
  // inference batches of similar lengths trim best: validate on the dev set sorted by length (same accuracy)
  let xVal = data.xVal;
  let yVal = data.yVal;
  if (bucketing) {
    const valLengths = sentenceLengths(data.xVal, maxLen);
    const byLength = Int32Array.from(
      Array.from({ length: yVal.length }, (_, i) => i).sort((a, b) => valLengths[a] - valLengths[b]),
    );
    xVal = gatherRows(data.xVal, maxLen, byLength, 0, byLength.length);
    yVal = gatherRows(data.yVal, 1, byLength, 0, byLength.length);
  }

  try {
    for (let epoch = 0; epoch < epochs && !stoppedEarly; epoch++) {
      const te = performance.now();
      opt.lr = lr0 * Math.pow(0.5, Math.floor(epoch / 50));
      let batches: Int32Array[];
      if (bucketing) batches = lengthBatches(trainLengths, bs, rng);
      else {
        rng.shuffle(order);
        batches = [];
        for (let start = 0; start < nTrain; start += bs)
          batches.push(order.subarray(start, Math.min(nTrain, start + bs)));
      }
      let lossSum = 0;
      let seen = 0;
      for (const batch of batches) {
        const m = batch.length;
        const lengths = gatherRows(trainLengths, 1, batch, 0, m);
        const cols = bucketing ? trimLength(Math.max(...lengths), widest, maxLen) : maxLen;
        const ids = gatherTrimmed(data.xTrain, maxLen, batch, 0, m, cols);
        // the batch's embedded rows as a variable, so the tape yields their gradient [m, cols, dim] directly
        const eb = embed(model, ids, cols);
        const xb = tf.variable(eb, true);
        const yIdx = gatherRows(data.yTrain, 1, batch, 0, m);
        const yb = tf.tidy(() => tf.oneHot(tf.tensor1d(yIdx, 'int32'), 2));
        let mask: tf.Tensor | undefined;
        if (hp.dropout_rate > 0) {
          const mv = new Float32Array(m * featureCount);
          for (let i = 0; i < mv.length; i++) mv[i] = rng.uniform() < keep ? 1 / keep : 0;
          mask = tf.tensor2d(mv, [m, featureCount]);
        }
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(yb, logits(xb, lengths, true, mask)),
          [...vars, xb],
        );
        const loss = value.dataSync()[0];
        if (Number.isFinite(loss))
          opt.apply(
            vars.map((v) => grads[v.name]),
            { ids, grad: readF32(grads[xb.name]) },
          );
        tf.dispose([eb, xb, yb, value, ...(mask ? [mask] : []), ...Object.values(grads)]);
        if (!Number.isFinite(loss)) {
          stoppedEarly = 'diverged';
          break;
        }
        lossSum += loss * m;
        seen += m;
        if (performance.now() - t0 > limitMs) {
          stoppedEarly = 'time_limit';
          break;
        }
      }
      const rec: EpochRecord = {
        epoch,
        loss: seen > 0 && stoppedEarly !== 'diverged' ? lossSum / seen : NaN,
        lr: opt.lr,
        seconds: (performance.now() - te) / 1000,
      };
      const every = opts.validateEvery;
      if (every !== undefined && !stoppedEarly && ((epoch + 1) % every === 0 || epoch + 1 === epochs)) {
        rec.valAccuracy = accuracyOf(predictClasses(logitsOfIds, xVal, yVal.length, [maxLen]), yVal);
      }
      history.push(rec);
      opts.onEpoch?.(rec);
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const { accuracy, inferenceSeconds } = evaluateWithTiming(logitsOfIds, xVal, yVal, [maxLen]);
    return {
      accuracy,
      trainSeconds,
      inferenceSeconds,
      epochs: history.length,
      history,
      backend,
      ...(stoppedEarly ? { stoppedEarly } : {}),
    };
  } finally {
    opt.dispose();
    model.dispose();
  }
}
