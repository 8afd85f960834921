/**
 * Optuna's TPE in the optimizer arm's place. Needs Debian's python3-optuna for /usr/bin/python3 (or
 * PARETOBENCH_PYTHON); without it these tests FAIL, saying how to install it: nothing is skipped.
 */
import { SpaceEncoding, parseExperimentConfig, type Assignments } from '@paretobench/optimizer';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../journal/records.ts';
import { getPreset } from '../studies/presets.ts';
import { getStudy } from '../studies/registry.ts';
import { OPTUNA_INSTALL_HINT, optunaVersion } from '../synthetic/optuna-peer.ts';
import { OptunaSuggester } from './optuna-suggester.ts';
import { InProcessSuggester } from './suggesters.ts';

function requireOptuna(): void {
  const v = optunaVersion();
  if ('error' in v) throw new Error(`python3-optuna is needed for these tests (${v.error}); ${OPTUNA_INSTALL_HINT}`);
}

const study = await getStudy('rotten');
const preset = getPreset(study, 'smoke');

/** A finished trial: a made-up accuracy and training time, or a failure. */
function record(index: number, assignments: Assignments, failed = false): TrialRecord {
  return {
    type: 'trial',
    method: 'optimizer',
    index,
    seq: index,
    assignments,
    failed,
    failure_reason: failed ? 'rule' : null,
    metrics: failed ? null : { accuracy: 0.5 + 0.01 * index, training_time: 100 - index },
    error: null,
    epochs: 1,
    stopped_early: false,
    worker: 0,
    invocation: 0,
    backend: 'fake',
    timing: null,
  } as unknown as TrialRecord;
}

/** Runs k trials, two in flight (trial k sees trials < k - 1), as the runner does with 2 workers. */
async function run(s: OptunaSuggester, n: number, failAt = -1): Promise<Assignments[]> {
  const asked: Assignments[] = [];
  for (let k = 0; k < n; k++) {
    const seen = asked.slice(0, Math.max(0, k - 1)).map((a, i) => record(i, a, i === failAt));
    asked.push(await s.optimizer(k, seen, k > 0 ? [asked[k - 1]] : []));
  }
  return asked;
}

describe('OptunaSuggester', () => {
  it('proposes assignments in the study space, the same for the same seed and history, others for another seed', async () => {
    requireOptuna();
    const enc = new SpaceEncoding(parseExperimentConfig({ parameters: study.parameters, metrics: study.metrics }));
    const a = new OptunaSuggester(study, preset, 3, 1);
    const b = new OptunaSuggester(study, preset, 3, 1);
    const c = new OptunaSuggester(study, preset, 4, 1);
    try {
      const [ra, rb, rc] = [await run(a, 14, 5), await run(b, 14, 5), await run(c, 14, 5)];
      expect(ra).toEqual(rb);
      expect(ra).not.toEqual(rc);
      for (const x of ra) {
        expect(Object.keys(x).sort()).toEqual(study.parameters.map((p) => p.name).sort());
        expect(() => enc.encode(x)).not.toThrow();
        for (const p of study.parameters) {
          if (p.type === 'int') expect(Number.isInteger(x[p.name])).toBe(true);
        }
      }
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  }, 60_000);

  it('tells Optuna every metric in maximisation orientation, and a failure as a failure; its kind names the version', () => {
    requireOptuna();
    const s = new OptunaSuggester(study, preset, 0, 0);
    expect(s.kind).toMatch(/^optuna-tpe-\d+\.\d+/);
    expect(study.metrics.map((m) => m.objective)).toEqual(['maximize', 'minimize']);
    expect(s.outcome(record(2, {}))).toEqual({ values: [0.52, -98] });
    expect(s.outcome(record(2, {}, true))).toEqual({ failed: true });
  });

  it('after a restart takes the journal\u2019s trials as finished trials it did not propose, and models them', async () => {
    requireOptuna();
    // 30 earlier trials in which accuracy falls with dropout_rate and time is flat: a resumed TPE (past its 10 startup
    // trials) proposes low dropout rates; one that did not take them in would still draw uniformly
    const earlier = new InProcessSuggester(study, preset, 11, 0, 'random');
    const history: TrialRecord[] = [];
    for (let i = 0; i < 30; i++) {
      const a = await earlier.random(i);
      const r = record(i, a);
      r.metrics = { accuracy: 1 - Number(a.dropout_rate), training_time: 50 };
      history.push(r);
    }
    const warnings: string[] = [];
    // 6 in flight, so trials 30..35 are asked while the last proposals train (each sees 24..29 of the 30)
    const resumed = new OptunaSuggester(study, preset, 7, 6, (line) => warnings.push(line));
    try {
      const next: number[] = [];
      for (let k = 30; k < 36; k++) next.push(Number((await resumed.optimizer(k, history, [])).dropout_rate));
      // dropout_rate is in [0.1, 0.9]; uniform draws would average 0.5
      expect(next.reduce((x, y) => x + y, 0) / next.length).toBeLessThan(0.3);
      // these trials were not Optuna's: replaying them cannot match, and it says so once
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/other parameters for trial 0 than the journal holds/);
    } finally {
      await resumed.close();
    }
  }, 60_000);

  it('after a restart replays its own journal and goes on exactly as the uninterrupted run', async () => {
    requireOptuna();
    const straight = new OptunaSuggester(study, preset, 3, 1);
    const warnings: string[] = [];
    const resumed = new OptunaSuggester(study, preset, 3, 1, (line) => warnings.push(line));
    try {
      const all = await run(straight, 22, 5);
      // killed after 16 trials were handed out (15 finished, trial 15 training), past TPE's 10 startup trials, so
      // Optuna's own random state has moved: the new peer asks for trial 16
      const out: Assignments[] = [];
      for (let k = 16; k < 22; k++) {
        const seen = all.slice(0, k - 1).map((a, i) => record(i, a, i === 5));
        out.push(await resumed.optimizer(k, seen, [all[k - 1]]));
      }
      expect(out).toEqual(all.slice(16));
      expect(warnings).toEqual([]);
    } finally {
      await Promise.all([straight.close(), resumed.close()]);
    }
  }, 60_000);

  it('draws the random arm from the same stream as with our optimizer', async () => {
    requireOptuna();
    const s = new OptunaSuggester(study, preset, 5, 1);
    const ours = new InProcessSuggester(study, preset, 5, 1);
    for (const j of [0, 1, 17]) expect(await s.random(j)).toEqual(await ours.random(j));
  });
});
