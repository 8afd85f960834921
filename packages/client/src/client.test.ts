/**
 * The client on the wire, against a local HTTP server that records what it receives and answers what each test
 * says: headers (the Python client's content type on every request), retries, idempotency keys, errors, and
 * answers that do not match the response schemas. The client against the real service: packages/server,
 * test/typescript-client.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SigoptApiError, SigoptClient } from './client.ts';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; body?: unknown } | 'hang-up';

let server: http.Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

/** A server answering `answers` in turn (the last one again when they run out); returns its url and what it got. */
async function serve(answers: Answer[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)];
      if (answer === 'hang-up') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const SUGGESTION = { object: 'suggestion', id: '7', assignments: { x: 0.5, c: 'a' }, state: 'open', sequence: 3 };
const fast = (url: string, extra = {}) => new SigoptClient({ url, token: 'tok', retryDelayMs: 1, ...extra });

describe('SigoptClient on the wire', () => {
  it('sends HTTP Basic and application/json on every request, bodyless GET and DELETE included', async () => {
    const { url, received } = await serve([{ status: 200, body: SUGGESTION }, { status: 204 }, { status: 204 }]);
    const client = fast(`${url}/v1/`);
    await client.getSuggestion('1', '7');
    await client.deleteSuggestion('1', '7');
    await client.deleteOpenSuggestions('1');
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/experiments/1/suggestions/7',
      'DELETE /v1/experiments/1/suggestions/7',
      'DELETE /v1/experiments/1/suggestions?state=open',
    ]);
    for (const r of received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from('tok:').toString('base64')}`);
      expect(r.body).toBe('');
    }
  });

  it('posts typed bodies as JSON and returns the parsed answer, unknown fields kept', async () => {
    const { url, received } = await serve([{ status: 201, body: { ...SUGGESTION, task: { name: 't' } } }]);
    const s = await fast(url).suggest('12', { metadata: { worker: 'w1' } });
    expect(s.assignments).toEqual({ x: 0.5, c: 'a' });
    expect(s.sequence).toBe(3);
    expect(s.task).toEqual({ name: 't' });
    expect(JSON.parse(received[0].body)).toEqual({ metadata: { worker: 'w1' } });
    expect(received[0].url).toBe('/v1/experiments/12/suggestions');
  });

  it('retries a GET after a 503 and after a dropped connection, then answers', async () => {
    const { url, received } = await serve([
      { status: 503, body: { message: 'busy' } },
      'hang-up',
      {
        status: 200,
        body: SUGGESTION,
      },
    ]);
    expect((await fast(url).getSuggestion('1', '7')).id).toBe('7');
    expect(received).toHaveLength(3);
  });

  it('gives up after `retries`, with the status and the service message', async () => {
    const { url, received } = await serve([{ status: 503, body: { message: 'busy' } }]);
    const err = await fast(url, { retries: 2 })
      .getExperiment('1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigoptApiError);
    expect((err as SigoptApiError).status).toBe(503);
    expect((err as SigoptApiError).message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/v1\/experiments\/1: HTTP 503: busy$/,
    );
    expect(received).toHaveLength(3);
  });

  it('does not retry a POST unless it has an idempotency key, and then sends the same key each time', async () => {
    const failing = await serve([{ status: 502 }]);
    await expect(fast(failing.url).observe('1', { suggestion: '7', values: [] })).rejects.toMatchObject({
      status: 502,
    });
    expect(failing.received).toHaveLength(1);
    await new Promise<void>((r) => server!.close(() => r()));

    const observation = { object: 'observation', id: '9', assignments: { x: 1 }, values: [], failed: true };
    const flaky = await serve(['hang-up', { status: 500 }, { status: 201, body: observation }]);
    const o = await fast(flaky.url).observe('1', { suggestion: '7', failed: true }, { idempotencyKey: 'key-1' });
    expect(o.id).toBe('9');
    expect(flaky.received.map((r) => r.headers['idempotency-key'])).toEqual(['key-1', 'key-1', 'key-1']);
    expect(flaky.received.every((r) => r.body === JSON.stringify({ suggestion: '7', failed: true }))).toBe(true);
  });

  it('retries a POST that asks for it without a key (no Idempotency-Key header), and PUT and DELETE by default', async () => {
    const post = await serve(['hang-up', { status: 201, body: SUGGESTION }]);
    expect((await fast(post.url).suggest('1', {}, { retries: 1 })).id).toBe('7');
    expect(post.received).toHaveLength(2);
    expect(post.received.every((r) => r.headers['idempotency-key'] === undefined)).toBe(true);
    await new Promise<void>((r) => server!.close(() => r()));

    const other = await serve([{ status: 503 }, { status: 200, body: SUGGESTION }, { status: 503 }, { status: 204 }]);
    const client = fast(other.url);
    expect((await client.updateSuggestion('1', '7')).id).toBe('7');
    await client.deleteSuggestion('1', '7');
    expect(other.received.map((r) => r.method)).toEqual(['PUT', 'PUT', 'DELETE', 'DELETE']);
    expect(JSON.parse(other.received[0].body)).toEqual({}); // an empty PUT: the lease heartbeat
  });

  it('gives up on an answer that does not come within timeoutMs (status 0)', async () => {
    server = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const t0 = Date.now();
    const err = (await fast(url, { timeoutMs: 300, retries: 0 })
      .getExperiment('1')
      .catch((e: unknown) => e)) as SigoptApiError;
    expect(err).toBeInstanceOf(SigoptApiError);
    expect(err.status).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t0).toBeLessThan(5000);
    server.closeAllConnections();
  });

  it('does not retry a 4xx', async () => {
    const { url, received } = await serve([{ status: 404, body: { message: 'experiment 5 not found' } }]);
    await expect(fast(url).getExperiment('5')).rejects.toThrow(/HTTP 404: experiment 5 not found/);
    expect(received).toHaveLength(1);
  });

  it('reports no answer as status 0', async () => {
    const { url } = await serve([]);
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
    const err = (await fast(url, { retries: 0 })
      .getExperiment('1')
      .catch((e: unknown) => e)) as SigoptApiError;
    expect(err).toBeInstanceOf(SigoptApiError);
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/no answer: ECONNREFUSED/);
  });

  it('refuses an answer that is not the object asked for, naming the field', async () => {
    const bad = await serve([{ status: 200, body: { ...SUGGESTION, assignments: { x: [1] } } }]);
    await expect(fast(bad.url).getSuggestion('1', '7')).rejects.toThrow(/unexpected answer: assignments\.x: /);
    await new Promise<void>((r) => server!.close(() => r()));
    const text = await serve([{ status: 200, body: undefined }]);
    await expect(fast(text.url).getSuggestion('1', '7')).rejects.toThrow(/unexpected answer: \(the answer\)/);
  });

  it('walks every page of a list, oldest first', async () => {
    const obs = (id: number) => ({
      object: 'observation',
      id: String(id),
      assignments: { x: id },
      values: [],
      failed: false,
    });
    const { url, received } = await serve([
      {
        status: 200,
        body: { object: 'pagination', count: 3, data: [obs(3), obs(2)], paging: { before: '2', after: null } },
      },
      { status: 200, body: { object: 'pagination', count: 3, data: [obs(1)], paging: { before: null, after: '1' } } },
    ]);
    const all = await fast(url).allObservations('4');
    expect(all.map((o) => o.id)).toEqual(['1', '2', '3']);
    expect(received.map((r) => r.url)).toEqual([
      '/v1/experiments/4/observations?limit=1000',
      '/v1/experiments/4/observations?limit=1000&before=2',
    ]);
  });
});
