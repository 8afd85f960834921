import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { suggest, suggestBatch } from '@paretobench/optimizer';
import { buildServer } from './app.ts';
import type { Storage } from './storage/storage.ts';
import { createToken } from './tokens.ts';
import { basic, testStorage, twoMetricExperiment } from '../test/harness.ts';

describe('optimizer failures', () => {
  let fail = true;
  let app: FastifyInstance;
  let storage: Storage;
  let token: string;
  beforeAll(async () => {
    storage = await testStorage();
    token = (await createToken(storage)).token;
    app = buildServer({
      db: storage,
      suggestRunner: {
        run: async (input, count = 1) => {
          if (fail) throw new Error('GP fit diverged');
          return suggestBatch(input, count);
        },
        close: async () => {},
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
  });
  const rows = (text: string) => storage.read((c) => c.all<Record<string, unknown>>(text));
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: basic(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, json: JSON.parse(res.body) };
  };

  it('answer 500 with an error object, store nothing, and the next suggestion works', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exp = (await call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const dump = async () =>
      JSON.stringify(await rows('SELECT * FROM experiments')) + JSON.stringify(await rows('SELECT * FROM suggestions'));
    const before = await dump();
    const r = await call('POST', `/v1/experiments/${exp.id}/suggestions`);
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ object: 'error', status: 500 });
    expect(r.json.message).toContain('GP fit diverged');
    expect(await dump()).toBe(before);
    expect(stderr.mock.calls.some(([text]) => String(text).includes('GP fit diverged'))).toBe(true);
    stderr.mockRestore();
    fail = false;
    const ok = await call('POST', `/v1/experiments/${exp.id}/suggestions`);
    expect(ok.status).toBe(200);
    expect(ok.json.assignments).toEqual(
      suggest({
        config: JSON.parse((await rows('SELECT config FROM experiments'))[0].config as string),
        observations: [],
        pending: [],
        index: 0,
      }).assignments,
    );
  });
});
