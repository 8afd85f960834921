import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.ts';
import { batchNormReluTraining } from './batchnorm-relu.ts';
import { FcnNet } from './fcn-net.ts';
import { Rng } from './rng.ts';
import type { FcnHyperparameters } from './hyperparameters.ts';

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return e / Math.max(1, s);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('fused batch norm + relu', () => {
  it.each(['cpu', 'wasm'] as const)('value and gradients equal the tf-composed version (%s)', async (backend) => {
    await tf.setBackend(backend);
    const rng = new Rng(11);
    const [B, L, C] = [3, 7, 5];
    const x = tf.tensor3d(randn(rng, B * L * C), [B, L, C]);
    const gamma = tf.tensor1d(Float32Array.from({ length: C }, () => 0.5 + rng.uniform()));
    const beta = tf.tensor1d(randn(rng, C));
    const r = tf.tensor3d(randn(rng, B * L * C), [B, L, C]);
    const eps = 1e-3;
    const reference = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1]);
      return tf.relu(tf.batchNorm(a, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, eps));
    };
    let seen: { mean: Float32Array; variance: Float32Array; count: number } | undefined;
    const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      batchNormReluTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, eps, (s) => (seen = s));
    const lossOf = (f: typeof reference) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), r));
    const refGrads = tf.grads(lossOf(reference))([x, gamma, beta]);
    const fusedGrads = tf.grads(lossOf(fused))([x, gamma, beta]);
    expect(maxRelErr(fused(x, gamma, beta).dataSync(), reference(x, gamma, beta).dataSync())).toBeLessThan(1e-5);
    for (let i = 0; i < 3; i++) expect(maxRelErr(fusedGrads[i].dataSync(), refGrads[i].dataSync())).toBeLessThan(1e-4);
    const m = tf.moments(x, [0, 1]);
    expect(seen!.count).toBe(B * L);
    expect(maxRelErr(seen!.mean, m.mean.dataSync())).toBeLessThan(1e-6);
    expect(maxRelErr(seen!.variance, m.variance.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, gamma, beta, r, ...refGrads, ...fusedGrads, m.mean, m.variance]);
    await tf.setBackend('wasm');
  });
});

describe('FcnNet', () => {
  const hp: FcnHyperparameters = {
    batch_size: 4,
    conv_1_num_filters: 6,
    conv_2_num_filters: 5,
    conv_3_num_filters: 4,
    conv_1_filter_size: 4,
    conv_2_filter_size: 3,
    conv_3_filter_size: 2,
    log_lr: -7,
    log_beta_1: -2.3,
    log_beta_2: -6.9,
    log_epsilon: -18,
    log_decay: -23,
  };

  it('equals a tfjs-layers Keras-style FCN with the same weights (logits and gradients, training mode)', () => {
    const L = 12;
    const K = 3;
    const net = new FcnNet(L, K, hp, new Rng(2));
    const ref = tf.sequential();
    const filters = [6, 5, 4];
    const sizes = [4, 3, 2];
    for (let i = 0; i < 3; i++) {
      ref.add(
        tf.layers.conv1d({
          ...(i === 0 ? { inputShape: [L, 1] } : {}),
          filters: filters[i],
          kernelSize: sizes[i],
          padding: 'same',
        }),
      );
      ref.add(tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 }));
      ref.add(tf.layers.activation({ activation: 'relu' }));
    }
    ref.add(tf.layers.globalAveragePooling1d());
    ref.add(tf.layers.dense({ units: K }));
    // tfjs-layers orders weights trainable first (per block: kernel, bias, gamma, beta; dense kernel, bias), then the
    // non-trainable moving statistics
    const weights: tf.Tensor[] = [];
    for (let i = 0; i < 3; i++) weights.push(net.kernels[i], tf.zeros([filters[i]]), net.gammas[i], net.betas[i]);
    weights.push(net.denseKernel, net.denseBias);
    for (let i = 0; i < 3; i++) weights.push(tf.zeros([filters[i]]), tf.ones([filters[i]]));
    ref.setWeights(weights);
    const rng = new Rng(3);
    const x = tf.tensor3d(randn(rng, 5 * L), [5, L, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), K);
    const a = net.logits(x, true).dataSync();
    const b = (ref.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(maxRelErr(a, b)).toBeLessThan(1e-5);
    const gNet = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, net.logits(x, true)),
      net.trainableVariables(),
    );
    const refVars = ref.trainableWeights.map((w) => w.read() as tf.Variable);
    const gRef = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, ref.apply(x, { training: true }) as tf.Tensor),
      refVars,
    );
    expect(gNet.value.dataSync()[0]).toBeCloseTo(gRef.value.dataSync()[0], 5);
    // ref trainable order per block: conv kernel, conv bias, gamma, beta; then dense kernel, bias
    for (let i = 0; i < 3; i++) {
      expect(
        maxRelErr(gNet.grads[net.kernels[i].name].dataSync(), gRef.grads[refVars[4 * i].name].dataSync()),
      ).toBeLessThan(1e-4);
      expect(
        maxRelErr(gNet.grads[net.gammas[i].name].dataSync(), gRef.grads[refVars[4 * i + 2].name].dataSync()),
      ).toBeLessThan(1e-4);
      expect(
        maxRelErr(gNet.grads[net.betas[i].name].dataSync(), gRef.grads[refVars[4 * i + 3].name].dataSync()),
      ).toBeLessThan(1e-4);
      // the conv bias before batch norm has (numerically) zero gradient, which is why FcnNet omits it
      expect(Math.max(...Array.from(gRef.grads[refVars[4 * i + 1].name].dataSync(), Math.abs))).toBeLessThan(1e-5);
    }
    expect(
      maxRelErr(gNet.grads[net.denseKernel.name].dataSync(), gRef.grads[refVars[12].name].dataSync()),
    ).toBeLessThan(1e-4);
    tf.dispose([x, y, gNet.value, gRef.value, ...Object.values(gNet.grads), ...Object.values(gRef.grads)]);
    ref.dispose();
    net.dispose();
  });

  it.each([
    ['Keras, the default', undefined, 0.99],
    ['PyTorch-like, when given', 0.9, 0.9],
  ])('tracks moving statistics with momentum %s (unbiased moving variance)', (_, given, m) => {
    const net = new FcnNet(8, 2, hp, new Rng(4), given);
    const rng = new Rng(5);
    const x = tf.tensor3d(randn(rng, 4 * 8), [4, 8, 1]);
    // layer 1's batch statistics, computed independently
    const conv = tf.conv1d(x, net.kernels[0] as tf.Tensor3D, 1, 'same');
    const { mean, variance } = tf.moments(conv, [0, 1]);
    tf.tidy(() => net.logits(x, true));
    const n = 32;
    const mu = mean.dataSync();
    const v = variance.dataSync();
    for (let c = 0; c < 6; c++) {
      expect(net.movingMeans[0][c]).toBeCloseTo((1 - m) * mu[c], 6);
      expect(net.movingVariances[0][c]).toBeCloseTo(m + (1 - m) * v[c] * (n / (n - 1)), 6);
    }
    tf.dispose([x, conv, mean, variance]);
    net.dispose();
  });
});
