/**
 * @paretobench/server: a SigOpt-compatible (v1) optimization service over @paretobench/optimizer,
 * stored in SQLite (one file) or PostgreSQL (shared by several server replicas). Its client is @paretobench/client.
 */
export { buildServer, DEFAULT_BODY_LIMIT, type ServerOptions } from './app.ts';
export { openDatabase, type Db } from './database.ts';
export { openStorage, isPostgresUrl } from './storage/open.ts';
export { SqliteStorage } from './storage/sqlite.ts';
export type { SqlConnection, Storage } from './storage/storage.ts';
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
