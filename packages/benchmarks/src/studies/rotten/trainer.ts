/** Rotten's trainers: Kim's CNN-rand through @paretobench/models, and the closed-form stand-in of `--trainer fake`. */
import type { Assignments } from '@paretobench/optimizer';
import type { TrialOutcome } from '../../runner/protocol.ts';
import type { Trainer, TrainerContext } from '../study.ts';
import { errorOutcome, num, parseHyperparameters, startModels, trainOptions, trainedOutcome } from '../training.ts';
import { loadMovieReviewData } from './data.ts';

export async function createKimTrainer(context: TrainerContext): Promise<Trainer> {
  const { models, backend } = await startModels(context.backend);
  const data = await loadMovieReviewData(context);
  return {
    backend,
    async train(task) {
      try {
        const hp = parseHyperparameters(models.KimHyperparametersSchema, task.assignments, 'Kim CNN assignments');
        return trainedOutcome(await models.trainKimCnn(data, hp, trainOptions(context, task)));
      } catch (err) {
        return errorOutcome(err, task.epochs);
      }
    },
  };
}

/** Closed-form stand-in metrics: accuracy peaks near a learning rate of e^-6, training time grows with the model. */
export function fakeKimMetrics(a: Assignments, epochs: number): TrialOutcome {
  const lr = num(a, 'log_learning_rate');
  const dropout = num(a, 'dropout_rate');
  // about half of the space reaches 0.75 (log_learning_rate within ~4.3 of -6)
  const accuracy = 0.6 + 0.25 * Math.exp(-(((lr + 6) / 6) ** 2)) + 0.02 * (0.5 - Math.abs(dropout - 0.5));
  const train = (epochs * num(a, 'embed_dim')) / (2 * num(a, 'batch_size'));
  return { accuracy, trainSeconds: train, inferenceSeconds: 0.01, epochs, stoppedEarly: null, error: null };
}
