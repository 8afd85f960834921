/**
 * A study run through the service (`--remote`) with two `benchmarks:worker` processes, all real processes against the
 * real server: the workers wait for the coordinator's experiments, one is killed with SIGKILL in the middle of a
 * trial, the other takes that trial over when its lease ends, and the report has the local run's trial counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SummarySchema } from '../src/report/summary.ts';
import { readJournal } from '../src/journal/journal.ts';
import { ROOT, startService, type Service } from './service.ts';

const CLI = path.join(ROOT, 'packages/benchmarks/src/cli');
const ENV = { ...process.env, PARETOBENCH_FAKE_TRIAL_MS: '800', PARETOBENCH_REMOTE_POLL_MS: '200' };

interface Proc {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

function start(script: string, args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(CLI, script), ...args], {
    cwd: ROOT,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exit };
}

describe('remote study workers', () => {
  let service: Service | null = null;
  const procs: Proc[] = [];
  afterAll(() => {
    for (const p of procs) p.child.kill('SIGKILL');
    service?.stop();
  });

  it('two workers train a --remote study; one killed mid-trial loses only that trial; same counts as a local run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-remote-'));
    service = await startService(dir);
    const { url, token } = service;
    const auth = { authorization: 'Basic ' + Buffer.from(`${token}:`).toString('base64') };
    const get = async (p: string) => (await fetch(url + p, { headers: auth })).json();
    const study = ['--study', 'rotten', '--preset', 'smoke', '--seed', '0'];
    const service_ = ['--optimizer-url', url, '--token', token];
    const worker = (name: string) =>
      start('worker.ts', [...service_, ...study, '--trainer', 'fake', '--name', name, '--wait', '60']);

    // the workers come first and wait for the experiments
    const w1 = worker('w1');
    const w2 = worker('w2');
    procs.push(w1, w2);
    await expect.poll(() => w1.out(), { timeout: 30_000 }).toMatch(/waiting for the study's experiments/);
    const coordinator = start('study.ts', [
      'rotten',
      '--preset',
      'smoke',
      '--trainer',
      'fake',
      ...service_,
      '--remote',
      '--lease',
      '3',
      '--workers',
      '2',
      '--out',
      path.join(dir, 'remote'),
    ]);
    procs.push(coordinator);

    // w1 is killed as it starts its third trial
    await expect
      .poll(() => (w1.out().match(/training \w+ suggestion \d+/g) ?? []).length, { timeout: 60_000, interval: 20 })
      .toBeGreaterThanOrEqual(3);
    w1.child.kill('SIGKILL');
    const lost = [...w1.out().matchAll(/training (\w+) suggestion (\d+)/g)].at(-1)!;
    const [, lostArm, lostId] = lost;
    expect(await w1.exit).toBeNull(); // killed, no exit code

    expect(await coordinator.exit, coordinator.out()).toBe(0);
    expect(await w2.exit, w2.out()).toBe(0);
    expect(w2.out()).toMatch(/w2: done, \d+ trial\(s\) trained, 0 dropped/);

    // the service: each arm observed exactly its budget, nothing left open, the lost trial reported once, by w2
    const list = (await get('/v1/experiments')) as {
      data: { id: string; metadata: { arm: string }; progress: Record<string, number> }[];
    };
    expect(list.data).toHaveLength(2);
    const budget: Record<string, number> = { optimizer: 4, random: 15 };
    for (const e of list.data) {
      expect(e.progress.observation_count).toBe(budget[e.metadata.arm]);
      expect(e.progress.open_suggestion_count).toBe(0);
    }
    const lostExp = list.data.find((e) => e.metadata.arm === lostArm)!;
    const obs = (await get(`/v1/experiments/${lostExp.id}/observations?limit=100`)) as {
      data: { suggestion: string; metadata: { trial: { worker: string } } }[];
    };
    const ofLost = obs.data.filter((o) => o.suggestion === lostId);
    expect(ofLost).toHaveLength(1);
    expect(ofLost[0].metadata.trial.worker).toBe('w2');
    expect(w2.out()).toContain(`training ${lostArm} suggestion ${lostId}`);

    // the report: the local run's trial counts and summary fields
    const local = start('study.ts', [
      'rotten',
      '--preset',
      'smoke',
      '--trainer',
      'fake',
      '--workers',
      '2',
      '--seeds',
      '1',
      '--out',
      path.join(dir, 'local'),
    ]);
    procs.push(local);
    expect(await local.exit, local.out()).toBe(0);
    const summary = (name: string) =>
      SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(dir, name, 'summary.json'), 'utf8')));
    const [r, l] = [summary('remote'), summary('local')];
    expect(r.optimizer).toBe('remote');
    for (const m of ['optimizer', 'random'] as const) {
      expect(r.methods[m].completed).toBe(budget[m]);
      expect(r.methods[m].completed).toBe(l.methods[m].completed);
      expect(r.methods[m].budget).toBe(l.methods[m].budget);
    }
    expect(Object.keys(r).sort()).toEqual(Object.keys(l).sort());
    expect(fs.statSync(path.join(dir, 'remote', 'report.html')).size).toBeGreaterThan(10_000);
    const journal = readJournal(path.join(dir, 'remote', 'trials.jsonl'));
    expect(journal.header?.optimizer).toBe('remote');
    expect(journal.trials.map((t) => `${t.method}#${t.index}`).sort()).toEqual(
      [
        ...Array.from({ length: 4 }, (_, i) => `optimizer#${i}`),
        ...Array.from({ length: 15 }, (_, i) => `random#${i}`),
      ].sort(),
    );
    // the random arm's experiment hands out the local random arm's configurations, trial for trial
    const randomOf = (trials: { method: string; assignments: unknown }[]) =>
      trials
        .filter((t) => t.method === 'random')
        .map((t) => JSON.stringify(t.assignments))
        .sort();
    const localJournal = readJournal(path.join(dir, 'local', 'trials.jsonl'));
    expect(randomOf(journal.trials)).toEqual(randomOf(localJournal.trials));
    // both workers' trials, each named in the journal by its order of appearance
    expect(new Set(journal.trials.map((t) => t.worker))).toEqual(new Set([0, 1]));
  }, 180_000);
});
