/**
 * Where suggestBatch() runs. `inline` calls it on the event loop (simple, used by tests and in-process
 * use); `SuggestWorkerPool` runs it in worker threads so that, while suggestions are computed
 * (a few hundred ms at 480 observations), the server keeps accepting observations and answering
 * other requests. Serialisation per experiment is the caller's job (see serial-queue.ts).
 */
import { Worker } from 'node:worker_threads';
import { suggestBatch, type SuggestBatchOutput, type SuggestInput } from '@paretobench/optimizer';

export type SuggestRunner = {
  /** `count` suggestions for one experiment at once (suggestBatch; count 1 is suggest()). */
  run(input: SuggestInput, count?: number): Promise<SuggestBatchOutput>;
  close(): Promise<void>;
};

export const inlineSuggest: SuggestRunner = {
  run: async (input, count = 1) => suggestBatch(input, count),
  close: async () => {},
};

interface Job {
  resolve(out: SuggestBatchOutput): void;
  reject(err: Error): void;
}

const WORKER_URL = new URL('./suggest-worker-boot.mjs', import.meta.url);

/** One worker thread, started on first use and restarted on the next job after it dies. */
class PooledWorker {
  readonly jobs = new Map<number, Job>();
  private worker: Worker | null = null;
  private closing = false;

  private spawn(): Worker {
    const w = new Worker(WORKER_URL);
    w.unref();
    w.on('message', (msg: { id: number; output?: SuggestBatchOutput; error?: { name: string; message: string } }) => {
      const job = this.jobs.get(msg.id);
      if (!job) return;
      this.jobs.delete(msg.id);
      if (msg.error) {
        const e = new Error(msg.error.message);
        e.name = msg.error.name;
        job.reject(e);
      } else {
        job.resolve(msg.output!);
      }
    });
    w.on('error', (err) => this.failAll(err));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      this.failAll(new Error(`suggestion worker exited with code ${code}`));
    });
    return w;
  }

  private failAll(err: Error): void {
    for (const job of this.jobs.values()) job.reject(err);
    this.jobs.clear();
  }

  post(id: number, input: SuggestInput, count: number, job: Job): void {
    if (this.closing) {
      job.reject(new Error('server closing'));
      return;
    }
    this.worker ??= this.spawn();
    this.jobs.set(id, job);
    this.worker.postMessage({ id, input, count });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.failAll(new Error('server closing'));
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

export class SuggestWorkerPool implements SuggestRunner {
  private readonly workers: PooledWorker[];
  private nextId = 1;

  constructor(size = 1) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`SuggestWorkerPool: size must be a positive integer, got ${size}`);
    this.workers = Array.from({ length: size }, () => new PooledWorker());
  }

  run(input: SuggestInput, count = 1): Promise<SuggestBatchOutput> {
    const worker = this.workers.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => worker.post(id, input, count, { resolve, reject }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
