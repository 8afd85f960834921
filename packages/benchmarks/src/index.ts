export { getStudy, studyNames, isStudyName, StudyNameSchema, STUDIES_DIR_ENV } from './studies/registry.ts';
export type {
  Study,
  StudyData,
  DataRequest,
  TrainerContext,
  Trainer,
  MeasuredOutcome,
  PaperFigure,
} from './studies/study.ts';
export {
  PresetSchema,
  PRESET_NAMES,
  getPreset,
  budgetLines,
  dataLine,
  designLine,
  type Preset,
  type PresetInput,
  type PresetName,
} from './studies/presets.ts';
export { Journal, readJournal, JournalError } from './journal/journal.ts';
export { TrialRecordSchema, JournalHeaderSchema, type TrialRecord, type JournalHeader } from './journal/records.ts';
export { TrialScheduler } from './runner/scheduler.ts';
export { runStudyTrials, type StudyRunOptions } from './runner/run-study.ts';
export { SummarySchema, computeSummary, type Summary } from './report/summary.ts';
export { renderReport } from './report/html.ts';
export { BaselineSchema, compareToBaseline } from './check/baseline.ts';
export { writeBaselines, baselineFromRuns } from './check/write-baseline.ts';
export { runCheck } from './check/run-check.ts';
export {
  makeProblem,
  vectorAssignments,
  ProblemNameSchema,
  branin,
  currin,
  type SyntheticProblem,
  type ProblemName,
  type Outcome,
} from './synthetic/problems.ts';
export {
  runMethod,
  runSynthetic,
  problemConfig,
  PEER_METHODS,
  type SyntheticRunResult,
  type SyntheticMethod,
  type PeerMethod,
  type AnyMethod,
} from './synthetic/run.ts';
export { suiteProblems, suiteBudget, SuiteNameSchema, type SuiteName } from './synthetic/suite.ts';
export { SuiteReportSchema, type SuiteReport } from './synthetic/suite-report.ts';
export { OptunaPeer } from './synthetic/optuna-peer.ts';
