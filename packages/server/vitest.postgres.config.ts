import { packageTestConfig } from '../../vitest.shared.ts';

/**
 * The server suite on PostgreSQL: `npx nx run server:test-postgres` (part of `npm test`). One throw-away cluster for
 * the run (test/postgres-global-setup.ts; PARETOBENCH_TEST_POSTGRES_URL=postgres://... uses a server of yours
 * instead), a fresh schema per test. The files below build their servers on test/harness.ts's testStorage(); the
 * others test SQLite files, processes and clients, and run once, in `server:test`.
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
    ],
    globalSetup: ['test/postgres-global-setup.ts'],
  },
};
