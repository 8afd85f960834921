/**
 * @paretobench/server: a SigOpt-compatible (v1) optimization service over @paretobench/optimizer,
 * stored in SQLite. Its client is @paretobench/client.
 */
export { buildServer, DEFAULT_BODY_LIMIT, type ServerOptions } from './app.ts';
export { openDatabase, type Db } from './database.ts';
export {
  authenticate,
  createClient,
  createToken,
  listClients,
  listTokens,
  revokeToken,
  verifyToken,
  type Caller,
  type CreateTokenOptions,
} from './tokens.ts';
export { OptimizationService } from './service.ts';
export { inlineSuggest, SuggestWorkerPool, type SuggestRunner } from './suggest-pool.ts';
export { ApiError } from './errors.ts';
export type {
  BestAssignmentsObject,
  ExperimentObject,
  MetricEvaluation,
  ObservationObject,
  PaginationObject,
  ProgressObject,
  SuggestionObject,
} from './objects.ts';
