/**
 * summary.json and report.html are replaced, never rewritten in place: each write goes to a temporary file that is
 * fsync'ed and renamed over the old copy, so a kill at any moment leaves either the old or the new file complete.
 * A rename gives the path a new inode; an in-place rewrite (truncate + write, the crash that left a 0-byte
 * summary.json) keeps the old one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SummarySchema } from '../src/report/summary.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PKG, 'src/cli/study.ts');
const execFileP = promisify(execFile);
const env = { ...process.env, PARETOBENCH_FAKE_TRIAL_MS: '5', CI: '1' };

describe('derived files', () => {
  it('are replaced by rename (new inode, no temporary file left), and the summary parses', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-atomic-'));
    const args = [
      '--import',
      'tsx',
      CLI,
      'rotten',
      '--preset',
      'smoke',
      '--trainer',
      'fake',
      '--workers',
      '1',
      '--out',
      out,
    ];
    await execFileP(process.execPath, args, { cwd: PKG, env });
    const before = ['summary.json', 'report.html'].map((f) => fs.statSync(path.join(out, f)).ino);
    await execFileP(process.execPath, [...args, '--report-only'], { cwd: PKG, env });
    const after = ['summary.json', 'report.html'].map((f) => fs.statSync(path.join(out, f)).ino);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(fs.readdirSync(out).sort()).toEqual(['report.html', 'summary.json', 'trials.jsonl', 'workers.log']);
    SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')));
  }, 60_000);
});
