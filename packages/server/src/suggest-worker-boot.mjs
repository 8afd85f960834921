// Worker-thread bootstrap: registers tsx's TypeScript loader inside the worker (loader hooks of
// the parent thread do not reach workers on Node 20), then loads the TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./suggest-worker.ts', import.meta.url).href);
