/**
 * The --optimizer-url path against the real SigOpt-compatible server (started through its CLI as a separate
 * process; no import of the server package): every optimizer trial is suggested by the service and its result
 * posted back, random search stays local, and the journal records what the server suggested.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudyTrials } from '../src/runner/run-study.ts';
import { RestSuggester } from '../src/runner/rest-suggester.ts';
import { InProcessSuggester } from '../src/runner/suggesters.ts';
import type { Evaluator } from '../src/runner/process-pool.ts';
import ROTTEN from '../src/studies/rotten/index.ts';
import { getPreset } from '../src/studies/presets.ts';
import { startService } from './service.ts';

/** In-process evaluator with the closed-form stand-in trainer. */
const fakeEvaluator = (size: number): Evaluator => ({
  size,
  backend: 'fake',
  evaluate: async (_w, task) => ROTTEN.fakeMetrics(task.assignments, task.epochs),
  close: async () => {},
});

describe('RestSuggester against the REST service', () => {
  let server: ChildProcess | null = null;
  afterAll(() => {
    server?.kill();
  });

  it('runs the optimizer trials through the service and journals its suggestions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-rest-'));
    const service = await startService(dir);
    server = service.process;
    const { url, token } = service;

    const preset = { ...getPreset(ROTTEN, 'smoke'), budgets: { optimizer: 4, random: 15 } };
    const suggester = await RestSuggester.connect({ url, token, study: ROTTEN, preset, seed: 0, lag: 1, outDir: dir });
    const result = await runStudyTrials({
      study: ROTTEN,
      preset,
      seed: 0,
      outDir: path.join(dir, 'out'),
      workers: 2,
      suggester,
      startEvaluator: async () => fakeEvaluator(2),
    });
    expect(result.header.optimizer).toBe('rest');
    expect(result.trials).toHaveLength(19);

    const auth = { authorization: 'Basic ' + Buffer.from(`${token}:`).toString('base64') };
    const list = (await (await fetch(`${url}/v1/experiments`, { headers: auth })).json()) as {
      data: { id: string; name: string; progress: { observation_count: number; open_suggestion_count: number } }[];
    };
    expect(list.data).toHaveLength(1);
    expect(list.data[0].name).toBe('rotten-smoke-seed0');
    expect(list.data[0].progress.observation_count).toBe(4);
    expect(list.data[0].progress.open_suggestion_count).toBe(0);
    const obs = (await (
      await fetch(`${url}/v1/experiments/${list.data[0].id}/observations?limit=100`, { headers: auth })
    ).json()) as {
      data: { assignments: Record<string, number>; metadata: { trial_index: number } }[];
    };
    const journaled = new Map(
      result.trials.filter((t) => t.method === 'optimizer').map((t) => [t.index, t.assignments]),
    );
    expect(obs.data).toHaveLength(4);
    for (const o of obs.data) expect(o.assignments).toEqual(journaled.get(o.metadata.trial_index));

    // a wrong token is a clear error naming the HTTP status
    await expect(
      RestSuggester.connect({ url, token: 'nope', study: ROTTEN, preset, seed: 0, lag: 1, outDir: dir }),
    ).rejects.toThrow(/HTTP 401/);

    // The service runs the same optimizer as the in-process one: seed, method, observation budget and initial
    // design size travel with the experiment, so one worker (no pending suggestions) gives the same trials.
    const same = { ...getPreset(ROTTEN, 'smoke'), budgets: { optimizer: 8, random: 4 }, initialDesignSize: null };
    const runWith = async (name: string, suggester: InProcessSuggester | RestSuggester) =>
      (
        await runStudyTrials({
          study: ROTTEN,
          preset: same,
          seed: 3,
          outDir: path.join(dir, name),
          workers: 1,
          suggester,
          startEvaluator: async () => fakeEvaluator(1),
        })
      ).trials
        .filter((t) => t.method === 'optimizer')
        .map((t) => t.assignments);
    const local = await runWith('local', new InProcessSuggester(ROTTEN, same, 3, 0));
    const remote = await runWith(
      'remote',
      await RestSuggester.connect({ url, token, study: ROTTEN, preset: same, seed: 3, lag: 0, outDir: dir }),
    );
    expect(local).toHaveLength(8);
    expect(remote).toEqual(local);
  }, 120_000);
});
