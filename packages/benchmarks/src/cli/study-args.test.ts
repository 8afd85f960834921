import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudyArgs } from './study-args.ts';

const error = (argv: string[]): string => {
  try {
    parseStudyArgs(argv);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('parseStudyArgs', () => {
  it('accepts the known backends', () => {
    for (const b of ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
      expect(parseStudyArgs(['diatom', '--backend', b]).backend).toBe(b);
    expect(parseStudyArgs(['diatom']).backend).toBe('auto');
  });

  it('refuses an unknown backend, listing the known ones', () => {
    expect(error(['diatom', '--backend', 'xyz'])).toBe(
      '--backend: unknown backend "xyz" (known: auto, tensorflow-gpu, tensorflow, wasm, cpu) (--help for usage)',
    );
  });

  it('reads a negative number as the value of its flag and refuses it naming the flag, in one line', () => {
    expect(error(['diatom', '--workers', '-1'])).toBe(
      '--workers: Too small: expected number to be >=1 (--help for usage)',
    );
    expect(error(['diatom', '--seed', '-3'])).toBe('--seed: Too small: expected number to be >=0 (--help for usage)');
    expect(error(['diatom', '--colour', 'red'])).toBe("Unknown option '--colour' (--help for usage)");
    expect(error(['diatom', '--preset', 'huge']).split('\n')).toHaveLength(1);
    expect(error([])).toBe('expected exactly one study name (diatom or rotten), got none (--help for usage)');
  });

  it('takes the surrogate flags, with one repeat per core at a time by default, and refuses what does not combine', () => {
    const a = parseStudyArgs(['rotten', '--trainer', 'surrogate', '--repeats', '20', '--preset', 'paper']);
    expect(a.trainer).toBe('surrogate');
    expect(a.repeats).toBe(20);
    expect(a.seeds).toBeNull();
    expect(a.jobs).toBeGreaterThanOrEqual(1);
    expect(a.optimizerMethod).toBe('mobo');
    expect(parseStudyArgs(['rotten', '--trainer', 'surrogate', '--optimizer-method', 'sobol']).optimizerMethod).toBe(
      'sobol',
    );
    expect(error(['rotten', '--seeds', '2', '--repeats', '3'])).toMatch(/^--seeds and --repeats: give one/);
    expect(error(['rotten', '--archive', 'x'])).toBe('--archive: only with --trainer surrogate');
    expect(error(['rotten', '--jobs', '2'])).toMatch(/^--jobs: only with --trainer surrogate or fake/);
    expect(
      error([
        'rotten',
        '--trainer',
        'surrogate',
        '--jobs',
        '2',
        '--optimizer-url',
        'http://127.0.0.1:1',
        '--token',
        't',
      ]),
    ).toMatch(/^--jobs: not with --optimizer-url/);
    expect(
      error(['rotten', '--optimizer-method', 'random', '--optimizer-url', 'http://127.0.0.1:1', '--token', 't']),
    ).toMatch(/^--optimizer-method: only in-process/);
    expect(parseStudyArgs(['rotten', '--trainer', 'surrogate', '--optimizer-method', 'tpe']).optimizerMethod).toBe(
      'tpe',
    );
    expect(error(['rotten', '--optimizer-method', 'cmaes'])).toMatch(/^--optimizer-method: /);
    // --budget: a budget sweep of one preset, in its own default folder
    expect(parseStudyArgs(['diatom', '--budget', '40'])).toMatchObject({
      budget: 40,
      out: path.join('reports', 'diatom-default-b40'),
    });
    expect(parseStudyArgs(['diatom']).budget).toBeNull();
    expect(parseStudyArgs(['diatom', '--budget', '040']).out).toBe(path.join('reports', 'diatom-default-b40'));
    expect(parseStudyArgs(['diatom', '--budget', '40', '--optimizer-method', 'tpe']).out).toBe(
      path.join('reports', 'diatom-default-b40-tpe'),
    );
    expect(parseStudyArgs(['rotten', '--optimizer-method', 'sobol']).out).toBe(
      path.join('reports', 'rotten-default-sobol'),
    );
    expect(parseStudyArgs(['diatom', '--trainer', 'surrogate', '--preset', 'paper']).out).toBe(
      path.join('reports', 'diatom-paper-surrogate'),
    );
    expect(
      parseStudyArgs(['diatom', '--trainer', 'surrogate', '--budget', '80', '--optimizer-method', 'tpe']).out,
    ).toBe(path.join('reports', 'diatom-default-surrogate-b80-tpe'));
    expect(parseStudyArgs(['diatom']).out).toBe(path.join('reports', 'diatom-default'));
    expect(error(['diatom', '--budget', '0'])).toMatch(/^--budget: /);
    expect(error(['diatom', '--budget', 'x'])).toMatch(/^--budget: expected an integer/);
    expect(error(['rotten', '--budget', '16', '--optimizer-url', 'http://127.0.0.1:1', '--token', 't'])).toMatch(
      /^--budget: only in-process/,
    );
    // --remote: the service holds the trials; one comparison per run
    const url = ['--optimizer-url', 'http://127.0.0.1:1', '--token', 't'];
    expect(parseStudyArgs(['rotten', ...url, '--remote', '--lease', '30'])).toMatchObject({ remote: true, lease: 30 });
    expect(parseStudyArgs(['rotten', ...url, '--remote']).lease).toBeNull();
    expect(error(['rotten', '--remote'])).toBe('--remote needs --optimizer-url and --token');
    expect(error(['rotten', ...url, '--lease', '30'])).toBe('--lease: only with --remote');
    expect(error(['rotten', ...url, '--remote', '--lease', '0'])).toMatch(/^--lease: /);
    expect(error(['rotten', ...url, '--remote', '--seeds', '2'])).toMatch(/^--remote: one comparison per run/);
    expect(error(['rotten', ...url, '--remote', '--trainer', 'surrogate'])).toMatch(/^--remote: the workers train/);
    // with --optimizer-url a surrogate run asks the one service in turn
    expect(
      parseStudyArgs(['rotten', '--trainer', 'surrogate', '--optimizer-url', 'http://127.0.0.1:1', '--token', 't'])
        .jobs,
    ).toBe(1);
  });
});
