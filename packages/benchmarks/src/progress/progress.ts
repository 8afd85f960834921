/**
 * Progress of a study run: one cli-progress bar per method on a terminal (trials done / budget, best accuracy
 * so far, ETA); plain periodic lines when stdout is not a TTY (CI logs).
 */
import cliProgress from 'cli-progress';
import type { Method, TrialRecord } from '../journal/records.ts';
import type { TrialScheduler } from '../runner/scheduler.ts';

export interface ProgressReporter {
  start(scheduler: TrialScheduler, resumed: number): void;
  trial(record: TrialRecord, scheduler: TrialScheduler): void;
  stop(): void;
}

interface MethodState {
  best: number | null;
  doneThisSession: number;
}

/** Seconds left for a method, from this session's pace. */
export function etaSeconds(elapsedSeconds: number, doneThisSession: number, remaining: number): number | null {
  if (doneThisSession === 0) return null;
  return (elapsedSeconds / doneThisSession) * remaining;
}

export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(opts: {
  tty: boolean;
  write: (line: string) => void;
  intervalSeconds?: number;
  accuracyMetric: string;
}): ProgressReporter {
  const started = Date.now();
  const state: Record<Method, MethodState> = {
    optimizer: { best: null, doneThisSession: 0 },
    random: { best: null, doneThisSession: 0 },
  };
  const elapsed = () => (Date.now() - started) / 1000;
  const describe = (m: Method, sched: TrialScheduler) => {
    const done = sched.completed(m);
    const remaining = sched.budgets[m] - done;
    return {
      done,
      budget: sched.budgets[m],
      best: state[m].best === null ? '-' : state[m].best.toFixed(3),
      eta: formatDuration(etaSeconds(elapsed(), state[m].doneThisSession, remaining)),
    };
  };
  // an optimizer-only arm of a replicated run has no random-search bar
  const methodsOf = (sched: TrialScheduler): Method[] =>
    (['optimizer', 'random'] as const).filter((m) => sched.budgets[m] > 0);
  const updateBest = (r: TrialRecord) => {
    const acc = r.failed ? undefined : r.metrics?.[opts.accuracyMetric];
    if (acc !== undefined && (state[r.method].best === null || acc > state[r.method].best!)) state[r.method].best = acc;
  };

  if (opts.tty) {
    const multi = new cliProgress.MultiBar(
      {
        format: '{method} |{bar}| {value}/{total} | best {best} | ETA {left}',
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<Method, cliProgress.SingleBar>();
    return {
      start(sched, _resumed) {
        for (const r of [...sched.done.optimizer.values(), ...sched.done.random.values()]) updateBest(r);
        for (const m of methodsOf(sched)) {
          const d = describe(m, sched);
          bars.set(m, multi.create(d.budget, d.done, { method: m.padEnd(9), best: d.best, left: d.eta }));
        }
      },
      trial(record, sched) {
        updateBest(record);
        state[record.method].doneThisSession++;
        for (const m of methodsOf(sched)) {
          const d = describe(m, sched);
          bars.get(m)?.update(d.done, { method: m.padEnd(9), best: d.best, left: d.eta });
        }
      },
      stop() {
        multi.stop();
      },
    };
  }

  const every = (opts.intervalSeconds ?? 15) * 1000;
  let last = 0;
  let sched: TrialScheduler | null = null;
  const line = () => {
    if (!sched) return;
    const parts = methodsOf(sched).map((m) => {
      const d = describe(m, sched!);
      return `${m} ${d.done}/${d.budget} best ${d.best} eta ${d.eta}`;
    });
    opts.write(`[${formatDuration(elapsed())}] ${parts.join(' | ')}`);
  };
  return {
    start(s, resumed) {
      sched = s;
      for (const r of [...s.done.optimizer.values(), ...s.done.random.values()]) updateBest(r);
      if (resumed > 0) opts.write(`resuming: ${resumed} trials already in the journal`);
      line();
      last = Date.now();
    },
    trial(record, s) {
      sched = s;
      updateBest(record);
      state[record.method].doneThisSession++;
      if (Date.now() - last >= every || s.finished()) {
        last = Date.now();
        line();
      }
    },
    stop() {},
  };
}
