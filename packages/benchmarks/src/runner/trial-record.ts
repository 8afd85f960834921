/**
 * The journal line of one finished trial, built from what the worker measured and what the study's rule judged: one
 * definition for the local runner (run-study.ts) and the remote worker (remote-worker.ts), so a trial trained on
 * another machine reads exactly like a local one.
 */
import type { Method, TrialRecord } from '../journal/records.ts';
import type { Judgement } from './judge.ts';
import type { TrialOutcome } from './protocol.ts';

/** The outcome of a trial whose training threw (twice): no measurements, the error's message. */
export function errorOutcome(message: string): TrialOutcome {
  return { accuracy: null, trainSeconds: null, inferenceSeconds: null, epochs: 0, stoppedEarly: null, error: message };
}

export interface FinishedTrial {
  method: Method;
  index: number;
  seq: number;
  assignments: TrialRecord['assignments'];
  outcome: TrialOutcome;
  verdict: Judgement;
  worker: number;
  invocation: number;
  backend: string;
  startedAt: Date;
  finishedAt: Date;
  suggestMs: number | null;
}

const ms = (x: number): number => Math.round(x * 1000) / 1000;

export function trialRecord(t: FinishedTrial): TrialRecord {
  const { outcome } = t;
  return {
    type: 'trial',
    method: t.method,
    index: t.index,
    seq: t.seq,
    assignments: t.assignments,
    failed: t.verdict.failed,
    failure_reason: t.verdict.reason,
    metrics: t.verdict.metrics,
    error: outcome.error,
    epochs: outcome.epochs,
    stopped_early: outcome.stoppedEarly,
    ...(outcome.epochSeconds ? { epoch_seconds: outcome.epochSeconds.map(ms) } : {}),
    worker: t.worker,
    invocation: t.invocation,
    backend: t.backend,
    timing: {
      started_at: t.startedAt.toISOString(),
      finished_at: t.finishedAt.toISOString(),
      wall_seconds: (t.finishedAt.getTime() - t.startedAt.getTime()) / 1000,
      train_seconds: outcome.trainSeconds,
      inference_seconds: outcome.inferenceSeconds,
      suggest_ms: t.suggestMs,
      ...(outcome.cpuSeconds !== undefined ? { cpu_seconds: ms(outcome.cpuSeconds) } : {}),
      ...(outcome.referenceCpuMs !== undefined ? { reference_cpu_ms: ms(outcome.referenceCpuMs) } : {}),
    },
  };
}
