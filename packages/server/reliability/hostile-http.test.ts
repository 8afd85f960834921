/**
 * Reliability: a hostile HTTP corpus. Every field of every request body is replaced in turn by hostile JSON
 * (nesting 5,000 levels deep, numbers at and beyond the double range, huge and control-character strings, prototype
 * keys, wrong types), plus malformed bodies and query strings. No request may get a 5xx, and every experiment that
 * a hostile request managed to create must still serve suggestions and take observations afterwards (a poisoned
 * experiment answering 500 later is a failure too). Counts by status code are printed.
 *
 *   cd packages/server && npx vitest run --config vitest.reliability.config.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, toyValues, twoMetricExperiment, type Harness } from '../test/harness.ts';

const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);

/** Hostile values as JSON text (some cannot be produced by JSON.stringify). */
const HOSTILE: Record<string, string> = {
  'object 5,000 deep': deepObject(5000),
  'array 5,000 deep': deepArray(5000),
  'object 33 deep': deepObject(33),
  null: 'null',
  true: 'true',
  'empty string': '""',
  'long string': JSON.stringify('x'.repeat(200_000)),
  'NUL and controls': JSON.stringify('\u0000\u0001\u001b[31m'),
  'lone surrogate': '"\\ud800"',
  zero: '0',
  'negative zero': '-0',
  '-1': '-1',
  '1e308': '1e308',
  '-1.7e308': '-1.7e308',
  'max double': '1.7976931348623157e308',
  '1e400 (Infinity)': '1e400',
  'smallest subnormal': '5e-324',
  'huge integer': '123456789012345678901234567890',
  'empty array': '[]',
  'array of junk': '[null, {}, [], "a", 1e308]',
  'empty object': '{}',
  '__proto__ key': '{"__proto__": {"polluted": true}}',
  'constructor key': '{"constructor": {"prototype": {"polluted": true}}}',
  'number as string': '"0.5"',
};

const SLOT = '"\\u0000SLOT\\u0000"';

/** `base` as JSON text with the value at `path` replaced by the raw JSON `raw`. */
function withValue(base: unknown, path: (string | number)[], raw: string): string {
  const clone = structuredClone(base) as Record<string | number, unknown>;
  let node = clone;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = '\u0000SLOT\u0000';
  return JSON.stringify(clone).replace(SLOT, raw);
}

interface Req {
  label: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: string;
}

let h: Harness;
let E: string; // a healthy experiment of the victim
const created: string[] = [];
const byStatus: Record<string, number> = {};
const fiveXX: string[] = [];

beforeAll(async () => {
  h = await makeHarness();
  E = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json.id;
});
afterAll(async () => {
  await h.close();
});

