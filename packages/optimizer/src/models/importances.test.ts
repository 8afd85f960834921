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
});
