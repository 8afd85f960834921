import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hypervolume } from '@paretobench/optimizer';
import { describe, expect, it } from 'vitest';
import { makeProblem } from '../synthetic/problems.ts';
import { runSynthetic } from '../synthetic/run.ts';
import { parseSyntheticArgs, runSyntheticCli } from './synthetic.ts';

describe('synthetic CLI', () => {
  it('writes a summary whose hypervolumes match its points', () => {
    const out = mkdtempSync(join(tmpdir(), 'synthetic-'));
    runSyntheticCli(
      ['--problem', 'branincurrin', '--method', 'mobo', '--budget', '8', '--seed', '1', '--seeds', '2', '--out', out],
      () => {},
    );
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({
      problem: 'branincurrin',
      dim: 2,
      method: 'mobo',
      budget: 8,
      seed: 1,
      seeds: [1, 2],
      reference_point: [-18, -6],
    });
    expect(s.suggest_ms.median).toBeGreaterThan(0);
    const p = makeProblem('branincurrin');
    for (const r of s.runs) {
      expect(r.points).toHaveLength(8);
      for (const pt of r.points) expect(pt.y).toEqual(p.evaluate(pt.x));
      expect(r.hypervolume).toBeCloseTo(
        hypervolume(
          r.points.map((q: { y: number[] }) => q.y),
          [-18, -6],
        ),
        10,
      );
      for (let i = 1; i < 8; i++) expect(r.hv_trace[i]).toBeGreaterThanOrEqual(r.hv_trace[i - 1]);
      expect(r.phases.slice(0, 6)).toEqual(Array(6).fill('initial'));
    }
    expect(s.hypervolume).toBeCloseTo((s.runs[0].hypervolume + s.runs[1].hypervolume) / 2, 10);
    expect(s.hypervolume_per_seed).toEqual([s.runs[0].hypervolume, s.runs[1].hypervolume]);
    // the regression check's reference: random search with the same budget and seeds
    const random = [1, 2].map((seed) => runSynthetic('branincurrin', 2, 'random', 8, seed).hypervolume);
    expect(s.random_hypervolume).toBeCloseTo((random[0] + random[1]) / 2, 10);
  });

  it('rejects bad arguments naming the option', () => {
    expect(() => parseSyntheticArgs(['--problem', 'zdt9'])).toThrow(/--problem/);
    expect(() => parseSyntheticArgs(['--problem', 'zdt1', '--budget', '0'])).toThrow(/--budget/);
  });
});
