/**
 * Worker process entry (forked by ProcessPool with `--import tsx`). Initialises its trainer (backend + dataset)
 * once, then trains one trial per 'trial' message and replies with the outcome. Exits when the coordinator goes
 * away (IPC disconnect), so a kill -9 of the coordinator leaves no orphaned trainers behind.
 */
import { TrialTaskSchema, WorkerInitSchema, type WorkerReply } from './protocol.ts';
import { createTrainer, type Trainer } from './trainers.ts';

function send(msg: WorkerReply): void {
  if (process.send && process.connected) process.send(msg);
}

let trainer: Trainer | null = null;
let queue: Promise<void> = Promise.resolve();

process.on('disconnect', () => process.exit(0));
// Training can keep the event loop too busy to deliver 'disconnect' promptly: check between epochs as well.
const exitIfOrphaned = (): void => {
  if (!process.connected) process.exit(0);
};

process.on('message', (raw: unknown) => {
  const type = (raw as { type?: unknown } | null)?.type;
  if (type === 'init') {
    const init = WorkerInitSchema.parse(raw);
    queue = queue.then(async () => {
      try {
        trainer = await createTrainer(init, { onEpoch: exitIfOrphaned });
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
    queue = queue.then(async () => {
      if (!trainer) throw new Error('worker: trial received before init');
      const outcome = await trainer.train(task);
      send({ type: 'result', id: task.id, outcome });
    });
  } else if (type === 'exit') {
    queue.then(() => process.exit(0));
  }
});
