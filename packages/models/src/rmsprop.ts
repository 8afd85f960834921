/**
 * RMSProp (Tieleman & Hinton 2012) as Keras implements it, after global gradient-norm clipping
 * (Pascanu et al. 2013; tf.clip_by_global_norm):
 *   n = sqrt(sum_i ||g_i||^2);  g_i <- g_i * maxNorm / max(n, maxNorm)
 *   a = rho a + (1 - rho) g^2;  p = p - lr g / (sqrt(a) + epsilon)
 */
import * as tf from '@tensorflow/tfjs';
import { makeF32Many, readF32 } from './tensor-memory.ts';

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
    for (let i = 0; i < this.vars.length; i++) {
      // One fused pass per variable (a tfjs op chain would make ~8 full-size temporaries; the embedding table is
      // millions of values): a <- rho a + (1 - rho) (s g)^2;  p <- p - lr s g / (sqrt(a) + eps)
      let g: Float32Array;
      let a: Float32Array;
      let p: Float32Array;
      const [newAcc, newP] = makeF32Many(
        [this.acc[i].shape, this.vars[i].shape],
        ([accOut, pOut]) => {
          const n = pOut.length;
          for (let k = 0; k < n; k++) {
            const gk = g[k] * scale;
            const ak = rho * a[k] + (1 - rho) * gk * gk;
            accOut[k] = ak;
            pOut[k] = p[k] - (lr * gk) / (Math.sqrt(ak) + epsilon);
          }
        },
        () => {
          g = readF32(grads[i]);
          a = readF32(this.acc[i]);
          p = readF32(this.vars[i]);
        },
      );
      this.acc[i].assign(newAcc);
      this.vars[i].assign(newP);
      tf.dispose([newAcc, newP]);
    }
    return norm;
  }

  dispose(): void {
    for (const x of this.acc) x.dispose();
  }
}
