#!/usr/bin/env node
/**
 * Builds the optional native BLAS addon (packages/blas/native/blas.c -> packages/blas/build/native/blas.node)
 * with the system C compiler and Node's own headers (<node prefix>/include/node; $PARETOBENCH_NODE_INCLUDE
 * overrides). Nothing is downloaded. Runs at `npm ci` (root postinstall) and as `npx nx run blas:build-native`.
 *
 * The addon is an accelerator: when the compiler or the headers are missing, this prints why and exits 0 (training
 * then keeps XNNPACK's wasm GEMM and the optimizer its JavaScript linear algebra), unless --strict is given.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(pkgDir, 'native', 'blas.c');
const outDir = path.join(pkgDir, 'build', 'native');
const output = path.join(outDir, 'blas.node');

function fail(reason) {
  const msg = `paretobench: optional native BLAS not built (${reason}); training uses tfjs-wasm's own GEMM, the optimizer its JavaScript linear algebra.`;
  if (strict) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}

if (process.env.PARETOBENCH_SKIP_NATIVE === '1') fail('PARETOBENCH_SKIP_NATIVE=1');
if (process.platform !== 'linux' && process.platform !== 'darwin') fail(`unsupported platform ${process.platform}`);
const include =
  process.env.PARETOBENCH_NODE_INCLUDE ?? path.resolve(path.dirname(process.execPath), '..', 'include', 'node');
if (!existsSync(path.join(include, 'node_api.h'))) fail(`no node_api.h under ${include}; set PARETOBENCH_NODE_INCLUDE`);
const cc = process.env.CC ?? 'cc';
mkdirSync(outDir, { recursive: true });
const args = [
  '-O2',
  '-std=c11',
  '-Wall',
  '-fPIC',
  '-shared',
  '-fvisibility=hidden',
  '-DNODE_GYP_MODULE_NAME=blas',
  `-I${include}`,
  source,
  '-o',
  output,
  ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : ['-ldl']),
];
try {
  execFileSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
} catch (e) {
  fail(`${cc} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
}
console.log(`paretobench: built ${path.relative(process.cwd(), output)}`);
