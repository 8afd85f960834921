/**
 * The trainer of a worker process, built once per worker from its init message:
 *
 * - real: the study's own trainer (`Study.createTrainer`: loads its dataset, subset by the preset, and its model stack
 *   once, then trains one trial per task);
 * - fake: a fast deterministic stand-in (`Study.fakeMetrics`, closed-form metrics of the assignment) used by the
 *   resume tests, so a kill -9 test exercises the real coordinator, journal and worker processes without training.
 *
 * The study is found by name in the registry, as in the coordinator.
 */
import { getStudy } from '../studies/registry.ts';
import type { Study, Trainer } from '../studies/study.ts';
import type { WorkerInit } from './protocol.ts';

export type { Trainer } from '../studies/study.ts';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function fakeTrainer(study: Study): Trainer {
  const delay = Number(process.env.PARETOBENCH_FAKE_TRIAL_MS ?? '20');
  return {
    backend: 'fake',
    async train(task) {
      await sleep(delay);
      return study.fakeMetrics(task.assignments, task.epochs);
    },
  };
}

export interface TrainerHooks {
  /** Called after every training epoch (the worker exits there if its coordinator has gone away). */
  onEpoch?: () => void;
}

export async function createTrainer(init: WorkerInit, hooks: TrainerHooks = {}): Promise<Trainer> {
  const study = await getStudy(init.study);
  if (init.trainer === 'fake') return fakeTrainer(study);
  return study.createTrainer({
    preset: init.preset,
    seed: init.seed,
    dataDir: init.dataDir ?? undefined,
    backend: init.backend,
    onEpoch: () => hooks.onEpoch?.(),
  });
}
