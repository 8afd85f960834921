import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceClient, ServiceError } from './service-client.ts';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server that drops the connection of the first `drop` requests without an answer, then answers 200. */
async function flaky(drop: number): Promise<{ url: string; seen: { key: string | undefined; body: string }[] }> {
  const seen: { key: string | undefined; body: string }[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ key: req.headers['idempotency-key'] as string | undefined, body });
      if (seen.length <= drop) req.socket.destroy();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: seen.length }));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('ServiceClient retries', () => {
  it('sends a request whose answer was lost again, under the same idempotency key', async () => {
    const { url, seen } = await flaky(2);
    const c = new ServiceClient(url, 'tok');
    const answer = await c.call('POST', '/v1/x', { a: 1 }, { idempotencyKey: 'k-1', retries: 4 });
    expect(answer).toEqual({ n: 3 });
    expect(seen).toEqual([
      { key: 'k-1', body: '{"a":1}' },
      { key: 'k-1', body: '{"a":1}' },
      { key: 'k-1', body: '{"a":1}' },
    ]);
  });

  it('gives up after its retries, and does not retry without them', async () => {
    const { url, seen } = await flaky(10);
    const c = new ServiceClient(url, 'tok');
    await expect(c.call('POST', '/v1/x', {}, { retries: 1 })).rejects.toBeInstanceOf(ServiceError);
    expect(seen).toHaveLength(2);
    await expect(c.call('POST', '/v1/x', {})).rejects.toThrow(/POST http:\/\/127\.0\.0\.1:\d+\/v1\/x: /);
    expect(seen).toHaveLength(3);
  });

  it('retries GET, PUT and DELETE by default (they repeat safely)', async () => {
    const { url, seen } = await flaky(2);
    expect(await new ServiceClient(url, 'tok').call('GET', '/v1/x')).toEqual({ n: 3 });
    expect(seen).toHaveLength(3);
  });
});
