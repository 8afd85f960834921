/**
 * The ask/tell bridge to Optuna. These tests need Debian's python3-optuna for /usr/bin/python3 (or
 * PARETOBENCH_PYTHON); without it they FAIL, saying how to install it: nothing is skipped.
 */
import { hypervolume, type Parameter } from '@paretobench/optimizer';
import { describe, expect, it } from 'vitest';
import { OPTUNA_INSTALL_HINT, OptunaPeer, optunaPython, optunaVersion } from './optuna-peer.ts';
import { makeProblem } from './problems.ts';
import { runMethod } from './run.ts';

function requireOptuna(): void {
  const v = optunaVersion();
  if ('error' in v) throw new Error(`python3-optuna is needed for these tests (${v.error}); ${OPTUNA_INSTALL_HINT}`);
}

const space: Parameter[] = [
  { name: 'x', type: 'double', bounds: { min: -1, max: 2 } },
  { name: 'k', type: 'int', bounds: { min: 0, max: 3 } },
  { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
];

async function trials(sampler: 'tpe' | 'nsga2', seed: number, n: number, objectives = 1) {
  const peer = await OptunaPeer.start({ sampler, seed, parameters: space, objectives });
  const asked = [];
  try {
    for (let i = 0; i < n; i++) {
      const a = await peer.ask();
      asked.push(a);
      // a tiny problem: fail when c = b and k = 3, else (x, -x^2 + k) or x alone
      const x = Number(a.x);
      if (a.c === 'b' && a.k === 3) await peer.tell({ failed: true });
      else await peer.tell({ values: objectives === 1 ? [-(x * x) + Number(a.k)] : [x, -(x * x)] });
    }
  } finally {
    await peer.close();
  }
  return { asked, version: peer.version };
}

describe('Optuna ask/tell bridge', () => {
  it(`runs ${optunaPython()} with python3-optuna`, () => {
    requireOptuna();
  });

  it('TPE proposes native int / categorical / float params in the space, reproducibly for a seed', async () => {
    requireOptuna();
    const a = await trials('tpe', 7, 14);
    expect(a.version).toMatch(/^\d+\.\d+/);
    expect(a.asked).toHaveLength(14);
    for (const p of a.asked) {
      expect(Object.keys(p).sort()).toEqual(['c', 'k', 'x']);
      expect(typeof p.x).toBe('number');
      expect(p.x).toBeGreaterThanOrEqual(-1);
      expect(p.x).toBeLessThanOrEqual(2);
      expect(Number.isInteger(p.k)).toBe(true);
      expect([0, 1, 2, 3]).toContain(p.k);
      expect(['a', 'b']).toContain(p.c);
    }
    const b = await trials('tpe', 7, 14);
    expect(b.asked).toEqual(a.asked);
    const c = await trials('tpe', 8, 14);
    expect(c.asked).not.toEqual(a.asked);
  });

  it('NSGA-II takes two maximised objectives and failed trials', async () => {
    requireOptuna();
    const r = await trials('nsga2', 1, 8, 2);
    expect(r.asked).toHaveLength(8);
    expect(new Set(r.asked.map((p) => p.x)).size).toBe(8);
  });

  it('errors on the Python side come back as errors naming the cause', async () => {
    requireOptuna();
    await expect(
      OptunaPeer.start({ sampler: 'cmaes' as 'tpe', seed: 0, parameters: space, objectives: 1 }),
    ).rejects.toThrow(/sampler must be tpe or nsga2/);
    await expect(
      OptunaPeer.start({ sampler: 'tpe', seed: 0, parameters: space, objectives: 1, python: '/nonexistent/python3' }),
    ).rejects.toThrow(/cannot run \/nonexistent\/python3/);
  });

  it('as a method: our code scores the points Optuna chose (hypervolume of the non-failed points)', async () => {
    requireOptuna();
    const p = makeProblem('constrained-branincurrin');
    const r = await runMethod(p, 'optuna-nsga2', { budget: 12, seed: 3 });
    expect(r.points).toHaveLength(12);
    const ok: number[][] = [];
    for (const pt of r.points) {
      const o = p.evaluate(pt.x);
      expect(pt.y).toEqual(o.failed ? null : o.values);
      if (!o.failed) ok.push(o.values);
    }
    expect(r.failed).toBe(12 - ok.length);
    expect(r.hypervolume).toBeCloseTo(hypervolume(ok, p.refPoint!), 12);
    const s = await runMethod(makeProblem('branin'), 'optuna-tpe', { budget: 6, seed: 3 });
    expect(s.best_value).toBe(Math.max(...s.points.map((q) => q.y![0])));
    expect(s.regret).toBeCloseTo(-0.397887 - s.best_value!, 12);
  });

  it("observed constraints reach Optuna's samplers as constraints_func values (feasible when <= 0)", async () => {
    requireOptuna();
    const peer = await OptunaPeer.start({
      sampler: 'nsga2',
      seed: 0,
      parameters: space,
      objectives: 2,
      constraints: 1,
    });
    try {
      await peer.ask();
      await peer.tell({ values: [1, 2], constraints: [0.5] }); // met: slack 0.5 -> Optuna's -0.5
      await peer.ask();
      await peer.tell({ values: [0, 1], constraints: [-2] }); // missed
      await peer.ask();
      await peer.tell({ failed: true });
      await peer.add({ x: 0, k: 1, c: 'a' }, { values: [3, 3], constraints: [0.25] });
      // what Optuna's own constraints_func hook stored for its samplers, trial by trial
      expect(await peer.trials()).toEqual([
        { number: 0, constraints: [-0.5] },
        { number: 1, constraints: [2] },
        { number: 2, constraints: null },
        { number: 3, constraints: [-0.25] },
      ]);
      await peer.ask();
      await expect(peer.tell({ values: [1, 1] })).rejects.toThrow(/constraints: expected 1 numbers/);
    } finally {
      await peer.close();
    }
    // a study started without constraints refuses them rather than dropping them
    const plain = await OptunaPeer.start({ sampler: 'tpe', seed: 0, parameters: space, objectives: 1 });
    try {
      await plain.ask();
      await expect(plain.tell({ values: [1], constraints: [0.5] })).rejects.toThrow(/constraints: expected 0 numbers/);
    } finally {
      await plain.close();
    }
  });

  it('as a method on a problem with observed constraints: only the feasible points count', async () => {
    requireOptuna();
    const p = makeProblem('c2dtlz2');
    const r = await runMethod(p, 'optuna-tpe', { budget: 12, seed: 1 });
    const feasible: number[][] = [];
    for (const pt of r.points) {
      const o = p.evaluate(pt.x) as { values: number[]; constraints: number[] };
      expect(pt.y).toEqual(o.values);
      expect(pt.c).toEqual(o.constraints);
      if (o.constraints[0] >= 0) feasible.push(o.values);
    }
    expect(r.infeasible).toBe(12 - feasible.length);
    expect(r.infeasible).toBeGreaterThan(0);
    expect(r.hypervolume).toBeCloseTo(hypervolume(feasible, p.refPoint!), 12);
  });
});
