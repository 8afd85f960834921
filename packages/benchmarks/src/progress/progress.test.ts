import { describe, expect, it } from 'vitest';
import { createProgress, etaSeconds, formatDuration } from './progress.ts';
import { TrialScheduler } from '../runner/scheduler.ts';
import { record } from '../../test/fixtures.ts';

describe('progress', () => {
  it('formats durations and estimates the time left from this session pace', () => {
    expect(formatDuration(null)).toBe('?');
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(61)).toBe('1m01s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h07m');
    expect(etaSeconds(100, 0, 10)).toBeNull();
    expect(etaSeconds(100, 4, 10)).toBe(250);
  });

  it('writes plain lines off a terminal: resume notice, done/budget and best accuracy per method', () => {
    const lines: string[] = [];
    const s = new TrialScheduler({ optimizer: 2, random: 3 }, 0, [record('random', 0, { accuracy: 0.4, time: 1 })]);
    const p = createProgress({
      tty: false,
      write: (l) => lines.push(l),
      intervalSeconds: 3600,
      accuracyMetric: 'accuracy',
    });
    p.start(s, 1);
    expect(lines[0]).toBe('resuming: 1 trials already in the journal');
    expect(lines[1]).toMatch(/optimizer 0\/2 best - eta \? \| random 1\/3 best 0\.400 eta \?/);
    for (const [m, i, acc, failed] of [
      ['optimizer', 0, 0.7, false],
      ['optimizer', 1, 0.9, true],
      ['random', 1, 0.5, false],
      ['random', 2, 0.1, false],
    ] as const) {
      s.dispatch({ method: m, index: i });
      const r = record(m, i, { accuracy: acc, time: 1 }, { failed });
      s.complete(r);
      p.trial(r, s);
    }
    // only the final line (interval not reached before the end); the failed 0.9 is not "best"
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/optimizer 2\/2 best 0\.700 eta 0s \| random 3\/3 best 0\.500 eta 0s/);
  });
});
