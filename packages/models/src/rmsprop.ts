/**
 * RMSProp (Tieleman & Hinton 2012) as Keras implements it, after global gradient-norm clipping
 * (Pascanu et al. 2013; tf.clip_by_global_norm):
 *   n = sqrt(sum_i ||g_i||^2);  g_i <- g_i * maxNorm / max(n, maxNorm)
 *   a = rho a + (1 - rho) g^2;  p = p - lr g / (sqrt(a) + epsilon)
 */
import * as tf from '@tensorflow/tfjs';

export interface RmsPropConfig {
  lr: number;
  maxGradNorm: number;
  rho?: number; // default 0.9
  epsilon?: number; // default 1e-7
}

export class ClippedRmsProp {
  lr: number;
  private readonly acc: tf.Variable[];
  private readonly rho: number;
  private readonly epsilon: number;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly cfg: RmsPropConfig,
  ) {
    this.lr = cfg.lr;
    this.rho = cfg.rho ?? 0.9;
    this.epsilon = cfg.epsilon ?? 1e-7;
    this.acc = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
  }

  /** Applies one update; returns the global gradient norm before clipping. Does not dispose grads. */
  apply(grads: tf.Tensor[]): number {
    const sq = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const norm = Math.sqrt(sq.dataSync()[0]);
    sq.dispose();
    const scale = Number.isFinite(norm) ? this.cfg.maxGradNorm / Math.max(norm, this.cfg.maxGradNorm) : 1;
    const { rho, epsilon, lr } = this;
    tf.tidy(() => {
      for (let i = 0; i < this.vars.length; i++) {
        const g = scale === 1 ? grads[i] : tf.mul(grads[i], scale);
        const a = tf.add(tf.mul(this.acc[i], rho), tf.mul(tf.square(g), 1 - rho));
        this.acc[i].assign(a);
        this.vars[i].assign(tf.sub(this.vars[i], tf.div(tf.mul(g, lr), tf.add(tf.sqrt(a), epsilon))));
      }
    });
    return norm;
  }

  dispose(): void {
    for (const x of this.acc) x.dispose();
  }
}
