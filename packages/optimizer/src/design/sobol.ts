/**
 * Sobol low-discrepancy sequence (base 2, 32-bit digits) with Joe & Kuo (2008) direction numbers
 * (new-joe-kuo-6.21201, see sobol-directions.ts), generated in Gray-code order (Antonov & Saleev 1979):
 * x_{n+1} = x_n XOR v_{c(n)}, c(n) = index of the lowest zero bit of n.
 *
 * Convention: the unscrambled sequence starts at the origin, point 0 = (0, ..., 0), then (0.5, ..., 0.5), ...
 * (dimension 1: 0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125, ...), the same order as scipy.stats.qmc.Sobol
 * and the Joe-Kuo reference program (which skips point 0). Nothing is skipped: the first 2^m points form a
 * (t, m, s)-net, which skipping would break.
 *
 * Scrambling (default on, like scipy): a random linear matrix scramble (Matousek 1998: each dimension's digits
 * are multiplied by a random lower-triangular binary matrix with unit diagonal) followed by a random digital
 * shift (XOR). Both keep the net property and make every point uniformly distributed; the randomness comes
 * from Rng(seed), so a given seed always gives the same sequence.
 */
import { JOE_KUO_ROWS, SOBOL_MAX_DIM } from './sobol-directions.ts';
import { Rng } from '../math/rng.ts';

const BITS = 32;
const SCALE = 2 ** -32;

export interface SobolOptions {
  /** Linear matrix scramble + digital shift (default true). */
  scramble?: boolean;
  /** Seed of the scramble (default 0); ignored when scramble is false. */
  seed?: number;
}

function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Unscrambled direction numbers of one dimension (1-based dim), v[k] = m_k / 2^(k+1) as 32-bit integers. */
function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 1) {
    for (let k = 0; k < BITS; k++) v[k] = (1 << (31 - k)) >>> 0;
    return v;
  }
  const row = JOE_KUO_ROWS[dim - 2];
  const s = row[0];
  const a = row[1];
  for (let k = 0; k < s && k < BITS; k++) v[k] = (row[2 + k] << (31 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let x = v[k - s] ^ (v[k - s] >>> s);
    for (let i = 1; i < s; i++) {
      if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i];
    }
    v[k] = x >>> 0;
  }
  return v;
}

export class Sobol {
  readonly dim: number;
  readonly scramble: boolean;
  readonly seed: number;
  private readonly v: Uint32Array[]; // per dimension, BITS direction numbers
  private readonly shift: Uint32Array;
  private readonly x: Uint32Array;
  private n = 0; // index of the next point

  constructor(dim: number, opts: SobolOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1 || dim > SOBOL_MAX_DIM) {
      throw new Error(`Sobol: dim must be an integer in [1, ${SOBOL_MAX_DIM}] (got ${dim})`);
    }
    const seed = opts.seed ?? 0;
    if (!Number.isFinite(seed)) throw new Error(`Sobol: seed must be a finite number (got ${seed})`);
    this.dim = dim;
    this.scramble = opts.scramble ?? true;
    this.seed = seed;
    this.v = [];
    this.shift = new Uint32Array(dim);
    const rng = this.scramble ? new Rng(seed) : null;
    for (let d = 0; d < dim; d++) {
      const base = directionNumbers(d + 1);
      if (rng) {
        // Lower-triangular matrix, row k (output digit k, 0 = most significant, i.e. bit 31 - k): unit
        // diagonal plus random bits on the more significant digits l < k.
        const rows = new Uint32Array(BITS);
        for (let k = 0; k < BITS; k++) {
          const above = k === 0 ? 0 : (rng.nextUint32() & (0xffffffff << (BITS - k))) >>> 0;
          rows[k] = (above | (1 << (31 - k))) >>> 0;
        }
        const scrambled = new Uint32Array(BITS);
        for (let j = 0; j < BITS; j++) {
          let out = 0;
          for (let k = 0; k < BITS; k++) if (parity32(rows[k] & base[j])) out |= 1 << (31 - k);
          scrambled[j] = out >>> 0;
        }
        this.v.push(scrambled);
        this.shift[d] = rng.nextUint32();
      } else {
        this.v.push(base);
      }
    }
    this.x = Uint32Array.from(this.shift);
  }

  /** Number of points drawn so far. */
  get index(): number {
    return this.n;
  }

  /** Next point in [0, 1)^dim. */
  next(): number[] {
    const out = new Array<number>(this.dim);
    this.nextInto(out, 0);
    return out;
  }

  /** Writes the next point into out[offset .. offset + dim). */
  nextInto(out: { [i: number]: number }, offset: number): void {
    if (this.n >= 2 ** BITS) throw new Error('Sobol: exhausted 2^32 points');
    for (let d = 0; d < this.dim; d++) out[offset + d] = this.x[d] * SCALE;
    // advance: flip by the direction number of the lowest zero bit of n
    let c = 0;
    let m = this.n;
    while (m & 1) {
      m = Math.floor(m / 2);
      c++;
    }
    if (c < BITS) for (let d = 0; d < this.dim; d++) this.x[d] = (this.x[d] ^ this.v[d][c]) >>> 0;
    this.n++;
  }

  /** The next n points. */
  draw(n: number): number[][] {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Sobol.draw: n must be a non-negative integer (got ${n})`);
    const pts: number[][] = [];
    for (let i = 0; i < n; i++) pts.push(this.next());
    return pts;
  }

  /** Skip n points (equivalent to draw(n) without building them). */
  fastForward(n: number): this {
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`Sobol.fastForward: n must be a non-negative integer (got ${n})`);
    const target = this.n + n;
    if (target > 2 ** BITS) throw new Error('Sobol: exhausted 2^32 points');
    // Point i (Gray code order) = shift XOR (XOR of v_k over the set bits of gray(i) = i ^ (i >> 1)).
    const g = (target ^ (target >>> 1)) >>> 0;
    for (let d = 0; d < this.dim; d++) {
      let x = this.shift[d];
      let gg = g;
      for (let k = 0; gg > 0; k++) {
        if (gg & 1) x ^= this.v[d][k];
        gg >>>= 1;
      }
      this.x[d] = x >>> 0;
    }
    this.n = target;
    return this;
  }

  /** Back to point 0. */
  reset(): this {
    this.x.set(this.shift);
    this.n = 0;
    return this;
  }
}
