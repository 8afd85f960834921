import type { OptimizerOptions } from '../options.ts';
import type { Assignments, SpaceEncoding } from '../space/space.ts';

/**
 * Suggestions closer than options.minSeparation to an observed or pending point (continuous coordinates, in the
 * unit cube; discrete ones equal) are repeats.
 */
export class RepeatCheck {
  private readonly points: number[][];
  private readonly continuous: number[];
  private readonly discrete: number[];

  constructor(
    private readonly enc: SpaceEncoding,
    earlier: readonly Assignments[],
    private readonly options: OptimizerOptions,
  ) {
    this.points = earlier.map((a) => enc.encode(a));
    this.continuous = [];
    this.discrete = [];
    for (const c of enc.columns) {
      for (let k = 0; k < c.width; k++)
        (c.param.type === 'double' && !c.grid ? this.continuous : this.discrete).push(c.offset + k);
    }
  }

  /** Counts `a` as one more earlier point. */
  add(a: Assignments): void {
    this.points.push(this.enc.encode(a));
  }

  isRepeat(a: Assignments): boolean {
    const x = this.enc.encode(a);
    const r2 = this.options.minSeparation ** 2;
    return this.points.some((p) => {
      for (const k of this.discrete) if (Math.abs(p[k] - x[k]) > 1e-12) return false;
      let d2 = 0;
      for (const k of this.continuous) d2 += (p[k] - x[k]) ** 2;
      return d2 < r2;
    });
  }
}
