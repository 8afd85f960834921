/**
 * The HTTP layer: a fastify app exposing the SigOpt v1 API over OptimizationService.
 * Authentication: HTTP Basic with an API token as the user name (password ignored).
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Db } from './database.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import type { Storage } from './storage/storage.ts';
import { ApiError, errorBody } from './errors.ts';
import { serializeReply } from './objects.ts';
import { OptimizationService } from './service.ts';
import { inlineSuggest, SuggestWorkerPool, type SuggestRunner } from './suggest-pool.ts';
import { authenticate, tokenFromBasicAuth, type Caller } from './tokens.ts';
import { AiModuleService } from './ai-module.ts';

export const DEFAULT_BODY_LIMIT = 1_048_576;

export interface ServerOptions {
  /**
   * an open storage (storage/open.ts: a SQLite file or a PostgreSQL database), an open SQLite database, or a SQLite file
   * path (':memory:' for a throwaway one)
   */
  db: Storage | Db | string;
  /** maximum request body in bytes (default 1 MiB); larger bodies get 413 */
  bodyLimit?: number;
  logger?: boolean;
  /** run suggest() in this many worker threads (0 = inline on the event loop; default 0) */
  suggestWorkers?: number;
  /** replaces where suggest() runs (takes precedence over suggestWorkers); closed with the app */
  suggestRunner?: SuggestRunner;
  /** at most this many waiting suggestion requests of one experiment are answered by one batch (default 32; 1: each alone) */
  maxBatch?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the token's id, client and user (set by the authentication hook on every /v1/ request) */
    caller: Caller;
  }
}

type Params = { id: string; sid: string; oid: string; cid: string; pid: string };

