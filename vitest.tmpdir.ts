/**
 * Global setup of every test run (vitest.shared.ts and the reliability configs): the run's temporary files go to one
 * folder of its own, removed when the run ends. Tests create their scratch folders under os.tmpdir() (journals,
 * datasets, databases, throw-away PostgreSQL clusters, the CLIs they spawn); pointing TMPDIR at a per-run folder
 * before the test processes start means none of it outlives the run, whichever test forgot to clean up, and a
 * killed run leaves one folder, named for what it is. The folder is world-traversable (0755) because the PostgreSQL
 * cluster of the server suite runs as the postgres user inside it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'paretobench-test-'));
  chmodSync(root, 0o755);
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
