export { DIATOM, ROTTEN, STUDIES, getStudy, type StudyDefinition, type StudyName } from './studies/definitions.ts';
export {
  PresetSchema,
  getPreset,
  describePreset,
  trainedEpochs,
  type Preset,
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
  ProblemNameSchema,
  branin,
  currin,
  type SyntheticProblem,
  type ProblemName,
} from './synthetic/problems.ts';
export { runSynthetic, problemConfig, type SyntheticRunResult, type SyntheticMethod } from './synthetic/run.ts';
