import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SerialQueue', () => {
  it('runs tasks of one key one at a time, in arrival order, and keys independently', async () => {
    const q = new SerialQueue<string>();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (key: string, name: string, ms: number) =>
      q.run(key, async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        log.push(`start ${name}`);
        await tick(ms);
        log.push(`end ${name}`);
        running--;
        return name;
      });
    const results = await Promise.all([task('a', 'a1', 20), task('a', 'a2', 1), task('a', 'a3', 5)]);
    expect(results).toEqual(['a1', 'a2', 'a3']);
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(maxRunning).toBe(1);
    log.length = 0;
    await Promise.all([task('a', 'x', 20), task('b', 'y', 1)]);
    expect(log).toEqual(['start x', 'start y', 'end y', 'end x']); // b did not wait for a
  });

  it('keeps going after a failed task', async () => {
    const q = new SerialQueue<number>();
    const failed = q.run(1, async () => {
      throw new Error('boom');
    });
    const next = q.run(1, async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
