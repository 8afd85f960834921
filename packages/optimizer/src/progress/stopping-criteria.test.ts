import { describe, expect, it } from 'vitest';
import { stoppingCriteria } from './stopping-criteria.ts';
import { parseExperimentConfig, type Observation } from '../space/space.ts';

const one = parseExperimentConfig({
  parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
  metrics: [{ name: 'f' }],
  observation_budget: 40,
});
const two = parseExperimentConfig({
  parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
  metrics: [{ name: 'a' }, { name: 'b', objective: 'minimize', threshold: 5 }],
});
const obs = (f: number): Observation => ({ assignments: { x: 0.5 }, values: [{ name: 'f', value: f }] });
const obs2 = (a: number, b: number): Observation => ({
  assignments: { x: 0.5 },
  values: [
    { name: 'a', value: a },
    { name: 'b', value: b },
  ],
});

describe('stoppingCriteria', () => {
  it('one metric: stagnation once the last 10 (K for one parameter) did not beat the best, after 20', () => {
    const improving = Array.from({ length: 25 }, (_, i) => obs(i));
    expect(stoppingCriteria(one, improving)).toEqual({ should_stop: false, reasons: [] });
    // best at index 14, then 10 worse or equal ones: stagnation; 9 of them: not yet
    const flat = [...Array.from({ length: 15 }, (_, i) => obs(i)), ...Array.from({ length: 10 }, () => obs(14))];
    expect(stoppingCriteria(one, flat)).toEqual({ should_stop: true, reasons: ['possible_stagnation'] });
    expect(stoppingCriteria(one, flat.slice(0, 24)).reasons).toEqual([]);
    // too few observations to judge
    expect(
      stoppingCriteria(
        one,
        Array.from({ length: 19 }, () => obs(1)),
      ).reasons,
    ).toEqual([]);
    // failures do not improve anything
    const failing = [
      ...Array.from({ length: 15 }, (_, i) => obs(i)),
      ...Array.from({ length: 10 }, () => ({ assignments: { x: 0.1 }, failed: true })),
    ];
    expect(stoppingCriteria(one, failing).reasons).toEqual(['possible_stagnation']);
  });

  it('the budget, and both reasons together', () => {
    const flat = [obs(5), ...Array.from({ length: 39 }, () => obs(1))];
    expect(stoppingCriteria(one, flat)).toEqual({
      should_stop: true,
      reasons: ['observation_budget_reached', 'possible_stagnation'],
    });
  });

  it('several metrics: a new non-dominated feasible point is an improvement; an infeasible one is not', () => {
    const base = Array.from({ length: 10 }, (_, i) => obs2(i, 1));
    // 10 more: each trades a for b along a new front (improves); then 10 dominated ones
    const trade = Array.from({ length: 10 }, (_, i) => obs2(20 + i, 2 + i * 0.1));
    const dominated = Array.from({ length: 10 }, () => obs2(0, 4));
    expect(stoppingCriteria(two, [...base, ...trade]).reasons).toEqual([]);
    expect(stoppingCriteria(two, [...base, ...trade, ...dominated]).reasons).toEqual(['possible_stagnation']);
    // far better on a, but b = 9 breaks the threshold (b <= 5): infeasible, no improvement
    const infeasible = Array.from({ length: 10 }, () => obs2(100, 9));
    expect(stoppingCriteria(two, [...base, ...trade, ...infeasible]).reasons).toEqual(['possible_stagnation']);
    expect(stoppingCriteria(two, [...base, ...trade, ...dominated.slice(0, 9), obs2(100, 5)]).reasons).toEqual([]);
  });
});

describe('stoppingCriteria of a multitask experiment', () => {
  const config = parseExperimentConfig({
    parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
    metrics: [{ name: 'f' }],
    observation_budget: 3,
    tasks: [
      { name: 'cheap', cost: 0.1 },
      { name: 'real', cost: 1 },
    ],
  });
  const on = (task: string, f: number): Observation => ({ ...obs(f), task });

  it('spends the budget in task costs (ten 0.1-cost observations spend 1)', () => {
    const cheap = Array.from({ length: 10 }, (_, i) => on('cheap', i));
    expect(stoppingCriteria(config, [...cheap, on('real', 0)]).reasons).toEqual([]);
    expect(stoppingCriteria(config, [...cheap, on('real', 0), on('real', 1)]).reasons).toEqual([
      'observation_budget_reached',
    ]);
  });

  it('judges stagnation on the real task alone: cheap improvements do not count, nor make the window', () => {
    const { observation_budget: _, ...unbudgeted } = config;
    const K = 10;
    const real = Array.from({ length: 2 * K }, (_, i) => on('real', i < K ? i : 0));
    // the last K real observations improved nothing; cheap ones with ever better values in between change nothing
    const mixed = real.flatMap((o, i) => [o, on('cheap', 100 + i)]);
    expect(stoppingCriteria(unbudgeted, mixed).reasons).toEqual(['possible_stagnation']);
    // 2K observations in all, but fewer than 2K of the real task: too early to judge
    expect(stoppingCriteria(unbudgeted, mixed.slice(0, 2 * K + 1)).reasons).toEqual([]);
  });
});
