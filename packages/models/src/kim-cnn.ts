/**
 * Kim (2014) CNN-rand for sentence classification: embedding(embed_dim, random init) -> conv1d widths 3/4/5
 * (or filter_size_1..3) x 100 feature maps (or num_feature_maps) -> relu -> max-over-time -> dropout -> dense(2) softmax.
 * RMSProp with global gradient-norm clipping at max_grad_norm; the learning rate is halved every 50 epochs.
 * The embedding table lives outside tfjs: each batch gathers its rows, takes their gradient from the tape, and
 * RMSProp updates only those rows (exactly the dense update; rmsprop.ts), instead of a dense [vocab, dim] gradient
 * and a full-table update per step.
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
  /** Embedded sentences [batch, maxLen, embedDim] -> convolutions -> max-over-time, concatenated: [batch, 3 * maps]. */
  features: tf.LayersModel;
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
  const input = tf.input({ shape: [maxLen, dim], dtype: 'float32' });
  const pooled = kimWidths(hp).map((w) => {
    const conv = tf.layers
      .conv1d({
        filters: maps,
        kernelSize: w,
        padding: 'valid',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
      })
      .apply(input) as tf.SymbolicTensor;
    return tf.layers.globalMaxPooling1d().apply(conv) as tf.SymbolicTensor;
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
    features,
    head,
    dispose() {
      features.dispose();
      head.dispose();
    },
  };
}

/** The embedded rows of `ids` as a float32 tensor [ids.length / maxLen, maxLen, dim] (contiguous row copies). */
function embed(model: KimModel, ids: Int32Array, maxLen: number): tf.Tensor3D {
  const dim = model.embedDim;
  const table = model.embedding;
  return makeF32([ids.length / maxLen, maxLen, dim], (out) => {
    for (let k = 0; k < ids.length; k++) out.set(table.subarray(ids[k] * dim, (ids[k] + 1) * dim), k * dim);
  }) as tf.Tensor3D;
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
  /** Logits from embedded sentences [batch, maxLen, dim]. */
  const logits = (emb: tf.Tensor, training: boolean, mask?: tf.Tensor): tf.Tensor => {
    const f = model.features.apply(emb, { training }) as tf.Tensor;
    return model.head.apply(mask ? tf.mul(f, mask) : f, { training }) as tf.Tensor;
  };
  /** Logits from token ids [batch, maxLen] (inference). */
  const logitsOfIds = (x: tf.Tensor): tf.Tensor => {
    const emb = embed(model, x.dataSync() as Int32Array, maxLen);
    return tf.tidy(() => logits(emb, false));
  };

  try {
    for (let epoch = 0; epoch < epochs && !stoppedEarly; epoch++) {
      const te = performance.now();
      opt.lr = lr0 * Math.pow(0.5, Math.floor(epoch / 50));
      rng.shuffle(order);
      let lossSum = 0;
      let seen = 0;
      for (let start = 0; start < nTrain; start += bs) {
        const end = Math.min(nTrain, start + bs);
        const m = end - start;
        const ids = gatherRows(data.xTrain, maxLen, order, start, end);
        // the batch's embedded rows as a variable, so the tape yields their gradient [m, maxLen, dim] directly
        const eb = embed(model, ids, maxLen);
        const xb = tf.variable(eb, true);
        const yIdx = gatherRows(data.yTrain, 1, order, start, end);
        const yb = tf.tidy(() => tf.oneHot(tf.tensor1d(yIdx, 'int32'), 2));
        let mask: tf.Tensor | undefined;
        if (hp.dropout_rate > 0) {
          const mv = new Float32Array(m * featureCount);
          for (let i = 0; i < mv.length; i++) mv[i] = rng.uniform() < keep ? 1 / keep : 0;
          mask = tf.tensor2d(mv, [m, featureCount]);
        }
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(yb, logits(xb, true, mask)),
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
        rec.valAccuracy = accuracyOf(predictClasses(logitsOfIds, data.xVal, data.yVal.length, [maxLen]), data.yVal);
      }
      history.push(rec);
      opts.onEpoch?.(rec);
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const { accuracy, inferenceSeconds } = evaluateWithTiming(logitsOfIds, data.xVal, data.yVal, [maxLen]);
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
