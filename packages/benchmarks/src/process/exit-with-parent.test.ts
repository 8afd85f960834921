import { describe, expect, it } from 'vitest';
import { isLauncher, watchedAncestors } from './exit-with-parent.ts';

describe('isLauncher', () => {
  it('recognises the chain npx nx run starts, and not the shells and harnesses above it', () => {
    for (const cmd of [
      'npm exec nx run benchmarks:diatom -- --preset smoke',
      "sh -c 'nx' run benchmarks:diatom",
      'node /work/main/node_modules/.bin/nx run benchmarks:diatom -- --preset smoke',
      '/bin/sh -c tsx packages/benchmarks/src/cli/study.ts diatom --preset smoke',
      'node /work/main/node_modules/.bin/tsx packages/benchmarks/src/cli/study.ts diatom',
      '/usr/bin/node /usr/lib/node_modules/npm/bin/npx-cli.js nx run benchmarks:diatom',
    ])
      expect(isLauncher(cmd), cmd).toBe(true);
    for (const cmd of [
      'bash',
      '-bash',
      'bash .ci/run',
      '/usr/bin/tmux',
      'node /work/main/node_modules/vitest/dist/workers/forks.js',
      'sshd: root@pts/0',
    ])
      expect(isLauncher(cmd), cmd).toBe(false);
  });

  it('watches the parent of this process first', () => {
    const watched = watchedAncestors();
    expect(watched[0]?.pid).toBe(process.ppid);
  });
});
