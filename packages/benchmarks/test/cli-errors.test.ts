/**
 * Expected errors of the study command are one line naming the file or flag; the stack only with --verbose.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PKG = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PKG, 'src/cli/study.ts');
const execFileP = promisify(execFile);

async function study(args: string[]): Promise<{ code: number; stderr: string }> {
  return execFileP(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: PKG,
    env: { ...process.env, CI: '1' },
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
}

/** A UCR Adiac folder whose TRAIN file has a blank line at line 3. */
function damagedAdiac(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-damaged-'));
  fs.mkdirSync(path.join(dir, 'ucr', 'Adiac'), { recursive: true });
  const row = (label: number) => [label, ...Array.from({ length: 176 }, (_, i) => Math.sin(i + label))].join(',');
  fs.writeFileSync(path.join(dir, 'ucr', 'Adiac', 'Adiac_TRAIN'), `${row(1)}\n${row(2)}\n\n${row(3)}\n`);
  fs.writeFileSync(path.join(dir, 'ucr', 'Adiac', 'Adiac_TEST'), `${row(1)}\n${row(2)}\n`);
  return dir;
}

describe('study command errors', () => {
  it('--workers -1: one line naming the flag, exit 2', async () => {
    const r = await study(['rotten', '--workers', '-1']);
    expect(r).toEqual({
      code: 2,
      stderr: 'study: --workers: Too small: expected number to be >=1 (--help for usage)\n',
    });
  });

  it('a damaged dataset: one line naming file and line, no worker stack; the stack with --verbose', async () => {
    const data = damagedAdiac();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-damaged-out-'));
    const args = [
      'diatom',
      '--preset',
      'smoke',
      '--workers',
      '1',
      '--data-dir',
      data,
      '--out',
      out,
      '--backend',
      'cpu',
    ];
    const r = await study(args);
    expect(r.code).toBe(1);
    const file = path.join(data, 'ucr', 'Adiac', 'Adiac_TRAIN');
    expect(r.stderr).toBe(
      `error: worker 0 failed to start: ${file}:3: blank line between data rows (a lost row, or a hand-edited file?)\n`,
    );
    const v = await study([...args, '--verbose']);
    expect(v.stderr.split('\n')[0]).toBe(r.stderr.trim());
    expect(v.stderr).toMatch(/in the worker: DatasetError: .*\n\s+at /);
  }, 120_000);
});
