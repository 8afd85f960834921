import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSummaries } from './summary-files.ts';

describe('findSummaries', () => {
  it("finds every summary.json but a replicated run's arms, node_modules and the skipped folder", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-summaries-'));
    const put = (rel: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), '{}');
    };
    for (const f of [
      'a/summary.json',
      'a/replicates/seed-1/summary.json',
      'b/c/summary.json',
      'node_modules/x/summary.json',
      'baselines/summary.json',
    ])
      put(f);
    expect(findSummaries(root, path.join(root, 'baselines')).map((f) => path.relative(root, f))).toEqual([
      'a/summary.json',
      'b/c/summary.json',
    ]);
  });
});
