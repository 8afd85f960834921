/**
 * A small client for the SigOpt v1 API served by this package (or anything speaking it), over fetch.
 *
 *   const client = new SigoptClient({ url: 'http://127.0.0.1:8080', token });
 *   const exp = await client.createExperiment({ parameters, metrics, observation_budget: 60 });
 *   const s = await client.suggest(exp.id);
 *   await client.observe(exp.id, { suggestion: s.id, values: [{ name: 'accuracy', value: 0.8 }] });
 *   const front = await client.bestAssignments(exp.id);
 *
 * Non-2xx answers throw SigoptApiError (status + the server's message). GET and DELETE calls are
 * retried on connection errors (`retries`, default 2); POST/PUT are never retried automatically,
 * because a lost answer may hide a committed write (re-posting an observation for the same
 * suggestion is safe: the server answers 409 instead of storing a duplicate).
 */
import type {
  BestAssignmentsObject,
  ExperimentObject,
  ObservationObject,
  PaginationObject,
  SuggestionObject,
} from './objects.ts';

export type Assignments = Record<string, number | string>;

export interface ExperimentCreateBody {
  name?: string;
  parameters: Record<string, unknown>[];
  metrics: Record<string, unknown>[];
  observation_budget?: number;
  parallel_bandwidth?: number;
  seed?: number;
  method?: 'mobo' | 'random' | 'sobol';
  initial_design_size?: number;
  metadata?: Record<string, unknown>;
}

export interface ObservationBody {
  suggestion?: string;
  assignments?: Assignments;
  values?: { name: string; value: number; value_stddev?: number }[];
  value?: number;
  value_stddev?: number;
  failed?: boolean;
  metadata?: Record<string, unknown>;
}

export interface PageOptions {
  limit?: number;
  before?: string;
  after?: string;
}

export interface SigoptClientOptions {
  /** server root, e.g. http://127.0.0.1:8080 (with or without a trailing /v1) */
  url: string;
  token: string;
  /** per-request timeout in ms (default 600 s: with many clients a suggestion waits for the ones queued before it) */
  timeoutMs?: number;
  /** retries of GET/DELETE on connection errors (default 2) */
  retries?: number;
  fetch?: typeof fetch;
}

export class SigoptApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} -> ${status}: ${message}`);
    this.name = 'SigoptApiError';
  }
}

function query(opts: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class SigoptClient {
  private readonly base: string;
  private readonly auth: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: SigoptClientOptions) {
    if (!opts.url) throw new Error('SigoptClient: url is required');
    if (!opts.token) throw new Error('SigoptClient: token is required');
    this.base = opts.url.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.auth = `Basic ${Buffer.from(`${opts.token}:`).toString('base64')}`;
    this.timeoutMs = opts.timeoutMs ?? 600_000;
    this.retries = opts.retries ?? 2;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const idempotent = method === 'GET' || method === 'DELETE';
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchImpl(`${this.base}/v1${path}`, {
          method,
          headers: {
            authorization: this.auth,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        if (idempotent && attempt < this.retries) {
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
          continue;
        }
        throw err;
      }
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (!res.ok) {
        const message =
          parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string'
            ? (parsed as { message: string }).message
            : text.slice(0, 500);
        throw new SigoptApiError(res.status, message, method, path);
      }
      return parsed as T;
    }
  }

  createExperiment(body: ExperimentCreateBody): Promise<ExperimentObject> {
    return this.request('POST', '/experiments', body);
  }

  getExperiment(id: string): Promise<ExperimentObject> {
    return this.request('GET', `/experiments/${encodeURIComponent(id)}`);
  }

  listExperiments(
    opts: PageOptions & { state?: 'active' | 'deleted' | 'all' } = {},
  ): Promise<PaginationObject<ExperimentObject>> {
    return this.request('GET', `/experiments${query({ ...opts })}`);
  }

  updateExperiment(
    id: string,
    body: {
      name?: string;
      observation_budget?: number | null;
      parallel_bandwidth?: number | null;
      metadata?: Record<string, unknown> | null;
      state?: 'active' | 'deleted';
    },
  ): Promise<ExperimentObject> {
    return this.request('PUT', `/experiments/${encodeURIComponent(id)}`, body);
  }

  deleteExperiment(id: string): Promise<void> {
    return this.request('DELETE', `/experiments/${encodeURIComponent(id)}`);
  }

  suggest(
    experimentId: string,
    body: { metadata?: Record<string, unknown>; assignments?: Assignments } = {},
  ): Promise<SuggestionObject> {
    return this.request('POST', `/experiments/${encodeURIComponent(experimentId)}/suggestions`, body);
  }

  listSuggestions(
    experimentId: string,
    opts: PageOptions & { state?: 'open' | 'closed' | 'all' } = {},
  ): Promise<PaginationObject<SuggestionObject>> {
    return this.request('GET', `/experiments/${encodeURIComponent(experimentId)}/suggestions${query({ ...opts })}`);
  }

  deleteSuggestion(experimentId: string, suggestionId: string): Promise<void> {
    return this.request(
      'DELETE',
      `/experiments/${encodeURIComponent(experimentId)}/suggestions/${encodeURIComponent(suggestionId)}`,
    );
  }

  observe(experimentId: string, body: ObservationBody): Promise<ObservationObject> {
    return this.request('POST', `/experiments/${encodeURIComponent(experimentId)}/observations`, body);
  }

  observeBatch(experimentId: string, observations: ObservationBody[]): Promise<PaginationObject<ObservationObject>> {
    return this.request('POST', `/experiments/${encodeURIComponent(experimentId)}/observations/batch`, {
      observations,
    });
  }

  listObservations(experimentId: string, opts: PageOptions = {}): Promise<PaginationObject<ObservationObject>> {
    return this.request('GET', `/experiments/${encodeURIComponent(experimentId)}/observations${query({ ...opts })}`);
  }

  /** Every observation of the experiment, oldest first (walks all pages). */
  async allObservations(experimentId: string): Promise<ObservationObject[]> {
    const out: ObservationObject[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.listObservations(experimentId, { limit: 1000, before });
      out.push(...page.data);
      if (page.paging.before === null || page.data.length === 0) break;
      before = page.paging.before;
    }
    return out.reverse();
  }

  bestAssignments(experimentId: string): Promise<PaginationObject<BestAssignmentsObject>> {
    return this.request('GET', `/experiments/${encodeURIComponent(experimentId)}/best_assignments`);
  }
}
