import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe("the test run's temporary folder (vitest.tmpdir.ts)", () => {
  it('is one folder of its own, traversable by the PostgreSQL test cluster, and inherited by spawned processes', () => {
    const dir = os.tmpdir();
    expect(path.basename(dir)).toMatch(/^paretobench-test-/);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
    const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("os").tmpdir())']).toString();
    expect(child).toBe(dir);
  });
});
