/**
 * Worker process entry (forked by ProcessPool with `--import tsx`). Initialises its trainer (backend + dataset)
 * once, then trains one trial per 'trial' message and replies with the outcome. Exits when the coordinator goes
 * away (IPC disconnect), so a kill -9 of the coordinator leaves no orphaned trainers behind.
 */
import { measureReference } from '../host/reference-workload.ts';
import { TrialTaskSchema, WorkerInitSchema, type WorkerReply } from './protocol.ts';
import { createTrainer, type Trainer } from './trainers.ts';

function send(msg: WorkerReply): void {
  if (process.send && process.connected) process.send(msg);
}

let trainer: Trainer | null = null;
let queue: Promise<void> = Promise.resolve();

/**
 * The host-speed reference (host/reference-workload.ts) for this worker's next trial: timed at start-up and again
 * after each trial's result is sent (so it is adjacent to the next trial without being part of it). The host's speed
 * swings within a run, so each trial is paired with the reference timed just before it.
 */
const REFERENCE_SAMPLES = 2;
let nextReferenceMs = 0;

/**
 * Runs the coordinator's requests one at a time in arrival order. A step that throws ends this worker (exit code 1,
 * stack on stderr): the coordinator sees the exit, fails the pending trial and starts a fresh worker.
 */
function enqueue(step: () => Promise<void> | void): void {
  queue = queue.then(step).catch((err: unknown) => {
    process.stderr.write(`worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

process.on('disconnect', () => process.exit(0));
// Training can keep the event loop too busy to deliver 'disconnect' promptly: check between epochs as well.
const exitIfOrphaned = (): void => {
  if (!process.connected) process.exit(0);
};

process.on('message', (raw: unknown) => {
  const type = (raw as { type?: unknown } | null)?.type;
  if (type === 'init') {
    const init = WorkerInitSchema.parse(raw);
    enqueue(async () => {
      try {
        trainer = await createTrainer(init, { onEpoch: exitIfOrphaned });
        nextReferenceMs = measureReference(REFERENCE_SAMPLES).cpu_ms;
        send({ type: 'ready', backend: trainer.backend });
      } catch (err) {
        send({
          type: 'init_error',
          message: err instanceof Error ? err.message : String(err),
          ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
        });
      }
    });
  } else if (type === 'trial') {
    const task = TrialTaskSchema.parse(raw);
    enqueue(async () => {
      if (!trainer) throw new Error('worker: trial received before init');
      const referenceCpuMs = nextReferenceMs;
      const cpu = process.cpuUsage();
      const outcome = await trainer.train(task);
      const used = process.cpuUsage(cpu);
      send({
        type: 'result',
        id: task.id,
        outcome: { ...outcome, cpuSeconds: (used.user + used.system) / 1e6, referenceCpuMs },
      });
      nextReferenceMs = measureReference(REFERENCE_SAMPLES).cpu_ms;
    });
  } else if (type === 'exit') {
    enqueue(() => process.exit(0));
  }
});