/** Builds the app (not listening). Closing the app closes the database when it opened it. */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const ownsDb = typeof opts.db === 'string';
  const storage: Storage =
    typeof opts.db === 'string'
      ? SqliteStorage.open(opts.db)
      : 'dialect' in opts.db
        ? opts.db
        : new SqliteStorage(opts.db);
  const runner =
    opts.suggestRunner ?? ((opts.suggestWorkers ?? 0) > 0 ? new SuggestWorkerPool(opts.suggestWorkers) : inlineSuggest);
  const service = new OptimizationService(storage, runner, opts.maxBatch);
  const ai = new AiModuleService(storage, service);
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
  });

  // integral values of double parameters go out as 0.0, not 0 (objects.ts WireDouble)
  app.setReplySerializer((payload) => serializeReply(payload));
  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415
  // SigOpt's clients send `Content-Type: application/json` on every request, a bodyless DELETE included: an empty
  // body is no body (a route that needs one says so naming the field); anything else goes to fastify's JSON parser,
  // which keeps refusing prototype poisoning.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') done(null, undefined);
    else void parseJson(req, text, done);
  });
  app.decorateRequest('caller', null as unknown as Caller);
  // the sigopt client updates a training run with the MERGE method (and `X-Response-Content: skip`: answered 204)
  app.addHttpMethod('MERGE', { hasBody: true });

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/v1/')) return;
    const token = tokenFromBasicAuth(req.headers.authorization);
    if (token === null) {
      throw new ApiError(401, 'authorization: send your API token as the HTTP Basic user name');
    }
    const caller = await authenticate(storage, token);
    if (caller === null) throw new ApiError(401, 'authorization: invalid or revoked API token');
    req.caller = caller;
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) {
      if (err.status === 401) reply.header('www-authenticate', 'Basic realm="paretobench"');
      return reply.code(err.status).send(errorBody(err.status, err.message));
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(status, `(body): ${err.message}`));
    }
    // a failing database (read-only, full disk, corrupt, a lost connection) is named in the log line
    const reason = storage.describeError(err);
    if (reason !== null) {
      const line = `storage error on database ${storage.name}: ${reason}`;
      if (opts.logger) req.log.error({ err }, line);
      else process.stderr.write(`${new Date().toISOString()} 500 ${req.method} ${req.url}: ${line}\n`);
      return reply.code(500).send(errorBody(500, `internal error: storage: ${err.message}`));
    }
    if (opts.logger) req.log.error(err);
    else
      process.stderr.write(`${new Date().toISOString()} 500 ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
    return reply.code(500).send(errorBody(500, `internal error: ${err.message}`));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody(404, `no such endpoint: ${req.method} ${req.url.split('?')[0]}`));
  });

  // the service takes the token (store.ts finds its client); the AI module the caller
  const tok = (req: FastifyRequest) => req.caller.token;
  const who = (req: FastifyRequest) => req.caller;

  app.get('/health', async () => ({ ok: true }));

  app.post('/v1/experiments', async (req) => service.createExperiment(tok(req), req.body));
  app.get('/v1/experiments', async (req) => service.listExperiments(tok(req), req.query));
  app.get<{ Params: Params }>('/v1/experiments/:id', async (req) => service.getExperiment(tok(req), req.params.id));
  app.put<{ Params: Params }>('/v1/experiments/:id', async (req) =>
    service.updateExperiment(tok(req), req.params.id, req.body),
  );
  app.delete<{ Params: Params }>('/v1/experiments/:id', async (req, reply) => {
    await service.deleteExperiment(tok(req), req.params.id);
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>('/v1/experiments/:id/suggestions', async (req) =>
    service.createSuggestion(tok(req), req.params.id, req.body),
  );
  app.get<{ Params: Params }>('/v1/experiments/:id/suggestions', async (req) =>
    service.listSuggestions(tok(req), req.params.id, req.query),
  );
  app.delete<{ Params: Params }>('/v1/experiments/:id/suggestions', async (req, reply) => {
    await service.deleteOpenSuggestions(tok(req), req.params.id, req.query);
    return reply.code(204).send();
  });
  app.get<{ Params: Params }>('/v1/experiments/:id/suggestions/:sid', async (req) =>
    service.getSuggestion(tok(req), req.params.id, req.params.sid),
  );
  app.put<{ Params: Params }>('/v1/experiments/:id/suggestions/:sid', async (req) =>
    service.updateSuggestion(tok(req), req.params.id, req.params.sid, req.body),
  );
  app.delete<{ Params: Params }>('/v1/experiments/:id/suggestions/:sid', async (req, reply) => {
    await service.deleteSuggestion(tok(req), req.params.id, req.params.sid);
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>('/v1/experiments/:id/observations', async (req) =>
    service.createObservation(tok(req), req.params.id, req.body, req.headers['idempotency-key']),
  );
  app.post<{ Params: Params }>('/v1/experiments/:id/observations/batch', async (req) =>
    service.createObservations(tok(req), req.params.id, req.body, req.headers['idempotency-key']),
  );
  app.get<{ Params: Params }>('/v1/experiments/:id/observations', async (req) =>
    service.listObservations(tok(req), req.params.id, req.query),
  );
  app.delete<{ Params: Params }>('/v1/experiments/:id/observations', async (req, reply) => {
    await service.deleteObservations(tok(req), req.params.id);
    return reply.code(204).send();
  });
  app.get<{ Params: Params }>('/v1/experiments/:id/observations/:oid', async (req) =>
    service.getObservation(tok(req), req.params.id, req.params.oid),
  );
  app.put<{ Params: Params }>('/v1/experiments/:id/observations/:oid', async (req) =>
    service.updateObservation(tok(req), req.params.id, req.params.oid, req.body),
  );
  app.delete<{ Params: Params }>('/v1/experiments/:id/observations/:oid', async (req, reply) => {
    await service.deleteObservations(tok(req), req.params.id, req.params.oid);
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>('/v1/experiments/:id/best_assignments', async (req) =>
    service.bestAssignments(tok(req), req.params.id),
  );

  app.post<{ Params: Params }>('/v1/experiments/:id/queued_suggestions', async (req) =>
    service.createQueuedSuggestion(tok(req), req.params.id, req.body),
  );
  app.get<{ Params: Params }>('/v1/experiments/:id/queued_suggestions', async (req) =>
    service.listQueuedSuggestions(tok(req), req.params.id, req.query),
  );
  app.get<{ Params: Params }>('/v1/experiments/:id/queued_suggestions/:sid', async (req) =>
    service.getQueuedSuggestion(tok(req), req.params.id, req.params.sid),
  );
  app.delete<{ Params: Params }>('/v1/experiments/:id/queued_suggestions/:sid', async (req, reply) => {
    await service.deleteQueuedSuggestion(tok(req), req.params.id, req.params.sid);
    return reply.code(204).send();
  });
  app.get<{ Params: Params }>('/v1/experiments/:id/importances', async (req) =>
    service.importances(tok(req), req.params.id),
  );
  app.get<{ Params: Params }>('/v1/experiments/:id/metric_importances', async (req) =>
    service.metricImportances(tok(req), req.params.id),
  );
  app.get<{ Params: Params }>('/v1/experiments/:id/stopping_criteria', async (req) =>
    service.stoppingCriteria(tok(req), req.params.id),
  );

  // --- the AI module (ai-module.ts): tokens/self, clients, organizations, projects, AI experiments, training runs -
  type R = FastifyRequest<{ Params: Params }>;
  const skipOr = (req: FastifyRequest, reply: FastifyReply, body: unknown) =>
    req.headers['x-response-content'] === 'skip' ? reply.code(204).send() : body;
  app.get<{ Params: Params }>('/v1/tokens/:id', async (req) => {
    if (req.params.id !== 'self')
      throw new ApiError(404, `token ${req.params.id} not found (only tokens/self is served)`);
    return ai.tokenSelf(who(req));
  });
  app.get<{ Params: Params }>('/v1/clients/:cid', async (req) => ai.getClient(who(req), req.params.cid));
  app.get('/v1/organizations', async (req) => ai.listOrganizations(who(req)));
  app.get<{ Params: Params }>('/v1/organizations/:id', async (req) => ai.getOrganization(who(req), req.params.id));
  app.post<{ Params: Params }>('/v1/clients/:cid/projects', async (req) =>
    ai.createProject(who(req), req.params.cid, req.body),
  );
  app.get<{ Params: Params }>('/v1/clients/:cid/projects', async (req) => ai.listProjects(who(req), req.params.cid));
  app.get<{ Params: Params }>('/v1/clients/:cid/projects/:pid', async (req: R) =>
    ai.getProject(who(req), req.params.cid, req.params.pid),
  );
  app.put<{ Params: Params }>('/v1/clients/:cid/projects/:pid', async (req: R) =>
    ai.updateProject(who(req), req.params.cid, req.params.pid, req.body),
  );
  // core experiments through the client (SigOpt's /clients/{id}/experiments) and by project
  app.post<{ Params: Params }>('/v1/clients/:cid/experiments', async (req) => {
    ai.requireClient(who(req), req.params.cid);
    return service.createExperiment(tok(req), req.body);
  });
  app.get<{ Params: Params }>('/v1/clients/:cid/experiments', async (req) => {
    ai.requireClient(who(req), req.params.cid);
    return service.listExperiments(tok(req), req.query);
  });
  app.get<{ Params: Params }>('/v1/clients/:cid/projects/:pid/experiments', async (req: R) => {
    ai.requireClient(who(req), req.params.cid);
    return service.listExperiments(tok(req), req.query, req.params.pid);
  });
  app.post<{ Params: Params }>('/v1/clients/:cid/projects/:pid/aiexperiments', async (req: R) =>
    ai.createAiExperiment(who(req), req.params.cid, req.params.pid, req.body),
  );
  app.get<{ Params: Params }>('/v1/clients/:cid/projects/:pid/aiexperiments', async (req: R) =>
    ai.listAiExperiments(who(req), req.params.cid, req.params.pid, req.query),
  );
  app.post<{ Params: Params }>('/v1/clients/:cid/projects/:pid/training_runs', async (req: R) =>
    ai.createProjectRun(who(req), req.params.cid, req.params.pid, req.body),
  );
  app.post<{ Params: Params }>('/v1/clients/:cid/projects/:pid/training_runs/batch', async (req: R) =>
    ai.createProjectRuns(who(req), req.params.cid, req.params.pid, req.body),
  );
  app.get<{ Params: Params }>('/v1/clients/:cid/projects/:pid/training_runs', async (req: R) =>
    ai.listProjectRuns(who(req), req.params.cid, req.params.pid, req.query),
  );
  app.get<{ Params: Params }>('/v1/aiexperiments/:id', async (req) => ai.getAiExperiment(who(req), req.params.id));
  app.put<{ Params: Params }>('/v1/aiexperiments/:id', async (req) =>
    ai.updateAiExperiment(who(req), req.params.id, req.body),
  );
  app.delete<{ Params: Params }>('/v1/aiexperiments/:id', async (req, reply) => {
    await ai.deleteAiExperiment(who(req), req.params.id, req.query);
    return reply.code(204).send();
  });
  app.post<{ Params: Params }>('/v1/aiexperiments/:id/training_runs', async (req) =>
    ai.createExperimentRun(who(req), req.params.id, req.body),
  );
  app.get<{ Params: Params }>('/v1/aiexperiments/:id/best_training_runs', async (req) =>
    ai.bestRuns(who(req), req.params.id),
  );
  app.get<{ Params: Params }>('/v1/training_runs/:id', async (req) => ai.getRun(who(req), req.params.id));
  for (const method of ['MERGE', 'PUT'] as const) {
    app.route<{ Params: Params }>({
      method,
      url: '/v1/training_runs/:id',
      handler: async (req, reply) => skipOr(req, reply, await ai.updateRun(who(req), req.params.id, req.body)),
    });
  }
  app.delete<{ Params: Params }>('/v1/training_runs/:id', async (req, reply) => {
    await ai.deleteRun(who(req), req.params.id);
    return reply.code(204).send();
  });
  app.post<{ Params: Params }>('/v1/training_runs/:id/checkpoints', async (req, reply) =>
    skipOr(req, reply, await ai.createCheckpoint(who(req), req.params.id, req.body)),
  );
  app.get<{ Params: Params }>('/v1/training_runs/:id/checkpoints', async (req) =>
    ai.listCheckpoints(who(req), req.params.id, req.query),
  );

  app.addHook('onClose', async () => {
    await runner.close();
    if (ownsDb) await storage.close();
  });
  return app;
}
