/** Hyperparameter assignments of the two models, validated at the boundary (types inferred from the schemas). */
import { z } from 'zod';

const posInt = z.number().int().positive();
const finite = z.number().finite();

export const FcnHyperparametersSchema = z.object({
  batch_size: posInt,
  conv_1_num_filters: posInt,
  conv_2_num_filters: posInt,
  conv_3_num_filters: posInt,
  conv_1_filter_size: posInt,
  conv_2_filter_size: posInt,
  conv_3_filter_size: posInt,
  log_lr: finite,
  log_beta_1: finite.max(0),
  log_beta_2: finite.max(0),
  log_epsilon: finite,
  log_decay: finite,
});
export type FcnHyperparameters = z.infer<typeof FcnHyperparametersSchema>;

export const KimHyperparametersSchema = z.object({
  dropout_rate: z.number().min(0).lt(1),
  log_learning_rate: finite,
  max_grad_norm: z.number().positive().finite(),
  epochs: posInt,
  batch_size: posInt,
  embed_dim: posInt,
  filter_size_1: posInt.optional(),
  filter_size_2: posInt.optional(),
  filter_size_3: posInt.optional(),
  num_feature_maps: posInt.optional(),
});
export type KimHyperparameters = z.infer<typeof KimHyperparametersSchema>;

export const TrainOptionsSchema = z.object({
  epochs: posInt.optional(),
  seed: z.number().int().optional(),
  timeLimitSeconds: z.number().positive().optional(),
  /** Measure validation accuracy after every n-th epoch (and the last) into EpochRecord.valAccuracy, like Keras' validation_data. */
  validateEvery: posInt.optional(),
  /**
   * FCN only: batch-norm moving-statistics momentum. 0.99 is Keras' (Wang's code); 0.9 is PyTorch's default, whose
   * moving statistics settle within a few dozen steps, which matters when a trial trains for only a few epochs.
   */
  batchNormMomentum: z.number().gt(0).lt(1).optional(),
  /**
   * Kim CNN only (default true): batches of similar sentence lengths, each trimmed from the padded length to its
   * longest sentence + the widest filter width; the features and gradients are those of the padded batch
   * (kim-cnn.ts). false: shuffled batches padded to maxLen.
   */
  bucketing: z.boolean().optional(),
  onEpoch: z.custom<(r: EpochRecord) => void>((v) => typeof v === 'function', 'must be a function').optional(),
});
export type TrainOptions = z.infer<typeof TrainOptionsSchema>;

export interface EpochRecord {
  epoch: number;
  loss: number;
  lr: number;
  seconds: number;
  /** Validation accuracy after this epoch, when TrainOptions.validateEvery asked for it. */
  valAccuracy?: number;
}

/** Parses with a schema, throwing an error that names every offending field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new Error(`invalid ${what}: ${issues}`);
}
