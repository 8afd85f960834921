/**
 * Reference point for hypervolume-based acquisition when the user gave no thresholds: the nadir of the observed
 * Pareto front minus `scale` times its range per objective (maximisation orientation), as BoTorch's
 * `infer_reference_point`. A metric's threshold, when given, is its coordinate instead.
 */
export function inferReferencePoint(front: readonly (readonly number[])[], scale = 0.1): number[] {
  const m = front[0].length;
  const ref: number[] = [];
  for (let j = 0; j < m; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of front) {
      lo = Math.min(lo, p[j]);
      hi = Math.max(hi, p[j]);
    }
    const range = hi - lo;
    ref.push(lo - scale * (range > 0 ? range : Math.max(Math.abs(lo), 1)));
  }
  return ref;
}
