/**
 * Wang et al. (2017) fully convolutional network for time-series classification:
 * 3 x [conv1d (same padding) -> batch norm -> relu], global average pooling, dense softmax.
 * The network itself lives in fcn-net.ts. Trained with Keras-style Adam (time decay) and ReduceLROnPlateau on the training loss, in a custom loop so the
 * schedules are exact.
 */
import * as tf from '@tensorflow/tfjs';
import { KerasAdam } from './adam.ts';
import { currentBackend, initBackend } from './backend.ts';
import {
  FcnHyperparametersSchema,
  TrainOptionsSchema,
  parseOrThrow,
  type EpochRecord,
  type FcnHyperparameters,
  type TrainOptions,
} from './hyperparameters.ts';
import { ReduceLrOnPlateau } from './plateau.ts';
import { Rng } from './rng.ts';
import { FcnNet } from './fcn-net.ts';
import {
  accuracyOf,
  checkLabels,
  checkSize,
  evaluateWithTiming,
  gatherRows,
  predictClasses,
  type TrainResult,
} from './training-loop.ts';

export interface FcnData {
  xTrain: Float32Array;
  yTrain: Int32Array;
  xVal: Float32Array;
  yVal: Int32Array;
  length: number;
  numClasses: number;
}

export async function trainFcn(data: FcnData, hpIn: FcnHyperparameters, optsIn: TrainOptions): Promise<TrainResult> {
  const hp = parseOrThrow(FcnHyperparametersSchema, hpIn, 'FCN hyperparameters');
  const opts = parseOrThrow(TrainOptionsSchema, optsIn, 'FCN train options');
  if (opts.epochs === undefined) throw new Error('trainFcn: opts.epochs is required');
  const { length, numClasses } = data;
  if (!(Number.isInteger(length) && length > 0))
    throw new Error(`trainFcn: length must be a positive integer, got ${length}`);
  if (!(Number.isInteger(numClasses) && numClasses >= 2))
    throw new Error(`trainFcn: numClasses must be an integer >= 2, got ${numClasses}`);
  const nTrain = data.yTrain.length;
  const nVal = data.yVal.length;
  if (nTrain === 0) throw new Error('trainFcn: yTrain is empty');
  checkSize(data.xTrain, nTrain, length, 'xTrain');
  checkSize(data.xVal, nVal, length, 'xVal');
  checkLabels(data.yTrain, numClasses, 'yTrain');
  checkLabels(data.yVal, numClasses, 'yVal');

  const backend = currentBackend() ?? (await initBackend());
  const rng = new Rng(opts.seed ?? 0);
  const t0 = performance.now();
  const model = new FcnNet(length, numClasses, hp, rng, opts.batchNormMomentum);
  const vars = model.trainableVariables();
  const adam = new KerasAdam(vars, {
    lr: Math.exp(hp.log_lr),
    beta1: 1 - Math.exp(hp.log_beta_1),
    beta2: 1 - Math.exp(hp.log_beta_2),
    epsilon: Math.exp(hp.log_epsilon),
    decay: Math.exp(hp.log_decay),
  });
  const plateau = new ReduceLrOnPlateau({ factor: 0.5, patience: 50, minLr: 1e-4 });
  const history: EpochRecord[] = [];
  let stoppedEarly: TrainResult['stoppedEarly'];
  const order = Int32Array.from({ length: nTrain }, (_, i) => i);
  const bs = Math.min(hp.batch_size, nTrain);
  const limitMs = opts.timeLimitSeconds !== undefined ? opts.timeLimitSeconds * 1000 : Infinity;

  try {
    for (let epoch = 0; epoch < opts.epochs && !stoppedEarly; epoch++) {
      const te = performance.now();
      rng.shuffle(order);
      let lossSum = 0;
      let seen = 0;
      for (let start = 0; start < nTrain; start += bs) {
        const end = Math.min(nTrain, start + bs);
        const xb = tf.tensor3d(gatherRows(data.xTrain, length, order, start, end), [end - start, length, 1]);
        const yIdx = gatherRows(data.yTrain, 1, order, start, end);
        const yb = tf.tidy(() => tf.oneHot(tf.tensor1d(yIdx, 'int32'), numClasses));
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(yb, model.logits(xb, true)),
          vars,
        );
        const loss = value.dataSync()[0];
        if (Number.isFinite(loss)) adam.apply(vars.map((v) => grads[v.name]));
        tf.dispose([xb, yb, value, ...Object.values(grads)]);
        if (!Number.isFinite(loss)) {
          stoppedEarly = 'diverged';
          break;
        }
        lossSum += loss * (end - start);
        seen += end - start;
        if (performance.now() - t0 > limitMs) {
          stoppedEarly = 'time_limit';
          break;
        }
      }
      const rec: EpochRecord = {
        epoch,
        loss: seen > 0 ? lossSum / seen : NaN,
        lr: adam.decayedLr(),
        seconds: (performance.now() - te) / 1000,
      };
      if (stoppedEarly === 'diverged') rec.loss = NaN;
      const every = opts.validateEvery;
      if (every !== undefined && !stoppedEarly && ((epoch + 1) % every === 0 || epoch + 1 === opts.epochs)) {
        rec.valAccuracy = accuracyOf(
          predictClasses((x) => model.logits(x, false), data.xVal, nVal, [length, 1]),
          data.yVal,
        );
      }
      history.push(rec);
      opts.onEpoch?.(rec);
      if (!stoppedEarly) adam.lr = plateau.step(rec.loss, adam.lr);
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const { accuracy, inferenceSeconds } = evaluateWithTiming((x) => model.logits(x, false), data.xVal, data.yVal, [
      length,
      1,
    ]);
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
    adam.dispose();
    model.dispose();
  }
}
