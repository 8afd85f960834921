import { TMPDIR_SETUP, packageTestConfig } from '../../vitest.shared.ts';

/**
 * The server suite on PostgreSQL: `npx nx run server:test` runs it after the SQLite run (project.json; part of
 * `npm test`), or `npx vitest run --config vitest.postgres.config.ts` in packages/server. One throw-away cluster for
 * the run (test/postgres-global-setup.ts; PARETOBENCH_TEST_POSTGRES_URL=postgres://... uses a server of yours
 * instead), a fresh schema per test. The files below build their servers on test/harness.ts's testStorage() (or
 * serverWithToken(): a `serve` process on a database of its own, driven by our client and the official sigopt Python
 * client); the others test SQLite files, the CLIs and the AI module's Python flows, and run once, in `server:test`.
 */
process.env.PARETOBENCH_TEST_POSTGRES = '1';

const config = packageTestConfig();
export default {
  ...config,
  test: {
    ...config.test,
    include: [
      'src/app.test.ts',
      'src/auth.test.ts',
      'src/clients.test.ts',
      'src/validation.test.ts',
      'src/multitask.test.ts',
      'src/num-solutions.test.ts',
      'src/ai-module.test.ts',
      'src/concurrency.test.ts',
      'src/server-errors.test.ts',
      'src/replicas.test.ts',
      'test/typescript-client.test.ts',
      'test/sigopt-client.test.ts',
    ],
    // after the run's temporary folder (vitest.tmpdir.ts), so that the cluster lives inside it
    globalSetup: [TMPDIR_SETUP, 'test/postgres-global-setup.ts'],
  },
};
