import { defineConfig } from 'vitest/config';
import { TMPDIR_SETUP } from '../../vitest.shared.ts';

/** The reliability group (hostile HTTP corpus): `npx nx run server:reliability`, run by .ci/run. */
export default defineConfig({
  test: {
    include: ['reliability/**/*.test.ts'],
    testTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
    globalSetup: [TMPDIR_SETUP],
  },
});
