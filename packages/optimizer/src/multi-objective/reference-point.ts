/**
 * Reference point for hypervolume-based acquisition when the user gave no thresholds (maximisation orientation): per
 * objective, the nadir (worst value) of the observed Pareto front minus `scale` times the spread of the objective.
 *
 * BoTorch's `infer_reference_point` takes the spread from the Pareto front itself. Early in a run the front is a few
 * neighbouring points, so that margin is tiny, and a point that would extend the front beyond its current ends lies
 * outside the box and has no hypervolume improvement at all: the search refines the middle of the front and never
 * reaches its ends (ZDT1, d = 6, 60 evaluations: hypervolume 112.8 where 120.7 is possible). With `observed` (every
 * observation, dominated ones included) the margin comes from the spread of the data instead, which is what the
 * objective is known to vary over, and the front's ends are worth extending (ZDT1: 119.0; measured in
 * packages/optimizer/BENCHMARKS.md). A metric's threshold, when given, is its coordinate instead.
 */
export function inferReferencePoint(
  front: readonly (readonly number[])[],
  opts: { scale?: number; observed?: readonly (readonly number[])[] } = {},
): number[] {
  const scale = opts.scale ?? 0.1;
  const spreadOf = opts.observed && opts.observed.length > 0 ? opts.observed : front;
  const m = front[0].length;
  const ref: number[] = [];
  for (let j = 0; j < m; j++) {
    let nadir = Infinity;
    for (const p of front) nadir = Math.min(nadir, p[j]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of spreadOf) {
      lo = Math.min(lo, p[j]);
      hi = Math.max(hi, p[j]);
    }
    const range = hi - lo;
    ref.push(nadir - scale * (range > 0 ? range : Math.max(Math.abs(nadir), 1)));
  }
  return ref;
}
