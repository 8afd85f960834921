import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const SETUP = fileURLToPath(new URL('./vitest.setup.ts', import.meta.url));
/** Global setup: the run's temporary files in one folder, removed at the end (vitest.tmpdir.ts). */
export const TMPDIR_SETUP = fileURLToPath(new URL('./vitest.tmpdir.ts', import.meta.url));

/**
 * Shared vitest settings: at most two forks per package keeps the 2-core machine usable. The test files of a fork share
 * its module cache (isolate: false): each file no longer pays for a fresh process and a fresh import of the packages
 * it tests, which took a quarter of the test run's CPU (optimizer 64 -> 47 s, server 138 -> 101 s). A test that
 * changes shared state (process.env, a spy, a module mock) restores it in its own afterEach/afterAll.
 */
export function packageTestConfig(testTimeout = 60_000) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [SETUP],
      globalSetup: [TMPDIR_SETUP],
      testTimeout,
      hookTimeout: testTimeout,
      pool: 'forks',
      isolate: false,
      poolOptions: { forks: { maxForks: 2, minForks: 1 } },
      reporters: ['default'],
    },
  });
}

/**
 * The reliability groups (`npx nx run <package>:reliability`, run by .ci/run): their own folder, long timeouts, one
 * fork per file, and the run's temporary files in one folder of their own like every test run.
 */
export function reliabilityTestConfig(testTimeout: number) {
  return defineConfig({
    test: {
      include: ['reliability/**/*.test.ts'],
      testTimeout,
      pool: 'forks',
      reporters: ['default'],
      globalSetup: [TMPDIR_SETUP],
    },
  });
}
