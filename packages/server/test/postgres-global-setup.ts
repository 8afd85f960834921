/**
 * vitest globalSetup: with PARETOBENCH_TEST_POSTGRES=1, one throw-away PostgreSQL cluster for the whole run (unless
 * PARETOBENCH_TEST_POSTGRES_URL names a server already), stopped when the run ends. Tests find its URL in
 * process.env.PARETOBENCH_TEST_POSTGRES_URL (the forks are started after this setup and inherit it) or with
 * inject('postgresUrl'); each test file isolates itself in a schema of its own (freshSchemaName).
 *
 * Wire it with `globalSetup: ['test/postgres-global-setup.ts']` in the package's vitest config (a path relative to
 * the config's root, or absolute).
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server tests may use, or null when the run has none. */
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.PARETOBENCH_TEST_POSTGRES_URL;
  if (process.env.PARETOBENCH_TEST_POSTGRES !== '1' || given) {
    project.provide('postgresUrl', given || null);
    return undefined;
  }
  const cluster = await startPostgresCluster();
  process.env.PARETOBENCH_TEST_POSTGRES_URL = cluster.url;
  project.provide('postgresUrl', cluster.url);
  return async () => {
    delete process.env.PARETOBENCH_TEST_POSTGRES_URL;
    await cluster.stop();
  };
}
