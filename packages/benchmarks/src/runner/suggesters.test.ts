import { describe, expect, it } from 'vitest';
import { record } from '../../test/fixtures.ts';
import { toObservation } from './suggesters.ts';

describe('toObservation: what the optimizer is told about a trial', () => {
  it('a result: its metric values', () => {
    expect(toObservation(record('optimizer', 3, { accuracy: 0.8, time: 2 }, { study: 'rotten' }))).toEqual({
      assignments: { batch_size: 11, log_lr: -7.3 },
      values: [
        { name: 'accuracy', value: 0.8 },
        { name: 'training_time', value: 2 },
      ],
    });
  });

  it('a trial the rule failed: failed, with the values it was judged on', () => {
    const r = record('optimizer', 4, { accuracy: 0.6, time: 300 }, { study: 'rotten', failed: true });
    expect(toObservation(r)).toEqual({
      assignments: r.assignments,
      failed: true,
      values: [
        { name: 'accuracy', value: 0.6 },
        { name: 'training_time', value: 300 },
      ],
    });
  });

  it('a trial that produced nothing (a training error): a bare failure', () => {
    const r = record('optimizer', 5, null, { study: 'rotten' });
    expect(toObservation(r)).toEqual({ assignments: r.assignments, failed: true });
  });
});
