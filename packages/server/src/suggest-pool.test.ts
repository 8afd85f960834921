import { afterAll, describe, expect, it } from 'vitest';
import {
  parseExperimentConfig,
  suggest,
  suggestBatch,
  type Assignments,
  type Observation,
} from '@paretobench/optimizer';
import { SuggestWorkerPool } from './suggest-pool.ts';
import { toyValues } from '../test/harness.ts';

const pool = new SuggestWorkerPool(1);
afterAll(() => pool.close());

const config = parseExperimentConfig({
  parameters: [
    { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
    { name: 'n', type: 'int', bounds: { min: 1, max: 5 } },
    { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
  ],
  metrics: [{ name: 'f1' }, { name: 'f2', objective: 'minimize' }],
  initial_design_size: 4,
  seed: 3,
});

describe('SuggestWorkerPool', () => {
  it('returns exactly what suggest() returns in-process (initial design and model phase)', async () => {
    const observations: Observation[] = [];
    for (let i = 0; i < 6; i++) {
      const input = { config, observations: [...observations], pending: [], index: i };
      const inThread: Assignments = (await pool.run(input)).suggestions[0];
      expect(inThread).toEqual(suggest(input).assignments);
      observations.push({ assignments: inThread, values: toyValues(inThread) });
    }
    // a batch in the thread is the batch in-process
    const input = { config, observations, pending: [], index: 6 };
    const batch = await pool.run(input, 3);
    expect(batch.suggestions).toHaveLength(3);
    expect(batch.suggestions).toEqual(suggestBatch(input, 3).suggestions);
  });

  it('rejects with the optimizer error for a bad input and keeps working', async () => {
    const bad = {
      config,
      observations: [{ assignments: { x: 7, n: 1, c: 'a' }, values: toyValues({ x: 7, n: 1, c: 'a' }) }],
    };
    await expect(pool.run(bad)).rejects.toThrow(/assignments\.x/);
    const ok = await pool.run({ config, observations: [], index: 0 });
    expect(ok.suggestions).toEqual([suggest({ config, observations: [], index: 0 }).assignments]);
  });
});
