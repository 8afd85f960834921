/**
 * Trial trainers, run inside worker processes.
 *
 * - real: loads the study's dataset once (subset by the preset), initialises the tfjs backend once, then trains
 *   Wang's FCN (diatom) or Kim's CNN (rotten) per trial through @paretobench/models.
 * - fake: a fast deterministic stand-in (closed-form metrics of the assignment) used by the resume tests,
 *   so a kill -9 test exercises the real coordinator, journal and worker processes without training.
 */
import type { TrialOutcome, TrialTask, WorkerInit } from './protocol.ts';
import { loadFcnData, loadKimData } from './study-data.ts';

export interface Trainer {
  backend: string;
  train(task: TrialTask): Promise<TrialOutcome>;
}

const num = (a: Record<string, number | string>, key: string): number => {
  const v = a[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`assignment "${key}" must be a finite number, got ${String(v)}`);
  return v;
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Closed-form stand-in metrics: accuracy peaks near a learning rate of e^-7, time grows with model size. */
export function fakeMetrics(
  study: 'diatom' | 'rotten',
  a: Record<string, number | string>,
  epochs: number,
): TrialOutcome {
  if (study === 'diatom') {
    const lr = num(a, 'log_lr');
    const filters = (num(a, 'conv_1_num_filters') + num(a, 'conv_2_num_filters') + num(a, 'conv_3_num_filters')) / 768;
    const sizes = (num(a, 'conv_1_filter_size') + num(a, 'conv_2_filter_size') + num(a, 'conv_3_filter_size')) / 30;
    const accuracy = (0.05 + 0.8 * Math.exp(-(((lr + 7) / 4) ** 2))) * (0.6 + 0.4 * filters);
    const inference = 0.02 + 0.2 * filters * sizes;
    return {
      accuracy,
      trainSeconds: epochs * inference * 3,
      inferenceSeconds: inference,
      epochs,
      stoppedEarly: null,
      error: null,
    };
  }
  const lr = num(a, 'log_learning_rate');
  const dropout = num(a, 'dropout_rate');
  // about half of the space reaches 0.75 (log_learning_rate within ~4.3 of -6)
  const accuracy = 0.6 + 0.25 * Math.exp(-(((lr + 6) / 6) ** 2)) + 0.02 * (0.5 - Math.abs(dropout - 0.5));
  const train = (epochs * num(a, 'embed_dim')) / (2 * num(a, 'batch_size'));
  return { accuracy, trainSeconds: train, inferenceSeconds: 0.01, epochs, stoppedEarly: null, error: null };
}

async function fakeTrainer(init: WorkerInit): Promise<Trainer> {
  const delay = Number(process.env.PARETOBENCH_FAKE_TRIAL_MS ?? '20');
  return {
    backend: 'fake',
    async train(task) {
      await sleep(delay);
      return fakeMetrics(init.study, task.assignments, task.epochs);
    },
  };
}

/** A finished training (possibly stopped early) as a trial outcome. */
function trainedOutcome(r: {
  accuracy: number;
  trainSeconds: number;
  inferenceSeconds: number;
  epochs: number;
  stoppedEarly?: string;
  history: { seconds: number }[];
}): TrialOutcome {
  return {
    accuracy: r.accuracy,
    trainSeconds: r.trainSeconds,
    inferenceSeconds: r.inferenceSeconds,
    epochs: r.epochs,
    stoppedEarly: r.stoppedEarly ?? null,
    error: null,
    epochSeconds: r.history.map((h) => h.seconds),
  };
}

function errorOutcome(err: unknown, epochs: number): TrialOutcome {
  const message = err instanceof Error ? err.message : String(err);
  return { accuracy: null, trainSeconds: null, inferenceSeconds: null, epochs, stoppedEarly: null, error: message };
}

export interface TrainerHooks {
  /** Called after every training epoch (the worker exits there if its coordinator has gone away). */
  onEpoch?: () => void;
}

async function realTrainer(init: WorkerInit, hooks: TrainerHooks): Promise<Trainer> {
  const models = await import('@paretobench/models');
  const chosen = await models.initBackend(init.backend);
  // On wasm, say which GEMM the convolutions ran on (the native addon roughly halves an FCN epoch).
  const backend = chosen === 'wasm' ? `wasm, GEMM: ${models.gemmInUse()}` : chosen;
  const dataDir = init.dataDir ?? undefined;
  const { preset, seed } = init;
  /** The same epochs, seed, epoch hook and time limit for either model. */
  const trainOptions = (task: { epochs: number; seed: number }) => ({
    epochs: task.epochs,
    seed: task.seed,
    onEpoch: () => hooks.onEpoch?.(),
    ...(preset.timeLimitSeconds !== null ? { timeLimitSeconds: preset.timeLimitSeconds } : {}),
  });

  if (init.study === 'diatom') {
    const data = await loadFcnData(preset, seed, dataDir);
    return {
      backend,
      async train(task) {
        const a = task.assignments;
        try {
          const hp = {
            batch_size: num(a, 'batch_size'),
            conv_1_num_filters: num(a, 'conv_1_num_filters'),
            conv_2_num_filters: num(a, 'conv_2_num_filters'),
            conv_3_num_filters: num(a, 'conv_3_num_filters'),
            conv_1_filter_size: num(a, 'conv_1_filter_size'),
            conv_2_filter_size: num(a, 'conv_2_filter_size'),
            conv_3_filter_size: num(a, 'conv_3_filter_size'),
            log_lr: num(a, 'log_lr'),
            log_beta_1: num(a, 'log_beta_1'),
            log_beta_2: num(a, 'log_beta_2'),
            log_epsilon: num(a, 'log_epsilon'),
            log_decay: num(a, 'log_decay'),
          };
          const bn = preset.batchNormMomentum !== null ? { batchNormMomentum: preset.batchNormMomentum } : {};
          const r = await models.trainFcn(data, hp, { ...trainOptions(task), ...bn });
          return trainedOutcome(r);
        } catch (err) {
          return errorOutcome(err, task.epochs);
        }
      },
    };
  }

  const data = await loadKimData(preset, seed, dataDir);
  return {
    backend,
    async train(task) {
      const a = task.assignments;
      try {
        const hp = {
          dropout_rate: num(a, 'dropout_rate'),
          log_learning_rate: num(a, 'log_learning_rate'),
          max_grad_norm: num(a, 'max_grad_norm'),
          epochs: num(a, 'epochs'),
          batch_size: num(a, 'batch_size'),
          embed_dim: num(a, 'embed_dim'),
        };
        const r = await models.trainKimCnn(data, hp, trainOptions(task));
        return trainedOutcome(r);
      } catch (err) {
        return errorOutcome(err, task.epochs);
      }
    },
  };
}

export function createTrainer(init: WorkerInit, hooks: TrainerHooks = {}): Promise<Trainer> {
  return init.trainer === 'fake' ? fakeTrainer(init) : realTrainer(init, hooks);
}
