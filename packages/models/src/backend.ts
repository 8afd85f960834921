/**
 * Backend selection: @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node (when the user installed them; they are
 * not dependencies), else tfjs wasm with our gradient kernels, the pure-JS cpu backend last.
 *
 * On wasm, the convolution kernels' matrix products run on the optional native BLAS addon (@paretobench/blas, built
 * at install from source when a C compiler is present, calling an optimised CBLAS such as OpenBLAS found at run time)
 * when it loads, else on XNNPACK's wasm GEMM. PARETOBENCH_NATIVE_GEMM=0 (or initBackend's `gemm: 'xnnpack'`) turns
 * it off; `gemm: 'native'` makes its absence an error. gemmInUse() says which one ran.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadNativeBlas } from '@paretobench/blas';
import { registerWasmGradientKernels, setNativeGemm, type NativeGemm } from './wasm-kernels.ts';

import { BACKEND_CHOICES, BACKEND_NAMES, isBackendChoice, type BackendName } from './backend-names.ts';

export type { BackendName };

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let current: BackendName | undefined;

/** The GEMM asked for: the native addon when it loads ('auto'), the native addon or an error ('native'), or XNNPACK. */
export type GemmChoice = 'auto' | 'native' | 'xnnpack';

let gemm = 'xnnpack';
let coreOverride: string | null = null;

/**
 * The OpenBLAS kernel family the native GEMM set in place of OpenBLAS's generic fallback (packages/blas), or null.
 * A benchmark that runs another OpenBLAS user beside ours (PyTorch) gives it the same through OPENBLAS_CORETYPE.
 */
export function openBlasCoreOverride(): string | null {
  return coreOverride;
}

/** The GEMM behind the wasm convolution kernels after the last initBackend: 'xnnpack' or 'native (<library>)'. */
export function gemmInUse(): string {
  return gemm;
}

/** Loads the native GEMM (the @paretobench/blas addon), or says why it cannot be used. */
export function loadNativeGemm(): { gemm: NativeGemm } | { reason: string } {
  const loaded = loadNativeBlas();
  return 'blas' in loaded ? { gemm: loaded.blas } : loaded;
}

function configureGemm(choice: GemmChoice): void {
  setNativeGemm(undefined);
  gemm = 'xnnpack';
  coreOverride = null;
  if (choice === 'xnnpack') return;
  const loaded = loadNativeGemm();
  if ('gemm' in loaded) {
    setNativeGemm(loaded.gemm);
    const { library, core, coreFallback } = loaded.gemm;
    coreOverride = coreFallback && core ? core : null;
    gemm = `native (${library}${core ? `, core ${core}` : ''}${coreFallback ? ` in place of ${coreFallback}` : ''})`;
  } else if (choice === 'native') {
    throw new Error(`initBackend: gemm 'native' is not available: ${loaded.reason}`);
  }
}

/** The backend chosen by the last initBackend call (undefined before). */
export function currentBackend(): BackendName | undefined {
  return current;
}

async function tryNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<boolean> {
  try {
    const pkg = NATIVE_PACKAGES[name];
    await import(/* @vite-ignore */ pkg);
    // Both native packages register the backend under the name 'tensorflow'.
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

let wasmPathsSet = false;

async function tryWasm(): Promise<boolean> {
  try {
    if (!wasmPathsSet && typeof process !== 'undefined' && process.versions?.node) {
      const require = createRequire(import.meta.url);
      const dist =
        path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
      setWasmPaths(dist);
      wasmPathsSet = true;
    }
    const ok = await tf.setBackend('wasm');
    if (!ok) return false;
    await tf.ready();
    registerWasmGradientKernels();
    return true;
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  const ok = await tf.setBackend('cpu');
  await tf.ready();
  return ok;
}

/**
 * Selects and initialises a tfjs backend. 'auto' tries tensorflow-gpu, tensorflow, wasm, cpu in that order; a named
 * backend is used or an error names why it could not be.
 */
export async function initBackend(
  prefer: 'auto' | BackendName = 'auto',
  options: { gemm?: GemmChoice } = {},
): Promise<BackendName> {
  const env = process.env.PARETOBENCH_NATIVE_GEMM;
  if (env !== undefined && env !== '' && env !== '0' && env !== '1')
    throw new Error(
      `initBackend: PARETOBENCH_NATIVE_GEMM must be 0 (XNNPACK) or 1 (native when it loads), got '${env}'`,
    );
  // callers outside TypeScript (a CLI flag, a worker message) can pass anything: an unknown name is an error, never
  // a silent fall back to the cpu backend reported under the unknown name
  if (!isBackendChoice(prefer))
    throw new Error(`initBackend: unknown backend '${String(prefer)}' (known: ${BACKEND_CHOICES.join(', ')})`);
  const gemmChoice: GemmChoice = options.gemm ?? (env === '0' ? 'xnnpack' : 'auto');
  const order: BackendName[] = prefer === 'auto' ? [...BACKEND_NAMES] : [prefer];
  for (const name of order) {
    let ok: boolean;
    if (name === 'tensorflow-gpu' || name === 'tensorflow') ok = await tryNative(name);
    else if (name === 'wasm') ok = await tryWasm();
    else ok = await tryCpu();
    if (ok) {
      current = name;
      if (name === 'wasm') configureGemm(gemmChoice);
      else {
        setNativeGemm(undefined);
        gemm = name === 'cpu' ? 'cpu' : 'tensorflow';
      }
      return name;
    }
  }
  throw new Error(
    prefer === 'auto'
      ? 'initBackend: no tfjs backend could be initialised'
      : `initBackend: backend '${prefer}' is not available (for 'tensorflow'/'tensorflow-gpu' install ${
          prefer === 'wasm' || prefer === 'cpu' ? 'nothing' : NATIVE_PACKAGES[prefer]
        })`,
  );
}
