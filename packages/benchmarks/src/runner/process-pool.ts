/**
 * A fixed pool of worker processes (child_process.fork of worker.ts under tsx), one trial at a time each.
 * Worker output goes to a log file so it does not garble the progress display.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkerReplySchema, type TrialOutcome, type TrialTask, type WorkerInit, type WorkerReply } from './protocol.ts';

export interface Evaluator {
  readonly size: number;
  readonly backend: string;
  evaluate(worker: number, task: TrialTask): Promise<TrialOutcome>;
  close(): Promise<void>;
}

const WORKER_FILE = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** A worker's trainer could not start (e.g. a dataset error); `workerStack` is the worker's own stack trace. */
export class WorkerStartError extends Error {
  constructor(
    readonly worker: number,
    message: string,
    readonly workerStack?: string,
  ) {
    super(`worker ${worker} failed to start: ${message}`);
    this.name = 'WorkerStartError';
  }
}

interface Slot {
  child: ChildProcess;
  pending: { id: string; resolve: (o: TrialOutcome) => void; reject: (e: Error) => void } | null;
  exited: boolean;
}

export class ProcessPool implements Evaluator {
  private constructor(
    private readonly slots: Slot[],
    readonly backend: string,
    private readonly init: Omit<WorkerInit, 'worker'>,
    private readonly log: fs.WriteStream | null,
  ) {}

  get size(): number {
    return this.slots.length;
  }

  static async start(size: number, init: Omit<WorkerInit, 'worker'>, logFile: string | null): Promise<ProcessPool> {
    const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
    const started = await Promise.allSettled(Array.from({ length: size }, (_, w) => ProcessPool.spawn(w, init, log)));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      for (const s of started) if (s.status === 'fulfilled') s.value.slot.child.kill();
      log?.end();
      throw failed.reason;
    }
    const ok = started as PromiseFulfilledResult<{ slot: Slot; backend: string }>[];
    return new ProcessPool(
      ok.map((s) => s.value.slot),
      ok[0].value.backend,
      init,
      log,
    );
  }

  private static spawn(
    worker: number,
    init: Omit<WorkerInit, 'worker'>,
    log: fs.WriteStream | null,
  ): Promise<{ slot: Slot; backend: string }> {
    const child = fork(WORKER_FILE, [], {
      execArgv: ['--import', 'tsx'],
      stdio: log ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
    });
    if (log) {
      const prefix = (chunk: Buffer) => log.write(chunk.toString().replace(/^(?=.)/gm, `[worker ${worker}] `));
      child.stdout?.on('data', prefix);
      child.stderr?.on('data', prefix);
    }
    const slot: Slot = { child, pending: null, exited: false };
    return new Promise((resolve, reject) => {
      let ready = false;
      child.on('message', (raw: unknown) => {
        const parsed = WorkerReplySchema.safeParse(raw);
        if (!parsed.success) {
          const err = new Error(`worker ${worker} sent a malformed message: ${parsed.error.message}`);
          if (!ready) reject(err);
          else slot.pending?.reject(err);
          return;
        }
        const msg: WorkerReply = parsed.data;
        if (msg.type === 'ready') {
          ready = true;
          resolve({ slot, backend: msg.backend });
        } else if (msg.type === 'init_error') {
          reject(new WorkerStartError(worker, msg.message, msg.stack));
          child.kill();
        } else if (msg.type === 'result') {
          const p = slot.pending;
          if (p && p.id === msg.id) {
            slot.pending = null;
            p.resolve(msg.outcome);
          }
        }
      });
      child.on('exit', (code, signal) => {
        slot.exited = true;
        const err = new Error(`worker ${worker} exited (code ${code}, signal ${signal})`);
        if (!ready) reject(err);
        const p = slot.pending;
        slot.pending = null;
        p?.reject(err);
      });
      child.send({ ...init, worker });
    });
  }

  async evaluate(worker: number, task: TrialTask): Promise<TrialOutcome> {
    let slot = this.slots[worker];
    if (slot.exited) {
      // a crashed worker (e.g. out of memory) is replaced before its next trial
      slot = (await ProcessPool.spawn(worker, this.init, this.log)).slot;
      this.slots[worker] = slot;
    }
    if (slot.pending) throw new Error(`worker ${worker} is busy`);
    return new Promise((resolve, reject) => {
      slot.pending = { id: task.id, resolve, reject };
      slot.child.send(task);
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            s.child.once('exit', () => resolve());
            s.child.send({ type: 'exit' });
            setTimeout(() => s.child.kill(), 5000).unref();
          }),
      ),
    );
    this.log?.end();
  }
}
