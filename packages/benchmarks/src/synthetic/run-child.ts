/**
 * A child process of `benchmarks:synthetic --jobs J` (parallel-runs.ts): runs the tasks its parent sends, one at a
 * time, and sends each result back; exits when the parent disconnects (or dies).
 */
import { RunTaskSchema, runTask, type RunReply } from './parallel-runs.ts';

if (!process.send) throw new Error('run-child.ts runs as a child process of benchmarks:synthetic --jobs');
const reply = (r: RunReply) => process.send!(r);
process.on('disconnect', () => process.exit(0));
process.on('message', (raw: unknown) => {
  const parsed = RunTaskSchema.safeParse(raw);
  if (!parsed.success) {
    const id = (raw as { id?: unknown })?.id;
    reply({ id: typeof id === 'number' ? id : -1, error: `malformed task: ${parsed.error.message}` });
    return;
  }
  runTask(parsed.data).then(
    (result) => reply({ id: parsed.data.id, result }),
    (e: Error) => reply({ id: parsed.data.id, error: e.stack ?? e.message }),
  );
});
