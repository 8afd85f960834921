/**
 * Which trial runs next: a deterministic interleaving of optimizer and random-search trials.
 *
 * Results never depend on timing. Random trial j's assignment is a function of (seed, j) only. Optimizer trial k's
 * suggestion is a function of the seed, the results of optimizer trials 0..k-lag-1 (in index order) and the
 * assignments of trials k-lag..k-1 (passed as pending, even if some of them have finished by then). So the
 * coordinator may only compute suggestion k once trials 0..k-lag-1 are complete; with lag = workers - 1 this
 * still keeps every worker busy, and a run resumed from its journal reproduces the same suggestions.
 *
 * Fairness: a free worker takes the method that is furthest behind in (finished + running) / budget, so both methods
 * progress at the same relative pace; if that is the optimizer and its next trial is not ready yet, it takes a random
 * trial instead.
 */
import type { Method, TrialRecord } from '../journal/records.ts';

export interface Budgets {
  optimizer: number;
  random: number;
}

export interface TrialSlot {
  method: Method;
  index: number;
}

export class TrialScheduler {
  readonly done: Record<Method, Map<number, TrialRecord>> = { optimizer: new Map(), random: new Map() };
  readonly inFlight: Record<Method, Set<number>> = { optimizer: new Set(), random: new Set() };

  constructor(
    readonly budgets: Budgets,
    readonly lag: number,
    existing: readonly TrialRecord[] = [],
  ) {
    for (const r of existing) {
      if (r.index >= budgets[r.method]) {
        throw new Error(`journal holds ${r.method} trial ${r.index}, beyond the budget of ${budgets[r.method]}`);
      }
      this.done[r.method].set(r.index, r);
    }
  }

  completed(method: Method): number {
    return this.done[method].size;
  }

  finished(): boolean {
    return this.completed('optimizer') === this.budgets.optimizer && this.completed('random') === this.budgets.random;
  }

  /** Smallest index of `method` neither finished nor running (null when none is left). */
  nextIndex(method: Method): number | null {
    for (let i = 0; i < this.budgets[method]; i++) {
      if (!this.done[method].has(i) && !this.inFlight[method].has(i)) return i;
    }
    return null;
  }

  /** Optimizer trial k may be suggested once optimizer trials 0..k-lag-1 are all finished. */
  optimizerReady(k: number): boolean {
    for (let i = 0; i < k - this.lag; i++) if (!this.done.optimizer.has(i)) return false;
    return true;
  }

  private progress(method: Method): number {
    return (this.done[method].size + this.inFlight[method].size) / this.budgets[method];
  }

  /** The next trial to start, or null if nothing can start now (everything dispatched, or waiting for results). */
  choose(): TrialSlot | null {
    const k = this.nextIndex('optimizer');
    const j = this.nextIndex('random');
    const optimizerOk = k !== null && this.optimizerReady(k);
    if (optimizerOk && (j === null || this.progress('optimizer') <= this.progress('random'))) {
      return { method: 'optimizer', index: k };
    }
    if (j !== null) return { method: 'random', index: j };
    return null;
  }

  dispatch(slot: TrialSlot): void {
    if (this.done[slot.method].has(slot.index) || this.inFlight[slot.method].has(slot.index)) {
      throw new Error(`${slot.method} trial ${slot.index} dispatched twice`);
    }
    this.inFlight[slot.method].add(slot.index);
  }

  complete(record: TrialRecord): void {
    if (!this.inFlight[record.method].delete(record.index)) {
      throw new Error(`${record.method} trial ${record.index} completed but was not running`);
    }
    this.done[record.method].set(record.index, record);
  }

  /** Return a running trial to the queue (its worker died before reporting). */
  abandon(slot: TrialSlot): void {
    this.inFlight[slot.method].delete(slot.index);
  }

  /** Finished optimizer trials suggestion k learns from, in index order. */
  observationsFor(k: number): TrialRecord[] {
    const out: TrialRecord[] = [];
    for (let i = 0; i < k - this.lag; i++) {
      const r = this.done.optimizer.get(i);
      if (!r) throw new Error(`optimizer trial ${i} is not finished; suggestion ${k} is not ready`);
      out.push(r);
    }
    return out;
  }

  /** Indices of the optimizer trials that suggestion k treats as pending. */
  pendingFor(k: number): number[] {
    const out: number[] = [];
    for (let i = Math.max(0, k - this.lag); i < k; i++) out.push(i);
    return out;
  }
}
