import { defineConfig } from 'vitest/config';
import { TMPDIR_SETUP } from '../../vitest.shared.ts';

/** The reliability group (kill -9 at random moments of a fake-trainer study): `npx nx run benchmarks:reliability`, run by .ci/run. */
export default defineConfig({
  test: {
    include: ['reliability/**/*.test.ts'],
    testTimeout: 600_000,
    pool: 'forks',
    reporters: ['default'],
    globalSetup: [TMPDIR_SETUP],
  },
});
