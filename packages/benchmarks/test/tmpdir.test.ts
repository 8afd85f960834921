import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe("the test run's temporary folder (vitest.tmpdir.ts)", () => {
  it('is one folder of its own, traversable by the PostgreSQL test cluster, and inherited by spawned processes', async () => {
    const dir = os.tmpdir();
    expect(path.basename(dir)).toMatch(/^paretobench-test-/);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
    const { execFileSync } = await import('node:child_process');
    const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("os").tmpdir())']).toString();
    expect(child).toBe(dir);
  });
});
