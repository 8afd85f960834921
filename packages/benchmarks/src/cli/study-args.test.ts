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
    expect(error(['diatom', '--backend', 'xyz']).split('\n')[0]).toBe(
      '--backend: unknown backend "xyz" (known: auto, tensorflow-gpu, tensorflow, wasm, cpu)',
    );
  });
});
