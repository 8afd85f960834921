/**
 * Adding a study is one folder: the toy study of test/fixtures/studies/toy/ (found through PARETOBENCH_STUDIES_DIR,
 * no other file knows it) runs through the real CLI, coordinator, journal and worker processes, and the CLI lists it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../src/journal/journal.ts';
import { SummarySchema } from '../src/report/summary.ts';
import { STUDIES_DIR_ENV } from '../src/studies/registry.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PKG, 'src/cli/study.ts');
const FIXTURES = path.join(PKG, 'test/fixtures/studies');
const execFileP = promisify(execFile);

async function study(
  args: string[],
  extraEnv: Record<string, string> = { [STUDIES_DIR_ENV]: FIXTURES },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', PARETOBENCH_FAKE_TRIAL_MS: '5', ...extraEnv };
  if (!(STUDIES_DIR_ENV in extraEnv)) delete env[STUDIES_DIR_ENV];
  return execFileP(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: PKG, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('a study is one folder', () => {
  let root: string;
  const saved = process.env[STUDIES_DIR_ENV];
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-toy-'));
    // summary.json and the journal validate their study name against the registry of this process too
    process.env[STUDIES_DIR_ENV] = FIXTURES;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[STUDIES_DIR_ENV];
    else process.env[STUDIES_DIR_ENV] = saved;
    fs.rmSync(root, { recursive: true, force: true });
  });

  for (const trainer of ['fake', 'real'] as const) {
    it(`runs the toy study end to end (--trainer ${trainer}): trials.jsonl, summary.json, report.html`, async () => {
      const out = path.join(root, trainer);
      const r = await study(['toy', '--preset', 'smoke', '--trainer', trainer, '--workers', '2', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Toy (closed form): accuracy vs latency');
      expect(r.stdout).toContain('failure rule: accuracy < 0.3');

      const journal = readJournal(path.join(out, 'trials.jsonl'));
      expect(journal.header?.study).toBe('toy');
      expect(journal.trials).toHaveLength(3 + 6);
      expect(new Set(journal.trials.map((t) => t.backend))).toEqual(
        new Set([trainer === 'fake' ? 'fake' : 'toy closed form']),
      );
      for (const t of journal.trials) {
        expect(Object.keys(t.assignments).sort()).toEqual(['width', 'x']);
        expect(t.epochs).toBe(2);
        if (t.metrics) expect(Object.keys(t.metrics).sort()).toEqual(['accuracy', 'latency']);
      }

      const summary = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')));
      expect([summary.name, summary.study]).toEqual(['toy-smoke', 'toy']);
      expect(summary.metric_names).toEqual({ accuracy: 'accuracy', time: 'latency', time_label: 'latency (s)' });
      expect(summary.methods.optimizer.completed + summary.methods.random.completed).toBe(9);
      expect(summary.paper_comparison.map((f) => f.paper)).toEqual([0.5]);
      expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('Toy (closed form)');

      // the journal resumes: a second run trains nothing
      const again = await study(['toy', '--preset', 'smoke', '--trainer', trainer, '--workers', '1', '--out', out]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/resuming: 9 trials already in the journal/);
    }, 120_000);
  }

  it('is listed by the CLI when a study is unknown or missing, and by --help', async () => {
    const unknown = await study(['nope']);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: 'study: study: Invalid option: expected one of "diatom"|"rotten"|"toy" (--help for usage)\n',
    });
    const none = await study([]);
    expect(none.stderr).toBe(
      'study: expected exactly one study name (diatom, rotten or toy), got none (--help for usage)\n',
    );
    expect((await study(['--help'])).stdout).toMatch(/^usage: study\.ts <diatom\|rotten\|toy> /);
    // without the extra folder only the built-in studies exist
    const builtIn = await study(['toy'], {});
    expect(builtIn).toMatchObject({
      code: 2,
      stderr: 'study: study: Invalid option: expected one of "diatom"|"rotten" (--help for usage)\n',
    });
  }, 60_000);
});
