import { describe, expect, it } from 'vitest';
import { coreTypeAdvice } from './openblas-core.ts';

const AVX512 = new Set(['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq']);
const AVX2 = new Set(['avx2', 'fma']);

describe('coreTypeAdvice', () => {
  it('says to unset OPENBLAS_CORETYPE when it holds an AVX-512 CPU to AVX2 kernels', () => {
    expect(coreTypeAdvice('Haswell', 'Haswell', AVX512)).toBe(
      'OPENBLAS_CORETYPE=Haswell from the environment keeps AVX2 kernels on this AVX-512 CPU: unset it for faster training',
    );
    expect(coreTypeAdvice('Zen', 'zen', AVX512)).toMatch(/unset it for faster training$/);
  });

  it('only names the variable when the kernels are the CPU’s best, and says nothing without it', () => {
    expect(coreTypeAdvice('SkylakeX', 'SkylakeX', AVX512)).toBe('OPENBLAS_CORETYPE=SkylakeX from the environment');
    expect(coreTypeAdvice('Haswell', 'Haswell', AVX2)).toBe('OPENBLAS_CORETYPE=Haswell from the environment');
    expect(coreTypeAdvice('Haswell', undefined, AVX512)).toBeNull();
    expect(coreTypeAdvice('Haswell', '', AVX512)).toBeNull();
  });
});
