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
});
