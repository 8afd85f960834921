/** Synthetic journal records for tests (no training needed). */
import type { Method, TrialRecord } from '../src/journal/records.ts';
import type { JournalHeader } from '../src/journal/records.ts';
import DIATOM from '../src/studies/diatom/index.ts';
import ROTTEN from '../src/studies/rotten/index.ts';
import { getPreset } from '../src/studies/presets.ts';

/** The time metric of each study the fixtures write trials of. */
const TIME_METRIC = new Map([DIATOM, ROTTEN].map((s) => [s.name, s.timeMetric]));

export function record(
  method: Method,
  index: number,
  metrics: { accuracy: number; time: number } | null,
  opts: { failed?: boolean; study?: string; reason?: TrialRecord['failure_reason'] } = {},
): TrialRecord {
  const timeName = TIME_METRIC.get(opts.study ?? 'diatom');
  if (timeName === undefined) throw new Error(`fixtures: no study ${opts.study}`);
  const failed = opts.failed ?? metrics === null;
  return {
    type: 'trial',
    method,
    index,
    seq: index,
    assignments: { batch_size: 8 + (index % 20), log_lr: -7 - index / 10 },
    failed,
    failure_reason: failed ? (opts.reason ?? (metrics === null ? 'error' : 'accuracy_below_threshold')) : null,
    metrics: metrics === null ? null : { accuracy: metrics.accuracy, [timeName]: metrics.time },
    error: metrics === null ? 'boom' : null,
    epochs: 1,
    stopped_early: null,
    epoch_seconds: metrics ? [metrics.time] : [],
    worker: index % 2,
    backend: 'fake',
    timing: {
      started_at: new Date(Date.UTC(2026, 10, 26, 0, 0, index)).toISOString(),
      finished_at: new Date(Date.UTC(2026, 10, 26, 0, 0, index + 1)).toISOString(),
      wall_seconds: 1,
      train_seconds: metrics?.time ?? null,
      inference_seconds: metrics?.time ?? null,
      suggest_ms: method === 'optimizer' ? 10 + index : 0.1,
    },
  };
}

export function header(overrides: Partial<JournalHeader> = {}): JournalHeader {
  return {
    type: 'header',
    version: 1,
    study: 'diatom',
    preset: getPreset(DIATOM, 'smoke'),
    seed: 0,
    fingerprint: 'abc',
    lag: 1,
    optimizer: 'in-process',
    created_at: '2026-11-26T00:00:00.000Z',
    ...overrides,
  };
}

/** A deterministic cloud of trials: random has n points, optimizer k points that sit closer to the frontier. */
export function syntheticTrials(k = 8, n = 40, study = 'diatom'): TrialRecord[] {
  const out: TrialRecord[] = [];
  let s = 12345;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    const time = 0.05 + 0.5 * rnd();
    const acc = Math.min(0.99, 0.3 + 0.5 * time * rnd() + 0.1 * rnd());
    out.push(record('random', i, i % 7 === 3 ? null : { accuracy: acc, time }, { study }));
  }
  for (let i = 0; i < k; i++) {
    const time = 0.05 + 0.5 * rnd();
    const acc = Math.min(0.99, 0.55 + 0.6 * time);
    out.push(record('optimizer', i, { accuracy: acc, time }, { study }));
  }
  return out;
}

/** A uniform point of rotten's space as surrogate features: [dropout, log lr, max grad norm, epochs, batch, embed]. */
export function rottenPoint(rng: { uniform(lo: number, hi: number): number; int(n: number): number }): number[] {
  return [
    rng.uniform(0.1, 0.9),
    rng.uniform(-18.42, 0),
    rng.uniform(1, 10),
    rng.int(96) + 5,
    rng.int(91) + 10,
    rng.int(401) + 100,
  ];
}
