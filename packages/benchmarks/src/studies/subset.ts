/**
 * Deterministic data subsets for scaled presets: `fraction` of the rows, drawn with a seeded shuffle,
 * kept in their original order.
 */
import { Rng } from '@paretobench/optimizer';

export function subsetIndices(n: number, fraction: number, seed: number): number[] {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`subset fraction must be in (0, 1], got ${fraction}`);
  if (fraction === 1) return Array.from({ length: n }, (_, i) => i);
  const keep = Math.max(1, Math.round(n * fraction));
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  return order.slice(0, keep).sort((a, b) => a - b);
}

/** Rows `rows` of a row-major matrix with `width` columns. */
export function takeRows<T extends Float32Array | Int32Array>(x: T, width: number, rows: readonly number[]): T {
  const out = new (x.constructor as { new (n: number): T })(rows.length * width);
  rows.forEach((r, i) => out.set(x.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

export function takeItems(y: Int32Array, rows: readonly number[]): Int32Array {
  return Int32Array.from(rows, (r) => y[r]);
}
