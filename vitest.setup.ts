/**
 * Loaded before every test file (vitest.shared.ts). After each test, one turn of the event loop: vitest's worker
 * reports progress to the main process over a message port, and the replies arrive as macrotasks. A file of
 * synchronous, CPU-bound tests (the optimizer's) otherwise runs test after test on microtasks alone, the replies wait,
 * and once a file runs longer than vitest's 60 s RPC timeout (a loaded machine: suggest.test.ts took 68 s in CI on
 * 2026-11-29 while other jobs ran) the run fails with "Timeout calling onTaskUpdate" although every test passed.
 */
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
