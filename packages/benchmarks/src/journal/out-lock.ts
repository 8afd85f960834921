/**
 * Exclusive lock on a study's output directory: `<out>/run.lock`, created with O_EXCL, holding the owner's pid,
 * host, start time and command line. Taken before the journal is opened, so two runs on one `--out` can never both
 * append to `trials.jsonl`; the second is told who holds the directory.
 *
 * A lock left by a process that died (kill -9, power loss) is stale: when its pid no longer runs on this host, the
 * next run removes it and takes the directory. The removal is itself serialised by a second O_EXCL file
 * (`run.lock.recover`) so two runs that both find the same stale lock cannot both win.
 *
 * Why not proper-lockfile: its staleness is an mtime that the holder must keep refreshing on a timer (a study whose
 * event loop is busy, or that is paused, loses its lock), and its lock carries no pid, so it cannot say who holds it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const LOCK_NAME = 'run.lock';

const LockInfoSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  started_at: z.string(),
  command: z.string(),
});
export type LockInfo = z.infer<typeof LockInfoSchema>;

/** Another live process holds the output directory. */
export class LockHeldError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockInfo | null,
  ) {
    super(
      holder
        ? `${path.dirname(file)} is in use by pid ${holder.pid} on ${holder.host} since ${holder.started_at} ` +
            `(${holder.command}); wait for it, stop it, or use another --out (lock: ${file})`
        : `${path.dirname(file)} is in use (lock ${file} exists but is unreadable); remove it if no run is using the directory`,
    );
    this.name = 'LockHeldError';
  }
}

/** True while `pid` is a running process (EPERM: it runs under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null | 'missing' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const parsed = LockInfoSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // torn write by a process killed while creating it
  }
}

/** Writes `info` to a new file at `file`; false when the file already exists. */
function createExclusive(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, JSON.stringify(info) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** A lock written by a process that is gone (or a torn one older than `tornGraceMs`). */
function isStale(file: string, info: LockInfo | null, tornGraceMs: number): boolean {
  if (info === null) {
    try {
      return Date.now() - fs.statSync(file).mtimeMs > tornGraceMs;
    } catch {
      return true;
    }
  }
  if (info.host !== os.hostname()) return false; // cannot tell from here: treat as held
  return info.pid !== process.pid && !processAlive(info.pid);
}

export class OutDirLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(
    readonly file: string,
    readonly info: LockInfo,
  ) {
    process.once('exit', this.onExit);
  }

  /**
   * Takes the lock on `dir` (created if missing) or throws LockHeldError naming the holder. A live holder is given
   * `waitMs` to go away first (a run whose launcher was just killed takes up to a poll interval to notice and exit).
   */
  static async acquire(dir: string, options: { tornGraceMs?: number; waitMs?: number } = {}): Promise<OutDirLock> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      try {
        return OutDirLock.tryAcquire(dir, options);
      } catch (err) {
        if (!(err instanceof LockHeldError) || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** One attempt: the lock, or LockHeldError. */
  static tryAcquire(dir: string, options: { tornGraceMs?: number } = {}): OutDirLock {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, LOCK_NAME);
    const info: LockInfo = {
      pid: process.pid,
      host: os.hostname(),
      started_at: new Date().toISOString(),
      command: process.argv.slice(1).join(' ').slice(0, 500),
    };
    const tornGraceMs = options.tornGraceMs ?? 10_000;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(file, info)) return new OutDirLock(file, info);
      const holder = readLock(file);
      if (holder === 'missing') continue; // released between our open and our read: try again
      if (!isStale(file, holder, tornGraceMs)) throw new LockHeldError(file, holder);
      OutDirLock.removeStale(file, holder, tornGraceMs);
    }
    const holder = readLock(file);
    throw new LockHeldError(file, holder === 'missing' ? null : holder);
  }

  /** Removes a stale lock, unless another process is doing the same or the lock changed meanwhile. */
  private static removeStale(file: string, seen: LockInfo | null, tornGraceMs: number): void {
    const guard = `${file}.recover`;
    const guardInfo: LockInfo = {
      pid: process.pid,
      host: os.hostname(),
      started_at: new Date().toISOString(),
      command: 'recover',
    };
    if (!createExclusive(guard, guardInfo)) {
      // another run is recovering; a guard left by a run killed mid-recovery is stale in turn
      const g = readLock(guard);
      if (g !== 'missing' && isStale(guard, g, tornGraceMs)) fs.rmSync(guard, { force: true });
      return;
    }
    try {
      const now = readLock(file);
      if (now !== 'missing' && JSON.stringify(now) === JSON.stringify(seen)) fs.rmSync(file, { force: true });
    } finally {
      fs.rmSync(guard, { force: true });
    }
  }

  /** Removes the lock file if it is still ours (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    const now = readLock(this.file);
    if (now !== 'missing' && now !== null && now.pid === this.info.pid && now.started_at === this.info.started_at) {
      fs.rmSync(this.file, { force: true });
    }
  }
}
