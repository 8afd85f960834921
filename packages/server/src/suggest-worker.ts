/**
 * Worker-thread entry: runs the optimizer's synchronous suggestBatch() off the server's event loop.
 * Messages in: { id, input: SuggestInput, count }; out: { id, output } or { id, error: { name, message } }.
 */
import { parentPort } from 'node:worker_threads';
import { suggestBatch, type SuggestInput } from '@paretobench/optimizer';

if (!parentPort) throw new Error('suggest-worker.ts must run in a worker thread');
const port = parentPort;

port.on('message', (msg: { id: number; input: SuggestInput; count?: number }) => {
  try {
    port.postMessage({ id: msg.id, output: suggestBatch(msg.input, msg.count ?? 1) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id: msg.id, error: { name: e.name, message: e.message } });
  }
});
