/**
 * The SigOpt v1 API over fetch: this project's service (`nx run server:serve`) or anything speaking it.
 *
 *   const client = new SigoptClient({ url: 'http://127.0.0.1:8080', token });
 *   const exp = await client.createExperiment({ parameters, metrics, observation_budget: 60 });
 *   const s = await client.suggest(exp.id);
 *   await client.observe(exp.id, { suggestion: s.id, values: [{ name: 'accuracy', value: 0.8 }] });
 *   const front = await client.bestAssignments(exp.id);
 *
 * - Requests go out the way the official Python client sends them: HTTP Basic with the token as user name, and
 *   `Content-Type: application/json` on every request, bodyless GET and DELETE included (a server that refuses
 *   those breaks that client, so ours must meet them in our own tests).
 * - Bodies are typed by the zod schemas the server validates with (requests.ts); answers are parsed with the response
 *   schemas (objects.ts), so a service that answers something else fails here, naming the field, not later.
 * - Errors: `SigoptApiError` with the HTTP status (0 when no answer came) and the service's message.
 * - Retries, after 0.5, 1, 2, 4 ... s: a request that got no answer or a 5xx. GET, PUT and DELETE repeat safely and
 *   are retried `retries` times (default 4); a POST only when the call says so: with an `idempotencyKey` (sent as
 *   `Idempotency-Key`, which this service honours, so an observation whose answer was lost is stored once) or with
 *   its own `retries`.
 */
import { z } from 'zod';
import type {
  ExperimentCreateSchema,
  ExperimentUpdateSchema,
  ObservationCreateSchema,
  ObservationUpdateSchema,
  SuggestionCreateSchema,
  SuggestionUpdateSchema,
} from './requests.ts';
import {
  BestAssignmentsObject,
  ExperimentObject,
  ObservationObject,
  PaginationObject,
  QueuedSuggestionObject,
  SuggestionObject,
  TokenObject,
} from './objects.ts';

export type Assignments = Record<string, number | string>;

/** A parameter as SigOpt's API takes it (the service checks the details: bounds, values, priors, ...). */
export interface ParameterInput {
  name: string;
  type: 'double' | 'int' | 'categorical';
  bounds?: { min: number; max: number };
  categorical_values?: readonly (string | { name: string; enum_index?: number })[];
  grid?: readonly number[];
  transformation?: 'log' | 'none';
  prior?: { name: 'normal'; mean: number; scale: number } | { name: 'beta'; shape_a: number; shape_b: number };
  default_value?: number | string | null;
  precision?: number | null;
}

/** A metric as SigOpt's API takes it. */
export interface MetricInput {
  name: string;
  objective?: 'maximize' | 'minimize';
  strategy?: 'optimize' | 'constraint' | 'store';
  threshold?: number | null;
}

/** POST /experiments: the envelope from the server's schema, the space and metrics typed as SigOpt documents them. */
export type ExperimentCreateBody = Omit<z.input<typeof ExperimentCreateSchema>, 'parameters' | 'metrics'> & {
  parameters: readonly ParameterInput[];
  metrics?: readonly MetricInput[];
  observation_budget?: number | null;
  parallel_bandwidth?: number | null;
  seed?: number;
  method?: 'mobo' | 'random' | 'sobol';
  initial_design_size?: number;
};
export type ExperimentUpdateBody = z.input<typeof ExperimentUpdateSchema>;
export type SuggestionCreateBody = z.input<typeof SuggestionCreateSchema>;
export type SuggestionUpdateBody = z.input<typeof SuggestionUpdateSchema>;
export type ObservationCreateBody = z.input<typeof ObservationCreateSchema>;
export type ObservationUpdateBody = z.input<typeof ObservationUpdateSchema>;

export interface PageOptions {
  limit?: number;
  before?: string;
  after?: string;
}

export interface SigoptClientOptions {
  /** the service's root, e.g. http://127.0.0.1:8080 (with or without a trailing /v1) */
  url: string;
  token: string;
  /**
   * per-request timeout in ms (default 300 s: with many clients a suggestion may wait for the ones before it). Node's
   * fetch itself stops waiting for an answer's headers after 300 s, so longer values do not lengthen the wait.
   */
  timeoutMs?: number;
  /** retries of GET, PUT and DELETE that got no answer or a 5xx (default 4) */
  retries?: number;
  /** the first retry's delay in ms, doubled for each next one (default 500) */
  retryDelayMs?: number;
  fetch?: typeof fetch;
}

