import { afterAll, describe, expect, it, vi } from 'vitest';
import { suggest, suggestBatch } from '@paretobench/optimizer';
import { buildServer } from './app.ts';
import { openDatabase } from './database.ts';
import { createToken } from './tokens.ts';
import { basic, twoMetricExperiment } from '../test/harness.ts';

describe('optimizer failures', () => {
  const db = openDatabase(':memory:');
  const token = createToken(db).token;
  let fail = true;
  const app = buildServer({
    db,
    suggestRunner: {
      run: async (input, count = 1) => {
        if (fail) throw new Error('GP fit diverged');
        return suggestBatch(input, count);
      },
      close: async () => {},
    },
  });
  afterAll(() => app.close());
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
    const dump = () =>
      JSON.stringify(db.prepare('SELECT * FROM experiments').all()) +
      JSON.stringify(db.prepare('SELECT * FROM suggestions').all());
    const before = dump();
    const r = await call('POST', `/v1/experiments/${exp.id}/suggestions`);
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ object: 'error', status: 500 });
    expect(r.json.message).toContain('GP fit diverged');
    expect(dump()).toBe(before);
    expect(stderr.mock.calls.some(([text]) => String(text).includes('GP fit diverged'))).toBe(true);
    stderr.mockRestore();
    fail = false;
    const ok = await call('POST', `/v1/experiments/${exp.id}/suggestions`);
    expect(ok.status).toBe(200);
    expect(ok.json.assignments).toEqual(
      suggest({
        config: JSON.parse((db.prepare('SELECT config FROM experiments').get() as { config: string }).config),
        observations: [],
        pending: [],
        index: 0,
      }).assignments,
    );
  });
});
