import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_NAME, LockHeldError, OutDirLock } from './out-lock.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pb-lock-'));
const lockOf = (pid: number, host = os.hostname()) =>
  JSON.stringify({ pid, host, started_at: '2026-11-28T00:00:00.000Z', command: 'study.ts rotten' }) + '\n';

describe('OutDirLock', () => {
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  afterAll(() => {
    sleeper.kill();
  });

  it('writes our pid, refuses a second holder and is free again after release', () => {
    const dir = tmp();
    const lock = OutDirLock.tryAcquire(dir);
    const info = JSON.parse(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8'));
    expect(info.pid).toBe(process.pid);
    expect(info.host).toBe(os.hostname());
    expect(() => OutDirLock.tryAcquire(dir)).toThrow(LockHeldError);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(false);
    OutDirLock.tryAcquire(dir).release();
  });

  it('names the live process that holds the directory', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(sleeper.pid!));
    let err: unknown;
    try {
      OutDirLock.tryAcquire(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as Error).message).toContain(`in use by pid ${sleeper.pid} on ${os.hostname()}`);
    expect((err as Error).message).toContain('study.ts rotten');
    // untouched
    expect(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8')).toBe(lockOf(sleeper.pid!));
  });

  it('recovers a lock left by a dead process', () => {
    const dir = tmp();
    const dead = spawnSync('true').pid; // has exited by now
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(dead));
    const lock = OutDirLock.tryAcquire(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('treats a lock from another host as held, and a torn lock as stale only once it is old', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(12345, 'elsewhere'));
    expect(() => OutDirLock.tryAcquire(dir)).toThrow(/in use by pid 12345 on elsewhere/);
    fs.writeFileSync(path.join(dir, LOCK_NAME), '{"pid": 4'); // killed while writing the lock
    expect(() => OutDirLock.tryAcquire(dir)).toThrow(/unreadable/);
    OutDirLock.tryAcquire(dir, { tornGraceMs: 0 }).release();
  });

  it('waits for a holder that exits within waitMs, and names a holder that does not', async () => {
    const dir = tmp();
    const brief = spawn('sleep', ['0.3'], { stdio: 'ignore' });
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(brief.pid!));
    const lock = await OutDirLock.acquire(dir, { waitMs: 3000 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8')).pid).toBe(process.pid);
    lock.release();
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(sleeper.pid!));
    const t0 = Date.now();
    await expect(OutDirLock.acquire(dir, { waitMs: 300 })).rejects.toThrow(`in use by pid ${sleeper.pid}`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
});
