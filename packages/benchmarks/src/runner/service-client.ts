/**
 * The fetch client both REST paths of the study runner speak the service through (rest-suggester.ts for
 * `--optimizer-url`, remote-study.ts and remote-worker.ts for `--remote`): HTTP Basic with the token as user name,
 * JSON bodies, errors with the HTTP status, retries of requests that got no answer, and the experiment a study arm
 * becomes on the service.
 */
import type { ExperimentConfig } from '@paretobench/optimizer';

/** An HTTP error from the service: its status and message. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export class ServiceClient {
  private readonly base: string;
  private readonly auth: string;

  constructor(url: string, token: string) {
    this.base = url.replace(/\/+$/, '');
    this.auth = 'Basic ' + Buffer.from(`${token}:`).toString('base64');
  }

  /**
   * One request. With `retries`, a request that got no answer (connection refused or reset, a timeout) or a 5xx is
   * sent again after 0.5, 1, 2 ... s, under the same `idempotencyKey` (the server's `Idempotency-Key`), so a POST whose
   * answer was lost is stored once. GET, PUT and DELETE repeat safely and are retried 4 times (7.5 s) unless told
   * otherwise; a POST only when asked.
   */
  async call(
    method: string,
    path: string,
    body?: unknown,
    opts: { idempotencyKey?: string; retries?: number } = {},
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, path, body, opts.idempotencyKey);
      } catch (err) {
        const transient = err instanceof ServiceError && (err.status === 0 || err.status >= 500);
        if (!transient || attempt >= (opts.retries ?? (method === 'POST' ? 0 : 4))) throw err;
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  }

  private async once(method: string, path: string, body: unknown, idempotencyKey?: string): Promise<unknown> {
    let res: Response;
    const headers: Record<string, string> = { authorization: this.auth, 'content-type': 'application/json' };
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ServiceError(0, `${method} ${this.base}${path}: ${cause?.code ?? cause?.message ?? String(err)}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 500);
      try {
        const m = (JSON.parse(text) as { message?: unknown }).message;
        if (typeof m === 'string') message = m;
      } catch {
        // not JSON: the raw text
      }
      throw new ServiceError(res.status, `${method} ${this.base}${path}: HTTP ${res.status}: ${message}`);
    }
    if (text === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new ServiceError(res.status, `${method} ${this.base}${path}: response is not JSON: ${text.slice(0, 200)}`);
    }
  }
}

/**
 * Creates the service's experiment for an arm's configuration (suggesters.ts `experimentConfig`): everything the
 * in-process optimizer is configured with (seed, method, budget, parallel bandwidth, initial design size), so the
 * service runs the same optimizer; `extra` adds fields such as `metadata` or `suggestion_lease_seconds`.
 */
export function createExperiment(
  client: ServiceClient,
  name: string,
  config: ExperimentConfig,
  extra: Record<string, unknown>,
): Promise<unknown> {
  return client.call('POST', '/v1/experiments', {
    name,
    parameters: config.parameters,
    metrics: config.metrics,
    observation_budget: config.observation_budget,
    parallel_bandwidth: config.parallel_bandwidth,
    seed: config.seed,
    method: config.method,
    ...(config.initial_design_size !== undefined ? { initial_design_size: config.initial_design_size } : {}),
    ...extra,
  });
}
