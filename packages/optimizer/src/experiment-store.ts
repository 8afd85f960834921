/**
 * What an experiment's storage must offer the optimizer, and the one loop over it.
 *
 * Wherever an experiment lives (the in-memory `Experiment`, the REST service's database, a study's journal), a
 * suggestion is made the same way: read a snapshot (the configuration, observations, pending suggestions, the
 * optimizer's warm-start state and the next index), compute a batch from it with the stateless `suggestBatch()`
 * (inline, or in a worker thread), and record the batch. A store whose experiment can change while the batch computes
 * (another process, a configuration update) says so when it records, and the batch is computed again from a new
 * snapshot. `suggestThrough` is that loop; the stores differ only in where they read and write.
 */
import { suggestBatch, type SuggestBatchOutput, type SuggestInput } from './suggest.ts';

/** A store's snapshot: what to suggest from, and how many suggestions to make (0: nothing to compute). */
export interface StoreSnapshot {
  input: SuggestInput;
  count: number;
}

export interface ExperimentStore<S extends StoreSnapshot, R> {
  /** A consistent snapshot to suggest from. */
  snapshot(): Promise<S>;
  /**
   * Records the batch computed from `snapshot` (empty when its count was 0) and returns what the caller gets; null
   * when the experiment changed under the batch so that it no longer applies (it is computed again).
   */
  record(snapshot: S, out: SuggestBatchOutput): Promise<R | null>;
}

/** Where a batch is computed: inline by default, or a worker thread (the service's SuggestWorkerPool). */
export type BatchRunner = (input: SuggestInput, count: number) => Promise<SuggestBatchOutput>;

export const inlineBatch: BatchRunner = async (input, count) => suggestBatch(input, count);

/** The experiment changed under every one of `attempts` batches. */
export class ExperimentChangedError extends Error {
  constructor(readonly attempts: number) {
    super(`the experiment changed ${attempts} times while suggestions were computed`);
    this.name = 'ExperimentChangedError';
  }
}

const NOTHING: SuggestBatchOutput = { suggestions: [], state: {}, info: { phases: [], ms: 0 } };

/** snapshot -> suggestBatch -> record, again from a new snapshot while the store says the experiment changed. */
export async function suggestThrough<S extends StoreSnapshot, R>(
  store: ExperimentStore<S, R>,
  run: BatchRunner = inlineBatch,
  attempts = 3,
): Promise<R> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const snapshot = await store.snapshot();
    const out =
      snapshot.count === 0
        ? { ...NOTHING, state: snapshot.input.state ?? {} }
        : await run(snapshot.input, snapshot.count);
    const recorded = await store.record(snapshot, out);
    if (recorded !== null) return recorded;
  }
  throw new ExperimentChangedError(attempts);
}