/** Per call: how to retry, and the `Idempotency-Key` of a POST. */
export interface CallOptions {
  retries?: number;
  idempotencyKey?: string;
}

export class SigoptApiError extends Error {
  constructor(
    /** the HTTP status; 0 when no answer came (connection refused or reset, a timeout) */
    readonly status: number,
    /** the service's message (or what went wrong with its answer) */
    readonly detail: string,
    readonly method: string,
    readonly url: string,
  ) {
    super(`${method} ${url}: ${status === 0 ? 'no answer' : `HTTP ${status}`}: ${detail}`);
    this.name = 'SigoptApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

function query(opts: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const id = (value: string | number) => encodeURIComponent(String(value));

export class SigoptClient {
  private readonly base: string;
  private readonly auth: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: SigoptClientOptions) {
    if (!opts.url) throw new Error('SigoptClient: url is required');
    if (!opts.token) throw new Error('SigoptClient: token is required');
    this.base = opts.url.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.auth = `Basic ${Buffer.from(`${opts.token}:`).toString('base64')}`;
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.retries = opts.retries ?? 4;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /**
   * One API call: `path` under /v1, the answer parsed with `schema` (null for an empty answer, 204). Retried as the
   * module comment says.
   */
  async request<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body?: unknown,
    opts: CallOptions = {},
  ): Promise<z.output<S>> {
    const retries = opts.retries ?? (method !== 'POST' || opts.idempotencyKey !== undefined ? this.retries : 0);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, path, schema, body, opts.idempotencyKey);
      } catch (err) {
        const transient = err instanceof SigoptApiError && (err.status === 0 || err.status >= 500);
        if (!transient || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, this.retryDelayMs * 2 ** attempt));
      }
    }
  }

  private async once<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<z.output<S>> {
    const url = `${this.base}/v1${path}`;
    const headers: Record<string, string> = {
      authorization: this.auth,
      accept: 'application/json',
      'content-type': 'application/json',
    };
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new SigoptApiError(0, cause?.code ?? cause?.message ?? (err as Error).message, method, url);
    }
    let parsed: unknown = null;
    let notJson = false;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        notJson = true;
      }
    }
    if (!res.ok) {
      const message = (parsed as { message?: unknown } | null)?.message;
      throw new SigoptApiError(res.status, typeof message === 'string' ? message : text.slice(0, 500), method, url);
    }
    if (notJson) throw new SigoptApiError(res.status, `the answer is not JSON: ${text.slice(0, 200)}`, method, url);
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : '(the answer)';
      throw new SigoptApiError(res.status, `unexpected answer: ${where}: ${issue?.message}`, method, url);
    }
    return checked.data;
  }

  /**
   * Every item of a list, oldest first: follows `paging.before` from the newest page, `limit` (default 1000, the most
   * this service gives) items at a time. `opts`: the list's query (`state`, `limit`).
   */
  async all<T extends z.ZodType>(path: string, item: T, opts: object = {}): Promise<z.output<T>[]> {
    const pages: z.output<T>[][] = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.request(
        'GET',
        `${path}${query({ limit: 1000, ...opts, before })}`,
        PaginationObject(item),
      );
      pages.push(page.data);
      if (page.paging.before === null || page.data.length === 0) break;
      before = page.paging.before;
    }
    return pages.flat().reverse();
  }

  // --- tokens ----------------------------------------------------------------------------------------------------

  tokenSelf(): Promise<TokenObject> {
    return this.request('GET', '/tokens/self', TokenObject);
  }

  // --- experiments -----------------------------------------------------------------------------------------------

  createExperiment(body: ExperimentCreateBody, opts: CallOptions = {}): Promise<ExperimentObject> {
    return this.request('POST', '/experiments', ExperimentObject, body, opts);
  }

  getExperiment(experimentId: string): Promise<ExperimentObject> {
    return this.request('GET', `/experiments/${id(experimentId)}`, ExperimentObject);
  }

  listExperiments(
    opts: PageOptions & { state?: 'active' | 'deleted' | 'all' } = {},
  ): Promise<PaginationObject<ExperimentObject>> {
    return this.request('GET', `/experiments${query(opts)}`, PaginationObject(ExperimentObject));
  }

  /** Every experiment of the token's client, oldest first. */
  allExperiments(opts: { state?: 'active' | 'deleted' | 'all' } = {}): Promise<ExperimentObject[]> {
    return this.all('/experiments', ExperimentObject, opts);
  }

  updateExperiment(experimentId: string, body: ExperimentUpdateBody): Promise<ExperimentObject> {
    return this.request('PUT', `/experiments/${id(experimentId)}`, ExperimentObject, body);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.request('DELETE', `/experiments/${id(experimentId)}`, z.unknown());
  }

  // --- suggestions -----------------------------------------------------------------------------------------------

  suggest(experimentId: string, body: SuggestionCreateBody = {}, opts: CallOptions = {}): Promise<SuggestionObject> {
    return this.request('POST', `/experiments/${id(experimentId)}/suggestions`, SuggestionObject, body, opts);
  }

  getSuggestion(experimentId: string, suggestionId: string): Promise<SuggestionObject> {
    return this.request('GET', `/experiments/${id(experimentId)}/suggestions/${id(suggestionId)}`, SuggestionObject);
  }

  /** PUT on a suggestion: its metadata; on this service an empty PUT also renews the suggestion's lease. */
  updateSuggestion(
    experimentId: string,
    suggestionId: string,
    body: SuggestionUpdateBody = {},
  ): Promise<SuggestionObject> {
    return this.request(
      'PUT',
      `/experiments/${id(experimentId)}/suggestions/${id(suggestionId)}`,
      SuggestionObject,
      body,
    );
  }

  listSuggestions(
    experimentId: string,
    opts: PageOptions & { state?: 'open' | 'closed' | 'all' } = {},
  ): Promise<PaginationObject<SuggestionObject>> {
    return this.request(
      'GET',
      `/experiments/${id(experimentId)}/suggestions${query(opts)}`,
      PaginationObject(SuggestionObject),
    );
  }

  async deleteSuggestion(experimentId: string, suggestionId: string): Promise<void> {
    await this.request('DELETE', `/experiments/${id(experimentId)}/suggestions/${id(suggestionId)}`, z.unknown());
  }

  /** Deletes every open suggestion (`suggestions().delete(state="open")` in the Python client). */
  async deleteOpenSuggestions(experimentId: string): Promise<void> {
    await this.request('DELETE', `/experiments/${id(experimentId)}/suggestions?state=open`, z.unknown());
  }

  queueSuggestion(
    experimentId: string,
    assignments: Assignments,
    opts: CallOptions = {},
  ): Promise<QueuedSuggestionObject> {
    return this.request(
      'POST',
      `/experiments/${id(experimentId)}/queued_suggestions`,
      QueuedSuggestionObject,
      { assignments },
      opts,
    );
  }

  // --- observations ----------------------------------------------------------------------------------------------

  observe(experimentId: string, body: ObservationCreateBody, opts: CallOptions = {}): Promise<ObservationObject> {
    return this.request('POST', `/experiments/${id(experimentId)}/observations`, ObservationObject, body, opts);
  }

  /** All or nothing; with an idempotency key, a retried batch is stored once. */
  observeBatch(
    experimentId: string,
    observations: readonly ObservationCreateBody[],
    opts: CallOptions = {},
  ): Promise<PaginationObject<ObservationObject>> {
    return this.request(
      'POST',
      `/experiments/${id(experimentId)}/observations/batch`,
      PaginationObject(ObservationObject),
      { observations },
      opts,
    );
  }

  updateObservation(
    experimentId: string,
    observationId: string,
    body: ObservationUpdateBody,
  ): Promise<ObservationObject> {
    return this.request(
      'PUT',
      `/experiments/${id(experimentId)}/observations/${id(observationId)}`,
      ObservationObject,
      body,
    );
  }

  async deleteObservation(experimentId: string, observationId: string): Promise<void> {
    await this.request('DELETE', `/experiments/${id(experimentId)}/observations/${id(observationId)}`, z.unknown());
  }

  listObservations(experimentId: string, opts: PageOptions = {}): Promise<PaginationObject<ObservationObject>> {
    return this.request(
      'GET',
      `/experiments/${id(experimentId)}/observations${query(opts)}`,
      PaginationObject(ObservationObject),
    );
  }

  /** Every observation of the experiment, oldest first. */
  allObservations(experimentId: string): Promise<ObservationObject[]> {
    return this.all(`/experiments/${id(experimentId)}/observations`, ObservationObject);
  }

  /** The best observation (one metric) or the feasible Pareto front (several). */
  bestAssignments(experimentId: string): Promise<PaginationObject<BestAssignmentsObject>> {
    return this.request(
      'GET',
      `/experiments/${id(experimentId)}/best_assignments`,
      PaginationObject(BestAssignmentsObject),
    );
  }
}
