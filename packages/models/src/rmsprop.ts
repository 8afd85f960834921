/**
 * RMSProp (Tieleman & Hinton 2012) as Keras implements it, after global gradient-norm clipping
 * (Pascanu et al. 2013; tf.clip_by_global_norm):
 *   n = sqrt(sum_i ||g_i||^2);  g_i <- g_i * maxNorm / max(n, maxNorm)
 *   a = rho a + (1 - rho) g^2;  p = p - lr g / (sqrt(a) + epsilon)
 *
 * An embedding table can be kept outside tfjs as a plain Float32Array (`rows` in the constructor) and updated
 * sparsely: a batch only touches the rows of its tokens; every other row has a zero gradient, so the dense update
 * leaves its value alone and only decays its accumulator (a <- rho a). That decay is applied lazily: a row last updated
 * at step s and touched again at step t gets a <- rho^(t-s) a + (1 - rho) g^2, which is the dense result. The global
 * norm includes the table's gradient (duplicate tokens summed first, as the dense gather gradient does).
 */
import * as tf from '@tensorflow/tfjs';
import { makeF32Many, readF32 } from './tensor-memory.ts';

export interface RmsPropConfig {
  lr: number;
  maxGradNorm: number;
  rho?: number; // default 0.9
  epsilon?: number; // default 1e-7
}

/** A table of `count` rows of `dim` float32 values, updated in place by ClippedRmsProp. */
export interface SparseRows {
  values: Float32Array;
  dim: number;
}

/** One step's gradient for a SparseRows table: row ids[k] receives grad[k * dim .. (k + 1) * dim) (ids may repeat). */
export interface RowGradient {
  ids: Int32Array;
  grad: Float32Array;
}

export class ClippedRmsProp {
  lr: number;
  private readonly acc: tf.Variable[];
  private readonly rho: number;
  private readonly epsilon: number;
  private readonly rowAcc: Float32Array | undefined;
  private readonly rowLast: Int32Array | undefined;
  /** Scratch: slot of each row in the current step's aggregated gradient (-1: untouched). */
  private readonly rowSlot: Int32Array | undefined;
  private step = 0;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly cfg: RmsPropConfig,
    private readonly rows?: SparseRows,
  ) {
    this.lr = cfg.lr;
    this.rho = cfg.rho ?? 0.9;
    this.epsilon = cfg.epsilon ?? 1e-7;
    this.acc = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
    if (rows) {
      if (!(Number.isInteger(rows.dim) && rows.dim > 0 && rows.values.length % rows.dim === 0))
        throw new Error(
          `ClippedRmsProp: rows.values (${rows.values.length}) is not a whole number of rows of dim ${rows.dim}`,
        );
      const count = rows.values.length / rows.dim;
      this.rowAcc = new Float32Array(rows.values.length);
      this.rowLast = new Int32Array(count);
      this.rowSlot = new Int32Array(count).fill(-1);
    }
  }

  /** Sums the gradients of repeated ids: the distinct rows (in first-seen order) and their summed gradients. */
  private aggregate(g: RowGradient): { ids: Int32Array; grad: Float32Array } {
    const rows = this.rows;
    const slot = this.rowSlot;
    if (!rows || !slot) throw new Error('ClippedRmsProp: a row gradient was given but no rows table at construction');
    const { dim } = rows;
    const n = g.ids.length;
    if (g.grad.length !== n * dim)
      throw new Error(`ClippedRmsProp: row gradient has ${g.grad.length} values, expected ${n} x ${dim}`);
    const ids: number[] = [];
    for (let k = 0; k < n; k++) {
      const r = g.ids[k];
      if (!(r >= 0 && r < slot.length))
        throw new Error(`ClippedRmsProp: row id ${r} is outside the table (${slot.length} rows)`);
      if (slot[r] < 0) {
        slot[r] = ids.length;
        ids.push(r);
      }
    }
    const sum = new Float32Array(ids.length * dim);
    for (let k = 0; k < n; k++) {
      const dst = slot[g.ids[k]] * dim;
      const src = k * dim;
      for (let j = 0; j < dim; j++) sum[dst + j] += g.grad[src + j];
    }
    for (const r of ids) slot[r] = -1;
    return { ids: Int32Array.from(ids), grad: sum };
  }

  /**
   * Applies one update; returns the global gradient norm before clipping. Does not dispose grads.
   * `rowGradient` is this step's gradient for the rows table given at construction (read before anything else, so
   * a view into the wasm heap is fine).
   */
  apply(grads: tf.Tensor[], rowGradient?: RowGradient): number {
    // first, before any tfjs allocation: rowGradient.grad may be a view into the wasm heap
    const touched = rowGradient ? this.aggregate(rowGradient) : undefined;
    const sq = tf.tidy(() => (grads.length ? tf.addN(grads.map((g) => tf.sum(tf.square(g)))) : tf.scalar(0)));
    let sumSquares = sq.dataSync()[0];
    sq.dispose();
    if (touched) for (let k = 0; k < touched.grad.length; k++) sumSquares += touched.grad[k] * touched.grad[k];
    const norm = Math.sqrt(sumSquares);
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
    this.step++;
    if (touched) this.applyRows(touched.ids, touched.grad, scale);
    return norm;
  }

  private applyRows(ids: Int32Array, grad: Float32Array, scale: number): void {
    const { values: p, dim } = this.rows!;
    const a = this.rowAcc!;
    const last = this.rowLast!;
    const { rho, epsilon, lr, step } = this;
    for (let k = 0; k < ids.length; k++) {
      const r = ids[k];
      const decay = Math.pow(rho, step - last[r]);
      last[r] = step;
      const base = r * dim;
      const src = k * dim;
      for (let j = 0; j < dim; j++) {
        const gk = grad[src + j] * scale;
        const ak = decay * a[base + j] + (1 - rho) * gk * gk;
        a[base + j] = ak;
        p[base + j] -= (lr * gk) / (Math.sqrt(ak) + epsilon);
      }
    }
  }

  dispose(): void {
    for (const x of this.acc) x.dispose();
  }
}
