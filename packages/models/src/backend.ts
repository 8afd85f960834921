/**
 * Backend selection: @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node (when the user installed them; they are
 * not dependencies), else tfjs wasm with our gradient kernels, the pure-JS cpu backend last.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmGradientKernels } from './wasm-kernels.ts';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let current: BackendName | undefined;

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
      const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
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
export async function initBackend(prefer: 'auto' | BackendName = 'auto'): Promise<BackendName> {
  const order: BackendName[] = prefer === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [prefer];
  for (const name of order) {
    let ok: boolean;
    if (name === 'tensorflow-gpu' || name === 'tensorflow') ok = await tryNative(name);
    else if (name === 'wasm') ok = await tryWasm();
    else ok = await tryCpu();
    if (ok) {
      current = name;
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