function corpus(): Req[] {
  const out: Req[] = [];
  const exp = twoMetricExperiment({ metadata: { k: 1 } });
  const expFields: (string | number)[][] = [
    ['name'],
    ['parameters'],
    ['parameters', 0],
    ['parameters', 0, 'name'],
    ['parameters', 0, 'type'],
    ['parameters', 0, 'bounds'],
    ['parameters', 0, 'bounds', 'min'],
    ['parameters', 0, 'bounds', 'max'],
    ['parameters', 1, 'bounds', 'max'],
    ['parameters', 2, 'categorical_values'],
    ['parameters', 2, 'categorical_values', 0],
    ['metrics'],
    ['metrics', 0],
    ['metrics', 0, 'name'],
    ['metrics', 0, 'objective'],
    ['observation_budget'],
    ['parallel_bandwidth'],
    ['metadata'],
    ['metadata', 'k'],
  ];
  for (const path of expFields)
    for (const [name, raw] of Object.entries(HOSTILE))
      out.push({
        label: `experiment ${path.join('.')} = ${name}`,
        method: 'POST',
        url: '/v1/experiments',
        body: withValue(exp, path, raw),
      });
  for (const extra of ['seed', 'method', 'initial_design_size', 'transformation', 'default_value'])
    for (const [name, raw] of Object.entries(HOSTILE)) {
      const target = ['transformation', 'default_value'].includes(extra) ? ['parameters', 0, extra] : [extra];
      out.push({
        label: `experiment ${target.join('.')} = ${name}`,
        method: 'POST',
        url: '/v1/experiments',
        body: withValue({ ...exp, parameters: exp.parameters }, target, raw),
      });
    }
  // ranges at the edge of the double range
  for (const [min, max] of [
    [-1.7e308, 1.7e308],
    [-8e307, 8e307],
    [0, 1.7976931348623157e308],
    [5e-324, 1e-323],
    [-1e308, -1e307],
  ]) {
    for (const type of ['double', 'int'])
      out.push({
        label: `experiment ${type} bounds [${min}, ${max}]`,
        method: 'POST',
        url: '/v1/experiments',
        body: JSON.stringify({
          ...exp,
          parameters: [
            {
              name: 'x',
              type,
              bounds: { min: type === 'int' ? Math.round(min) : min, max: type === 'int' ? Math.round(max) : max },
            },
          ],
        }),
      });
    out.push({
      label: `experiment log bounds [${Math.max(min, 5e-324)}, ${max}]`,
      method: 'POST',
      url: '/v1/experiments',
      body: JSON.stringify({
        ...exp,
        parameters: [{ name: 'x', type: 'double', transformation: 'log', bounds: { min: Math.max(min, 5e-324), max } }],
      }),
    });
  }
  const sug = { assignments: { x: 0.5, n: 2, c: 'a' }, metadata: { k: 1 } };
  for (const path of [
    ['assignments'],
    ['assignments', 'x'],
    ['assignments', 'n'],
    ['assignments', 'c'],
    ['metadata'],
    ['metadata', 'k'],
  ])
    for (const [name, raw] of Object.entries(HOSTILE))
      out.push({
        label: `suggestion ${path.join('.')} = ${name}`,
        method: 'POST',
        url: `/v1/experiments/${E}/suggestions`,
        body: withValue(sug, path, raw),
      });
  const obs = {
    assignments: { x: 0.5, n: 2, c: 'a' },
    values: toyValues({ x: 0.5, n: 2, c: 'a' }),
    metadata: { k: 1 },
  };
  for (const path of [
    ['assignments'],
    ['assignments', 'x'],
    ['values'],
    ['values', 0],
    ['values', 0, 'name'],
    ['values', 0, 'value'],
    ['values', 0, 'value_stddev'],
    ['metadata'],
    ['failed'],
    ['suggestion'],
  ])
    for (const [name, raw] of Object.entries(HOSTILE))
      out.push({
        label: `observation ${path.join('.')} = ${name}`,
        method: 'POST',
        url: `/v1/experiments/${E}/observations`,
        body: withValue(obs, path, raw),
      });
  for (const [name, raw] of Object.entries(HOSTILE)) {
    out.push({
      label: `batch observations = ${name}`,
      method: 'POST',
      url: `/v1/experiments/${E}/observations/batch`,
      body: `{"observations":${raw}}`,
    });
    out.push({
      label: `batch observations[0] = ${name}`,
      method: 'POST',
      url: `/v1/experiments/${E}/observations/batch`,
      body: `{"observations":[${raw}]}`,
    });
    for (const field of ['name', 'observation_budget', 'parallel_bandwidth', 'metadata', 'state'])
      out.push({
        label: `update ${field} = ${name}`,
        method: 'PUT',
        url: `/v1/experiments/${E}`,
        body: `{"${field}":${raw}}`,
      });
    out.push({ label: `body = ${name}`, method: 'POST', url: '/v1/experiments', body: raw });
  }
  // malformed bodies, paths and query strings
  for (const body of [
    '{',
    '{"name":',
    '\ufeff{}',
    '[]',
    '"str"',
    '12',
    'null',
    '{"a":1}{"b":2}',
    '{"a":1,}',
    'NaN',
    ' ',
  ])
    out.push({
      label: `raw body ${JSON.stringify(body)}`,
      method: 'POST',
      url: `/v1/experiments/${E}/observations`,
      body,
    });
  for (const q of [
    'limit=-1',
    'limit=1e400',
    'limit=99999999999',
    'before=0',
    'after=-1',
    'before=1e400',
    'state=%00',
    'limit=%ff%fe',
    'limit[]=1',
    'a'.repeat(5000) + '=1',
  ])
    out.push({ label: `query ${q.slice(0, 40)}`, method: 'GET', url: `/v1/experiments/${E}/observations?${q}` });
  for (const id of ['0', '-1', '1e400', '99999999999999999999', '%00', '..%2f..', 'NaN'])
    out.push({ label: `experiment id ${id}`, method: 'GET', url: `/v1/experiments/${id}` });
  return out;
}

describe('hostile HTTP corpus', () => {
  it('answers every request without a 5xx, and leaves no experiment that fails later', async () => {
    const requests = corpus();
    for (const r of requests) {
      const res = await h.call(r.method, r.url, r.body);
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      if (res.status >= 500) fiveXX.push(`${r.label}: ${res.status} ${res.text.slice(0, 200)}`);
      if (r.method === 'POST' && r.url === '/v1/experiments' && res.status === 200) created.push(res.json.id);
    }
    // what was accepted must keep working: three suggest + observe rounds on every created experiment
    let followUps = 0;
    for (const id of created) {
      for (let round = 0; round < 3; round++) {
        const s = await h.call('POST', `/v1/experiments/${id}/suggestions`);
        followUps++;
        if (s.status >= 500) fiveXX.push(`suggest on accepted experiment ${id}: ${s.status} ${s.text.slice(0, 200)}`);
        if (s.status !== 200) break;
        const exp = (await h.call('GET', `/v1/experiments/${id}`)).json;
        const values = exp.metrics.map((m: { name: string }, i: number) => ({ name: m.name, value: 0.25 + i + round }));
        const o = await h.call('POST', `/v1/experiments/${id}/observations`, { suggestion: s.json.id, values });
        followUps++;
        if (o.status >= 500) fiveXX.push(`observe on accepted experiment ${id}: ${o.status} ${o.text.slice(0, 200)}`);
      }
    }
    const health = await h.call('GET', '/health', undefined, null);
    process.stdout.write(
      `reliability hostile-http: ${requests.length} hostile requests by status ${JSON.stringify(byStatus)}; ` +
        `${created.length} accepted experiments exercised with ${followUps} follow-up requests; 5xx: ${fiveXX.length}\n`,
    );
    expect(fiveXX).toEqual([]);
    expect(health.status).toBe(200);
    expect(requests.length).toBeGreaterThan(1000);
    // nothing polluted Object.prototype
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 300_000);
});
