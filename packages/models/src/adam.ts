/**
 * Adam as Keras 2 implemented it, with its time-based decay (lr_t = lr / (1 + decay * iterations)):
 *   t = iterations + 1
 *   lr_t = lr / (1 + decay * iterations) * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2
 *   p = p - lr_t * m / (sqrt(v) + epsilon)
 * (Kingma & Ba 2015, Algorithm 1 with the bias corrections folded into the step size.)
 * The base rate `lr` is public so ReduceLROnPlateau can change it between epochs.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  decay: number;
}

export class KerasAdam {
  lr: number;
  iterations = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly vars: tf.Variable[],
    private readonly cfg: AdamConfig,
  ) {
    this.lr = cfg.lr;
    this.m = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
    this.v = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
  }

  /** The step size the next update uses before bias correction (time decay applied). */
  decayedLr(): number {
    return this.lr / (1 + this.cfg.decay * this.iterations);
  }

  /** Applies one update; grads[i] belongs to vars[i]. Does not dispose grads. */
  apply(grads: tf.Tensor[]): void {
    const { beta1, beta2, epsilon } = this.cfg;
    const t = this.iterations + 1;
    const lrT = (this.decayedLr() * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
    tf.tidy(() => {
      for (let i = 0; i < this.vars.length; i++) {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        this.vars[i].assign(tf.sub(this.vars[i], tf.div(tf.mul(m, lrT), tf.add(tf.sqrt(v), epsilon))));
      }
    });
    this.iterations++;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
