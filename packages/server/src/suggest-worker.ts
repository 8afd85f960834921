/**
 * Worker-thread entry: runs the optimizer's synchronous suggest() off the server's event loop.
 * Messages in: { id, input: SuggestInput }; out: { id, output } or { id, error: { name, message } }.
 */
import { parentPort } from 'node:worker_threads';
import { suggest, type SuggestInput } from '@paretobench/optimizer';

if (!parentPort) throw new Error('suggest-worker.ts must run in a worker thread');
const port = parentPort;

port.on('message', (msg: { id: number; input: SuggestInput }) => {
  try {
    port.postMessage({ id: msg.id, output: suggest(msg.input) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id: msg.id, error: { name: e.name, message: e.message } });
  }
});
