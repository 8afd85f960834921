/**
 * --report-only rebuilds the summary and report from the journal of the run it names: a command whose budgets are not
 * the journal's (a --budget run reported without its --budget) is refused, not reported against the wrong budgets.
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

describe('--report-only', () => {
  it('reports a --budget run with its budgets, and refuses other budgets naming both', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-report-only-'));
    const base = ['--import', 'tsx', CLI, 'rotten', '--preset', 'smoke', '--trainer', 'fake', '--workers', '1'];
    // rotten smoke is 4 vs 15: --budget 3 scales the random arm with it (3 vs 11)
    await execFileP(process.execPath, [...base, '--budget', '3', '--out', out], { cwd: PKG, env });
    const ran = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(ran.preset.budgets.optimizer).toBe(3);
    const before = fs.readFileSync(path.join(out, 'summary.json'), 'utf8');
    const refused = await execFileP(process.execPath, [...base, '--out', out, '--report-only'], { cwd: PKG, env }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(refused).not.toBeNull();
    expect(refused!.code).not.toBe(0);
    expect(refused!.stderr).toMatch(/the journal ran 3 optimizer vs 11 random trials, the command asks for 4 vs 15/);
    expect(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).toBe(before);
    await execFileP(process.execPath, [...base, '--budget', '3', '--out', out, '--report-only'], { cwd: PKG, env });
    const again = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(again.methods).toEqual(ran.methods);
  }, 90_000);
});
