/**
 * What the package knows about a study, all of it behind this one interface. A study is a folder
 * `src/studies/<name>/` whose `index.ts` default-exports a `Study` (found by `registry.ts`); the runner, journal,
 * reports, CLI and workers reach it only through the registry, by name.
 *
 * The definition part (parameters, metrics) is plain data in the optimizer's SigOpt-style shape
 * (`ExperimentConfig.parameters`, `ExperimentConfig.metrics`), so the in-process optimizer and the REST service receive
 * the same thing, and it is part of the journal's fingerprint (runner/run-study.ts).
 */
import type { Assignments, Metric, Parameter } from '@paretobench/optimizer';
import type { BackendChoice } from '@paretobench/models/backend-names';
import type { FailureReason } from '../journal/records.ts';
import type { TrialOutcome, TrialTask } from '../runner/protocol.ts';
import type { Preset, PresetInput, PresetName } from './presets.ts';

export interface Study {
  /** The folder name: the CLI argument and the `study` of journal headers and summaries. */
  readonly name: string;
  /** Printed at start and as the report's heading. */
  readonly title: string;
  /** The search space, exactly as the study's SPEC.md states it (names, types, bounds). */
  readonly parameters: Parameter[];
  /** [accuracy (maximize), time (minimize)], always in this order. */
  readonly metrics: [Metric, Metric];
  /** Name of the accuracy metric (the first of `metrics`). */
  readonly accuracyMetric: string;
  /** Name of the time metric (the second of `metrics`). */
  readonly timeMetric: string;
  /** Human label of the time axis in reports. */
  readonly timeLabel: string;
  /** Which measured time of a trial is the time metric: `inferenceSeconds` or `trainSeconds` of its outcome. */
  readonly timeMeasure: 'inference' | 'training';
  /** The named presets, validated with the shared `PresetSchema` by `getPreset` (presets.ts). */
  readonly presets: Readonly<Record<PresetName, PresetInput>>;
  /** Epochs a trial with these assignments trains under the preset. */
  trainedEpochs(preset: Preset, assignments: Assignments): number;
  /**
   * The scaled quantities of a preset as lines of text, printed at start and written into the report and
   * summary.json (`preset_description`); the shared lines come from the helpers in presets.ts.
   */
  describePreset(preset: Preset): string[];
  /**
   * The data a run trains and validates on (its dataset, subset by the preset with the run seed). The regression
   * check reads the validation labels to know what accuracy a model that learned nothing reaches.
   */
  loadData(request: DataRequest): Promise<StudyData>;
  /** The real trainer of a worker process: loads the data and the model stack once, then trains one trial per task. */
  createTrainer(context: TrainerContext): Promise<Trainer>;
  /**
   * The closed-form stand-in of `--trainer fake` (tests of the runner, the kill -9 resume test, CI): metrics as a
   * function of the assignments and epochs only, no training and no data.
   */
  fakeMetrics(assignments: Assignments, epochs: number): TrialOutcome;
  /**
   * The failure rule: why a trial that produced a model is reported to the optimizer as failed, or null when it is
   * not. (A trial whose training threw, or produced no accuracy or time, is failed with reason 'error' for every
   * study before this is asked; runner/judge.ts.)
   */
  failureReason(preset: Preset, outcome: MeasuredOutcome): FailureReason | null;
  /** The original study's headline figures beside the same figures of a run (summary.json `paper_comparison`). */
  paperFigures(methods: { optimizer: MethodFigures; random: MethodFigures }): PaperFigure[];
}

/** What a study needs to load its data. */
export interface DataRequest {
  preset: Preset;
  /** The run seed: data subsets (and a seeded split) are drawn with it, so every worker and arm sees the same data. */
  seed: number;
  /** `--data-dir` or PARETOBENCH_DATA_DIR (undefined: the datasets package's own resolution). */
  dataDir: string | undefined;
}

/** The part of a study's data every study has: the validation labels (class ids 0..numClasses-1). */
export interface StudyData {
  yVal: ArrayLike<number>;
  numClasses: number;
}

export interface TrainerContext extends DataRequest {
  /** `--backend` (the tfjs backend a model-based trainer initialises). */
  backend: BackendChoice;
  /** To be called after every training epoch (the worker exits there if its coordinator has gone away). */
  onEpoch: () => void;
}

export interface Trainer {
  /** Shown in the progress line and recorded with every trial. */
  backend: string;
  /** One trial; a training error is returned as an outcome with `error` set, not thrown. */
  train(task: TrialTask): Promise<TrialOutcome>;
}

/** A trial outcome that produced a model: its accuracy and time metric are finite numbers. */
export type MeasuredOutcome = TrialOutcome & { accuracy: number };

/** One method's figures a paper figure is read from. */
export interface MethodFigures {
  union_share: number;
  feasible_fraction: number;
}

export interface PaperFigure {
  figure: string;
  paper: number;
  measured: number;
}
