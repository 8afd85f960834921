/** Diatom's trainers: Wang's FCN through @paretobench/models, and the closed-form stand-in of `--trainer fake`. */
import type { Assignments } from '@paretobench/optimizer';
import type { TrialOutcome } from '../../runner/protocol.ts';
import type { Trainer, TrainerContext } from '../study.ts';
import { errorOutcome, num, parseHyperparameters, startModels, trainOptions, trainedOutcome } from '../training.ts';
import { loadAdiac } from './data.ts';

export async function createFcnTrainer(context: TrainerContext): Promise<Trainer> {
  const { models, backend } = await startModels(context.backend);
  const data = await loadAdiac(context);
  const { batchNormMomentum } = context.preset;
  return {
    backend,
    async train(task) {
      try {
        const hp = parseHyperparameters(models.FcnHyperparametersSchema, task.assignments, 'FCN assignments');
        const bn = batchNormMomentum !== null ? { batchNormMomentum } : {};
        return trainedOutcome(await models.trainFcn(data, hp, { ...trainOptions(context, task), ...bn }));
      } catch (err) {
        return errorOutcome(err, task.epochs);
      }
    },
  };
}

/** Closed-form stand-in metrics: accuracy peaks near a learning rate of e^-7, time grows with model size. */
export function fakeFcnMetrics(a: Assignments, epochs: number): TrialOutcome {
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
