/**
 * Wang et al. (2017) FCN as explicit tf variables and ops:
 *   3 x [conv1d (same padding) -> batch norm -> relu] -> global average pooling -> dense (logits; softmax in the loss).
 * Conv layers carry no bias: a per-channel bias right before batch normalisation is cancelled by the mean subtraction
 * (its gradient is identically zero), so dropping it leaves the function and the training trajectory unchanged.
 * Batch norm follows Keras (momentum 0.99 unless told otherwise, epsilon 1e-3; normalises with the biased batch variance, tracks the moving
 * variance with the unbiased one as TensorFlow's fused kernel does). Initialisation: Glorot uniform kernels, zero
 * biases, gamma 1, beta 0, drawn from our seeded Rng so every backend starts from identical weights.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormReluInference, batchNormReluTraining } from './batchnorm-relu.ts';
import type { FcnHyperparameters } from './hyperparameters.ts';
import { Rng } from './rng.ts';

/** Keras' batch-norm momentum (Wang's code); the default of FcnNet's bnMomentum. */
export const KERAS_BN_MOMENTUM = 0.99;

/**
 * Mean over the time axis of [batch, time, channels]. Its gradient broadcasts dy / time with one Tile instead of
 * tf.mean's default (a multiply by a freshly allocated ones tensor of the input's size).
 */
const globalAveragePool = tf.customGrad((...args: unknown[]) => {
  const x = args[0] as tf.Tensor3D;
  const steps = x.shape[1];
  return {
    value: tf.mean(x, 1),
    gradFunc: (dy: tf.Tensor) => tf.tile(tf.expandDims(tf.div(dy, steps), 1), [1, steps, 1]),
  };
});
const BN_EPSILON = 1e-3;

function glorotUniform(rng: Rng, shape: number[], fanIn: number, fanOut: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (2 * rng.uniform() - 1) * limit;
  return tf.tensor(v, shape, 'float32');
}

export class FcnNet {
  readonly kernels: tf.Variable[] = [];
  readonly gammas: tf.Variable[] = [];
  readonly betas: tf.Variable[] = [];
  readonly movingMeans: Float32Array[] = [];
  readonly movingVariances: Float32Array[] = [];
  readonly denseKernel: tf.Variable;
  readonly denseBias: tf.Variable;

  constructor(
    readonly length: number,
    readonly numClasses: number,
    hp: FcnHyperparameters,
    rng: Rng,
    readonly bnMomentum: number = KERAS_BN_MOMENTUM,
  ) {
    const filters = [hp.conv_1_num_filters, hp.conv_2_num_filters, hp.conv_3_num_filters];
    const sizes = [hp.conv_1_filter_size, hp.conv_2_filter_size, hp.conv_3_filter_size];
    let cin = 1;
    for (let i = 0; i < 3; i++) {
      const k = sizes[i];
      const cout = filters[i];
      this.kernels.push(
        tf.tidy(() => tf.variable(glorotUniform(rng, [k, cin, cout], k * cin, k * cout), true, undefined)),
      );
      this.gammas.push(tf.tidy(() => tf.variable(tf.ones([cout]))));
      this.betas.push(tf.tidy(() => tf.variable(tf.zeros([cout]))));
      this.movingMeans.push(new Float32Array(cout));
      this.movingVariances.push(new Float32Array(cout).fill(1));
      cin = cout;
    }
    this.denseKernel = tf.tidy(() => tf.variable(glorotUniform(rng, [cin, numClasses], cin, numClasses)));
    this.denseBias = tf.tidy(() => tf.variable(tf.zeros([numClasses])));
  }

  trainableVariables(): tf.Variable[] {
    return [...this.kernels, ...this.gammas, ...this.betas, this.denseKernel, this.denseBias];
  }

  /**
   * Logits [batch, numClasses] for x [batch, length, 1]. Training mode uses and tracks batch statistics.
   * Call inside tf.tidy / tf.variableGrads (intermediates are left to the enclosing scope).
   */
  logits(x: tf.Tensor, training: boolean): tf.Tensor2D {
    let h = x as tf.Tensor3D;
    for (let i = 0; i < 3; i++) {
      const conv = tf.conv1d(h, this.kernels[i] as tf.Tensor3D, 1, 'same');
      if (training) {
        h = batchNormReluTraining(conv, this.gammas[i] as tf.Tensor1D, this.betas[i] as tf.Tensor1D, BN_EPSILON, (s) =>
          this.updateMoving(i, s.mean, s.variance, s.count),
        ) as tf.Tensor3D;
      } else {
        const mm = tf.tensor1d(this.movingMeans[i]);
        const mv = tf.tensor1d(this.movingVariances[i]);
        h = batchNormReluInference(
          conv,
          this.gammas[i] as tf.Tensor1D,
          this.betas[i] as tf.Tensor1D,
          mm,
          mv,
          BN_EPSILON,
        ) as tf.Tensor3D;
      }
    }
    const pooled = globalAveragePool(h) as tf.Tensor2D;
    return tf.add<tf.Tensor2D>(tf.matMul(pooled, this.denseKernel), this.denseBias);
  }

  private updateMoving(i: number, mean: Float32Array, variance: Float32Array, count: number): void {
    const mm = this.movingMeans[i];
    const mv = this.movingVariances[i];
    const unbias = count > 1 ? count / (count - 1) : 1;
    for (let c = 0; c < mm.length; c++) {
      mm[c] = mm[c] * this.bnMomentum + mean[c] * (1 - this.bnMomentum);
      mv[c] = mv[c] * this.bnMomentum + variance[c] * unbias * (1 - this.bnMomentum);
    }
  }

  dispose(): void {
    tf.dispose(this.trainableVariables());
  }
}
