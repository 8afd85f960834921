import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, makeHarness, toyValues, twoMetricExperiment, type Harness } from '../test/harness.ts';
import { createToken, revokeToken, tokenFromBasicAuth, verifyToken } from './tokens.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe('tokens', () => {
  it('stores only a salted hash and verifies the clear-text token', async () => {
    const { token, record } = await createToken(h.storage, 'carol');
    const [row] = await h.sql<{ salt: string; hash: string }>('SELECT * FROM tokens WHERE id = ?', [record.id]);
    const secret = token.split('.')[1];
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyToken(h.storage, token)).toBe(record.id);
    expect(await verifyToken(h.storage, `${record.id}.${'A'.repeat(43)}`)).toBeNull();
    expect(await verifyToken(h.storage, 'garbage')).toBeNull();
    expect(await revokeToken(h.storage, record.id)).toBe(true);
    expect(await verifyToken(h.storage, token)).toBeNull();
  });

  it('two tokens never share a salt', async () => {
    const a = (await createToken(h.storage)).record.id;
    const b = (await createToken(h.storage)).record.id;
    const salts = await h.sql<{ salt: string }>('SELECT salt FROM tokens WHERE id IN (?, ?)', [a, b]);
    expect(salts[0].salt).not.toBe(salts[1].salt);
  });

  it('reads the token from the Basic user name', () => {
    expect(tokenFromBasicAuth(basic('abc.def'))).toBe('abc.def');
    expect(tokenFromBasicAuth(`Basic ${Buffer.from('tok:pw').toString('base64')}`)).toBe('tok');
    expect(tokenFromBasicAuth('Bearer x')).toBeNull();
    expect(tokenFromBasicAuth(undefined)).toBeNull();
    expect(tokenFromBasicAuth(`Basic ${Buffer.from(':pw').toString('base64')}`)).toBeNull();
  });
});

describe('authentication and isolation', () => {
  it('answers 401 without or with a bad token, with an error object', async () => {
    for (const token of [null, 'nope', `${'0'.repeat(16)}.${'x'.repeat(43)}`]) {
      const r = await h.call('GET', '/v1/experiments', undefined, token);
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ object: 'error', status: 401 });
      expect(r.json.message).toContain('authorization');
    }
  });

  it("hides one token's experiments from another (404 everywhere, nothing changed)", async () => {
    const exp = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const s = (await h.call('POST', `/v1/experiments/${exp.id}/suggestions`)).json;
    const o = (
      await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
        suggestion: s.id,
        values: toyValues(s.assignments),
      })
    ).json;
    const s2 = (await h.call('POST', `/v1/experiments/${exp.id}/suggestions`)).json;
    const before = await h.dump();
    const B = h.tokenB;
    const attempts: [string, string, unknown?][] = [
      ['GET', `/v1/experiments/${exp.id}`],
      ['PUT', `/v1/experiments/${exp.id}`, { name: 'stolen' }],
      ['DELETE', `/v1/experiments/${exp.id}`],
      ['POST', `/v1/experiments/${exp.id}/suggestions`, {}],
      ['GET', `/v1/experiments/${exp.id}/suggestions`],
      ['GET', `/v1/experiments/${exp.id}/suggestions/${s.id}`],
      ['DELETE', `/v1/experiments/${exp.id}/suggestions/${s2.id}`],
      ['DELETE', `/v1/experiments/${exp.id}/suggestions`],
      ['POST', `/v1/experiments/${exp.id}/observations`, { suggestion: s2.id, values: toyValues(s2.assignments) }],
      ['POST', `/v1/experiments/${exp.id}/observations/batch`, { observations: [{ suggestion: s2.id, failed: true }] }],
      ['GET', `/v1/experiments/${exp.id}/observations`],
      ['GET', `/v1/experiments/${exp.id}/observations/${o.id}`],
      ['GET', `/v1/experiments/${exp.id}/best_assignments`],
    ];
    for (const [method, url, body] of attempts) {
      const r = await h.call(method as 'GET', url, body, B);
      expect(r.status, `${method} ${url}`).toBe(404);
      expect(r.json).toMatchObject({ object: 'error', status: 404 });
    }
    expect((await h.call('GET', '/v1/experiments', undefined, B)).json.count).toBe(0);
    expect(await h.dump()).toBe(before);
    // B's own experiment cannot take A's suggestion either
    const expB = (await h.call('POST', '/v1/experiments', twoMetricExperiment(), B)).json;
    const cross = await h.call(
      'POST',
      `/v1/experiments/${expB.id}/observations`,
      { suggestion: s2.id, values: toyValues(s2.assignments) },
      B,
    );
    expect(cross.status).toBe(404);
    expect(cross.json.message).toContain('suggestion');
    expect((await h.call('GET', `/v1/experiments/${exp.id}`)).json.progress.observation_count).toBe(1);
  });
});
