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
    const lock = OutDirLock.acquire(dir);
    const info = JSON.parse(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8'));
    expect(info.pid).toBe(process.pid);
    expect(info.host).toBe(os.hostname());
    expect(() => OutDirLock.acquire(dir)).toThrow(LockHeldError);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(false);
    OutDirLock.acquire(dir).release();
  });

  it('names the live process that holds the directory', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(sleeper.pid!));
    let err: unknown;
    try {
      OutDirLock.acquire(dir);
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
    const dead = spawnSync('true').pid!; // has exited by now
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(dead));
    const lock = OutDirLock.acquire(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('treats a lock from another host as held, and a torn lock as stale only once it is old', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockOf(12345, 'elsewhere'));
    expect(() => OutDirLock.acquire(dir)).toThrow(/in use by pid 12345 on elsewhere/);
    fs.writeFileSync(path.join(dir, LOCK_NAME), '{"pid": 4'); // killed while writing the lock
    expect(() => OutDirLock.acquire(dir)).toThrow(/unreadable/);
    OutDirLock.acquire(dir, { tornGraceMs: 0 }).release();
  });
});
