import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng.ts';
import { SpaceEncoding, parseExperimentConfig } from '../space/space.ts';
import { optimizeAcquisition } from './acquisition-optimizer.ts';

const D = 12;
const enc = new SpaceEncoding(
  parseExperimentConfig({
    name: 't',
    parameters: Array.from({ length: D }, (_, i) => ({ name: `x${i}`, type: 'double', bounds: { min: 0, max: 1 } })),
    metrics: [{ name: 'f' }],
  }),
);
// increases towards the corner (1, ..., 1): a global search goes there
const score = (X: Float64Array, m: number) =>
  Float64Array.from({ length: m }, (_, i) => X.subarray(i * D, i * D + D).reduce((a, v) => a + v, 0));
const anchors = [new Array<number>(D).fill(0.3), new Array<number>(D).fill(0.5)];
const opts = { anchors, rawSamples: 256, perturbationsPerAnchor: 16, refineStarts: 3, refineIterations: 8 };
const linf = (x: number[], a: number[]) => Math.max(...x.map((v, k) => Math.abs(v - a[k])));

describe('optimizeAcquisition trust regions', () => {
  it('keeps every candidate within half the side length of an anchor', () => {
    const ranked = optimizeAcquisition(enc, score, { ...opts, rng: new Rng(1), trustRegion: 0.2 });
    for (const p of ranked) expect(Math.min(...anchors.map((a) => linf(p.x, a)))).toBeLessThanOrEqual(0.1 + 1e-12);
    // the best lies in the region around (0.5, ...), towards its far corner
    const mean = ranked[0].x.reduce((a, v) => a + v, 0) / D;
    expect(mean).toBeGreaterThan(0.55);
    expect(mean).toBeLessThanOrEqual(0.6 + 1e-12);
  });

  it('searches the whole cube without them', () => {
    const ranked = optimizeAcquisition(enc, score, { ...opts, rng: new Rng(1) });
    expect(Math.min(...anchors.map((a) => linf(ranked[0].x, a)))).toBeGreaterThan(0.1);
  });

  it('puts no candidate on the cube bound where a region is cut by it (reflection, not clamping)', () => {
    const near = [new Array<number>(D).fill(0.05)];
    const ranked = optimizeAcquisition(enc, (X, m) => score(X, m).map((v) => -v), {
      ...opts,
      anchors: near,
      rng: new Rng(2),
      trustRegion: 0.4,
    });
    const onBound = ranked.filter((p) => p.x.some((v) => v === 0 || v === 1)).length;
    expect(ranked.length).toBeGreaterThan(200);
    expect(onBound).toBe(0);
    for (const p of ranked) expect(linf(p.x, near[0])).toBeLessThanOrEqual(0.2 + 1e-12);
  });

  it('leaves categorical choices free: the region confines doubles and integers only', () => {
    const mixed = new SpaceEncoding(
      parseExperimentConfig({
        name: 'm',
        parameters: [
          { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
          { name: 'k', type: 'int', bounds: { min: 0, max: 20 } },
          { name: 'c', type: 'categorical', categorical_values: ['a', 'b', 'c'] },
        ],
        metrics: [{ name: 'f' }],
      }),
    );
    // the anchor has category a; the score prefers c by far and large x
    const anchor = mixed.encode({ x: 0.3, k: 10, c: 'a' });
    const f = (X: Float64Array, m: number) =>
      Float64Array.from({ length: m }, (_, i) => {
        const a = mixed.decode(Array.from(X.subarray(i * mixed.dim, (i + 1) * mixed.dim)));
        return (a.c === 'c' ? 10 : 0) + Number(a.x);
      });
    const ranked = optimizeAcquisition(mixed, f, { ...opts, anchors: [anchor], rng: new Rng(3), trustRegion: 0.2 });
    const best = mixed.decode(ranked[0].x);
    expect(best.c).toBe('c');
    // while the double and the integer stay within the region (x within 0.1 of 0.3, k within 2 of 10)
    for (const p of ranked.slice(0, 50)) {
      const a = mixed.decode(p.x);
      expect(Math.abs(Number(a.x) - 0.3)).toBeLessThanOrEqual(0.1 + 1e-9);
      expect(Math.abs(Number(a.k) - 10)).toBeLessThanOrEqual(2);
    }
  });
});
