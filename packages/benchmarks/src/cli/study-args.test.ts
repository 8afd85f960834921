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
});
