import { describe, expect, it } from 'vitest';
import { parameterImportances } from './importances.ts';
import { Sobol } from '../design/sobol.ts';
import { parseExperimentConfig, type Observation } from '../space/space.ts';

describe('parameterImportances', () => {
  const config = parseExperimentConfig({
    parameters: [
      { name: 'steep', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'gentle', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'ignored', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'kind', type: 'categorical', categorical_values: ['a', 'b'] },
    ],
    metrics: [{ name: 'f' }, { name: 'g', objective: 'minimize' }, { name: 'note', strategy: 'store' }],
  });
  // f varies fast in `steep` (a full sine period), slowly and a little in `gentle`, not at all in `ignored`;
  // g depends on `kind` alone
  const sobol = new Sobol(4, { seed: 3 });
  const observations: Observation[] = Array.from({ length: 40 }, () => {
    const [s, g, i, k] = sobol.next();
    const kind = k < 0.5 ? 'a' : 'b';
    return {
      assignments: { steep: s, gentle: g, ignored: i, kind },
      values: [
        { name: 'f', value: Math.sin(2 * Math.PI * s) + 0.2 * g },
        { name: 'g', value: kind === 'a' ? 0 : 1 },
      ],
    };
  });

  it('ranks parameters by how fast each metric changes along them, per metric, summing to 1', () => {
    const out = parameterImportances(config, observations);
    expect(out.map((m) => m.metric)).toEqual(['f', 'g']); // store-only metrics have none
    const f = out[0].importances;
    expect(Object.keys(f).sort()).toEqual(['gentle', 'ignored', 'kind', 'steep']);
    expect(Object.values(f).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(f.steep).toBeGreaterThan(0.5);
    expect(f.steep).toBeGreaterThan(2 * f.gentle);
    expect(f.gentle).toBeGreaterThan(f.ignored);
    const g = out[1].importances;
    expect(g.kind).toBeGreaterThan(0.5);
    expect(g.kind).toBeGreaterThan(3 * Math.max(g.steep, g.gentle, g.ignored));
  });

  it('skips failures and says nothing with fewer than 3 successful observations', () => {
    const few = [...observations.slice(0, 2), { assignments: observations[2].assignments, failed: true }];
    expect(parameterImportances(config, few)).toEqual([
      { metric: 'f', importances: {} },
      { metric: 'g', importances: {} },
    ]);
  });

  it('in a multitask experiment sees the task as an input, not as a parameter: a cheap task observed in one corner with an offset does not make that corner\u2019s parameter important', () => {
    const tasks = parseExperimentConfig({
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
      ],
      metrics: [{ name: 'f' }],
      observation_budget: 40,
      tasks: [
        { name: 'full', cost: 1 },
        { name: 'quick', cost: 0.1 },
      ],
    });
    // f depends on x alone on both tasks; the quick task reads 3 lower and was only run at y >= 0.5, the real one at
    // y < 0.5: pooled as one function, the step in y at 0.5 would be its largest feature
    const pts = new Sobol(2, { seed: 5 });
    const obs: Observation[] = Array.from({ length: 40 }, () => {
      const [x, y] = pts.next();
      const quick = y >= 0.5;
      return {
        assignments: { x, y },
        values: [{ name: 'f', value: Math.sin(2 * Math.PI * x) - (quick ? 3 : 0) }],
        task: quick ? 'quick' : 'full',
      };
    });
    const [f] = parameterImportances(tasks, obs);
    expect(Object.keys(f.importances).sort()).toEqual(['x', 'y']);
    expect(f.importances.x + f.importances.y).toBeCloseTo(1, 12);
    expect(f.importances.x).toBeGreaterThan(0.8);
    // the same data without tasks (the pooled fit this replaces) puts y ahead
    const pooled = parameterImportances({ ...tasks, tasks: undefined }, obs)[0].importances;
    expect(pooled.y).toBeGreaterThan(pooled.x);
  });
});
