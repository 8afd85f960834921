import { describe, expect, it } from 'vitest';
import { record } from '../../test/fixtures.ts';
import { toObservation } from './suggesters.ts';

describe("toObservation: what the optimizer is told about a trial (the paper's protocol)", () => {
  it('a result: its metric values', () => {
    expect(toObservation(record('optimizer', 3, { accuracy: 0.8, time: 2 }, { study: 'rotten' }))).toEqual({
      assignments: { batch_size: 11, log_lr: -7.3 },
      values: [
        { name: 'accuracy', value: 0.8 },
        { name: 'training_time', value: 2 },
      ],
    });
  });

  it('a trial the rule failed (here too inaccurate) or that produced nothing: a bare failure', () => {
    const judged = record('optimizer', 4, { accuracy: 0.6, time: 30 }, { study: 'rotten', failed: true });
    expect(toObservation(judged)).toEqual({ assignments: judged.assignments, failed: true });
    const crashed = record('optimizer', 5, null, { study: 'rotten' });
    expect(toObservation(crashed)).toEqual({ assignments: crashed.assignments, failed: true });
  });
});
