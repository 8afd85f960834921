/**
 * Advice on OpenBLAS's kernel family, without loading tfjs or the addon (the study coordinator uses it): OPENBLAS_CORETYPE
 * set in the environment is a user's choice that the native addon leaves alone, but holding OpenBLAS to its AVX2
 * kernels on a CPU with AVX-512 slows GEMM-heavy training (models:bench's FCN 1.45x, the diatom default's first
 * random trials 1.2x in total), so a study says so once.
 */
import { readFileSync } from 'node:fs';

/** OpenBLAS kernel families that use AVX2 at most (its Zen family runs the Haswell kernels). */
const AVX2_CORES = new Set(['haswell', 'zen', 'sandybridge', 'excavator', 'steamroller', 'piledriver', 'bulldozer']);

/**
 * A note for the GEMM line when OPENBLAS_CORETYPE, set in the environment (the addon leaves a user's choice alone),
 * holds OpenBLAS to AVX2 kernels on a CPU with AVX-512: on such a host (AMD family 26 here) the FCN's epoch took 3.04-3.07 s
 * of CPU with Haswell kernels and 2.02-2.13 s with the SkylakeX or Cooperlake ones OpenBLAS picks by itself. Null
 * when there is nothing to say.
 */
export function coreTypeAdvice(
  core: string,
  envCoreType: string | undefined,
  flags: ReadonlySet<string>,
): string | null {
  if (!envCoreType) return null;
  const avx512 = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => flags.has(f));
  if (avx512 && AVX2_CORES.has(core.toLowerCase())) {
    return `OPENBLAS_CORETYPE=${envCoreType} from the environment keeps AVX2 kernels on this AVX-512 CPU: unset it for faster training`;
  }
  return `OPENBLAS_CORETYPE=${envCoreType} from the environment`;
}

/**
 * The advice above for a GEMM line as gemmInUse() writes it (`native (<library>, core <family>...)`), from this
 * process's environment and CPU: what a study prints once its workers are ready.
 */
export function gemmAdvice(gemmLine: string): string | null {
  const core = /core (\w+)/.exec(gemmLine)?.[1];
  if (!core || !process.env.OPENBLAS_CORETYPE) return null;
  return coreTypeAdvice(core, process.env.OPENBLAS_CORETYPE, cpuFlags());
}

/** The CPU's feature flags (Linux /proc/cpuinfo; empty elsewhere). */
function cpuFlags(): Set<string> {
  try {
    const m = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return new Set(m ? m[1].split(/\s+/) : []);
  } catch {
    return new Set();
  }
}
