/**
 * Makes a long-running command end with the command that launched it.
 *
 * `npx nx run benchmarks:diatom` starts a chain of launchers (npm exec -> sh -c -> nx -> sh -c -> tsx -> node). When
 * one of them is killed with SIGKILL nothing reaches the processes below it: without this the coordinator would be
 * re-parented and keep appending to the journal beside any restarted run. Linux has no parent-death signal for node,
 * so the coordinator polls: the watched processes are its parent and, above it, every further ancestor that is itself
 * a launcher (`sh -c`, node running tsx / nx / npm / npx), up to the first one that is not (the user's shell, a test
 * harness). When any of them has gone the coordinator exits; its workers follow through the IPC disconnect and the
 * output-directory lock is released by its 'exit' handler. A study started with nohup from a shell therefore survives
 * the shell, but not the killing of its own launchers. SIGINT, SIGTERM and SIGHUP end the process through
 * process.exit too, so the same handler runs.
 */
import fs from 'node:fs';

interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot (tells a re-used pid apart). */
  start: string;
  cmdline: string;
}

/** /proc/<pid> facts, or null when the process is gone or /proc is unavailable (non-Linux). */
function procInfo(pid: number): ProcInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ... starttime(22nd field)": comm may contain spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), start: fields[19], cmdline };
  } catch {
    return null;
  }
}

const LAUNCHER = [
  /^(\S*\/)?(sh|dash|bash)\s+-c\s/, // nx run-commands and npm exec run commands through a shell
  /^(\S*\/)?node\s+(\S*\/)?(tsx|nx|npx|npm|npm-cli\.js|npx-cli\.js|nx\.js|cli\.mjs)(\s|$)/,
  /^npm exec\b/,
  /^(\S*\/)?(tsx|nx|npx|npm)(\s|$)/,
];

export function isLauncher(cmdline: string): boolean {
  return LAUNCHER.some((re) => re.test(cmdline));
}

/** The parent and the launchers above it, closest first (just the parent pid where /proc is unavailable). */
export function watchedAncestors(pid = process.pid): ProcInfo[] {
  const self = procInfo(pid);
  if (!self) return [];
  const out: ProcInfo[] = [];
  let next = self.ppid;
  while (next > 1) {
    const p = procInfo(next);
    if (!p) break;
    const launcher = isLauncher(p.cmdline);
    if (out.length > 0 && !launcher) break; // the parent is always watched; above it, launchers only
    out.push(p);
    if (!launcher) break;
    next = p.ppid;
  }
  return out;
}

/** Calls `say(reason)` and exits once a watched launcher has gone; returns a function that stops watching. */
export function exitWithParent(say: (reason: string) => void, options: { intervalMs?: number } = {}): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    say(`stopped by ${signal}`);
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  const parent = process.ppid;
  const watched = watchedAncestors();
  const gone = (): string | null => {
    if (parent > 1 && process.ppid !== parent) return `parent process ${parent}`;
    for (const w of watched) {
      const now = procInfo(w.pid);
      if (!now || now.start !== w.start) return `launcher process ${w.pid} (${w.cmdline.slice(0, 60)})`;
    }
    return null;
  };
  const check = (): void => {
    const which = gone();
    if (which) {
      say(`${which} has exited; stopping`);
      process.exit(1);
    }
  };
  check(); // a launcher killed while this process was starting: stop before touching anything
  const timer = setInterval(check, options.intervalMs ?? 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const s of signals) process.removeListener(s, onSignal);
  };
}
