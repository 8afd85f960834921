import { describe, expect, it } from 'vitest';
import { TrialScheduler } from './scheduler.ts';
import { record } from '../../test/fixtures.ts';

/** Runs a scheduler to completion with a fixed completion order (first-in first-out over `workers` slots). */
function simulate(s: TrialScheduler, workers: number) {
  const order: string[] = [];
  const running: { method: 'optimizer' | 'random'; index: number }[] = [];
  while (!s.finished()) {
    let slot;
    while (running.length < workers && (slot = s.choose())) {
      s.dispatch(slot);
      if (slot.method === 'optimizer') {
        // suggestion k sees exactly trials 0..k-lag-1
        expect(s.observationsFor(slot.index).map((r) => r.index)).toEqual(
          Array.from({ length: Math.max(0, slot.index - s.lag) }, (_, i) => i),
        );
      }
      running.push(slot);
      order.push(`${slot.method[0]}${slot.index}`);
    }
    const done = running.shift();
    if (!done) throw new Error('deadlock');
    s.complete(record(done.method, done.index, { accuracy: 0.5, time: 0.1 }));
  }
  return order;
}

describe('TrialScheduler', () => {
  it('interleaves the methods in proportion to their budgets (1:10)', () => {
    const s = new TrialScheduler({ optimizer: 4, random: 40 }, 0);
    const order = simulate(s, 1);
    expect(order).toHaveLength(44);
    // sequential: after every optimizer trial come 10 random ones
    expect(order.slice(0, 12)).toEqual(['o0', 'r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'o1']);
    // at any prefix the two methods' completed fractions stay within one trial of each other
    let o = 0;
    let r = 0;
    for (const t of order) {
      if (t.startsWith('o')) o++;
      else r++;
      expect(Math.abs(o / 4 - r / 40)).toBeLessThanOrEqual(1 / 4 + 1e-9);
    }
  });

  it('never lets more than lag+1 optimizer trials run and waits for trial k-lag-1', () => {
    const s = new TrialScheduler({ optimizer: 5, random: 1 }, 1);
    const a = s.choose()!;
    expect(a).toEqual({ method: 'optimizer', index: 0 });
    s.dispatch(a);
    const b = s.choose()!;
    // random is behind now (0/1 vs 1/5)
    expect(b).toEqual({ method: 'random', index: 0 });
    s.dispatch(b);
    const c = s.choose()!;
    expect(c).toEqual({ method: 'optimizer', index: 1 }); // ready: needs trials < 0
    s.dispatch(c);
    expect(s.choose()).toBeNull(); // optimizer 2 needs trial 0 finished
    expect(s.pendingFor(2)).toEqual([1]);
    s.complete(record('optimizer', 0, { accuracy: 0.5, time: 0.1 }));
    expect(s.choose()).toEqual({ method: 'optimizer', index: 2 });
  });

  it('resumes from a journal with a gap: re-runs the missing trial first and keeps the dependency order', () => {
    const done = [0, 1, 2, 4].map((i) => record('optimizer', i, { accuracy: 0.5, time: 0.1 }));
    const s = new TrialScheduler({ optimizer: 6, random: 1 }, 1, [...done, record('random', 0, null)]);
    expect(s.completed('optimizer')).toBe(4);
    expect(s.choose()).toEqual({ method: 'optimizer', index: 3 });
    s.dispatch({ method: 'optimizer', index: 3 });
    expect(s.choose()).toBeNull(); // 5 needs 0..3
    s.complete(record('optimizer', 3, { accuracy: 0.5, time: 0.1 }));
    expect(s.choose()).toEqual({ method: 'optimizer', index: 5 });
    expect(s.observationsFor(5).map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(s.pendingFor(5)).toEqual([4]);
  });

  it('rejects double dispatch, foreign completions and journal records beyond the budget', () => {
    const s = new TrialScheduler({ optimizer: 2, random: 2 }, 0);
    s.dispatch({ method: 'random', index: 0 });
    expect(() => s.dispatch({ method: 'random', index: 0 })).toThrow(/dispatched twice/);
    expect(() => s.complete(record('random', 1, null))).toThrow(/was not running/);
    expect(() => new TrialScheduler({ optimizer: 2, random: 2 }, 0, [record('random', 2, null)])).toThrow(
      /beyond the budget/,
    );
  });

  it('completes every trial exactly once with several workers', () => {
    const s = new TrialScheduler({ optimizer: 7, random: 23 }, 2);
    const order = simulate(s, 3);
    expect(new Set(order).size).toBe(30);
    expect(s.finished()).toBe(true);
  });
});
