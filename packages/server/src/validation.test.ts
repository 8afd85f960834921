import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, toyValues, twoMetricExperiment, type Harness } from '../test/harness.ts';

/**
 * Every rejected request: the expected status, a message naming the field, and no change to any
 * stored row (tokens, experiments, suggestions, observations).
 */
let h: Harness;
let E: string; // experiment id
let open: { id: string; assignments: Record<string, number | string> };
let closed: { id: string };

beforeAll(async () => {
  h = await makeHarness({ bodyLimit: 65_536 });
  E = (
    await h.call(
      'POST',
      '/v1/experiments',
      twoMetricExperiment({
        metrics: [{ name: 'f1' }, { name: 'f2', objective: 'minimize' }, { name: 'cost', strategy: 'store' }],
      }),
    )
  ).json.id;
  const s1 = (await h.call('POST', `/v1/experiments/${E}/suggestions`)).json;
  await h.call('POST', `/v1/experiments/${E}/observations`, { suggestion: s1.id, values: toyValues(s1.assignments) });
  closed = s1;
  open = (await h.call('POST', `/v1/experiments/${E}/suggestions`)).json;
});
afterAll(async () => {
  await h.close();
});

const good = { x: 0.5, n: 2, c: 'a' };
/** `{"a":{"a":...{}}}` nested `levels` objects deep, as text (JSON.stringify of it would itself recurse). */
const deep = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
const goodValues = () => toyValues(good);
const param = (over: Record<string, unknown>) =>
  twoMetricExperiment({ parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, ...over }] });

type Case = [
  name: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: () => string,
  body: unknown,
  status: number,
  field: string,
];

const cases: Case[] = [
  // experiment creation
  ['body is not JSON', 'POST', () => '/v1/experiments', '{"parameters": [', 400, '(body)'],
  ['body is an array', 'POST', () => '/v1/experiments', [], 400, '(body)'],
  [
    'prototype pollution',
    'POST',
    () => '/v1/experiments',
    '{"__proto__": {"x": 1}, "parameters": [], "metrics": []}',
    400,
    '(body)',
  ],
  ['missing parameters', 'POST', () => '/v1/experiments', { metrics: [{ name: 'f' }] }, 400, 'parameters'],
  [
    'parameters not an array',
    'POST',
    () => '/v1/experiments',
    { parameters: 'x', metrics: [{ name: 'f' }] },
    400,
    'parameters',
  ],
  ['no parameters', 'POST', () => '/v1/experiments', twoMetricExperiment({ parameters: [] }), 400, 'parameters'],
  ['unknown parameter type', 'POST', () => '/v1/experiments', param({ type: 'float' }), 400, 'parameters[0].type'],
  [
    'bounds min >= max',
    'POST',
    () => '/v1/experiments',
    param({ bounds: { min: 1, max: 1 } }),
    400,
    'parameters[0].bounds.min',
  ],
  ['bounds missing', 'POST', () => '/v1/experiments', param({ bounds: undefined }), 400, 'parameters[0].bounds'],
  [
    'bounds.max a string',
    'POST',
    () => '/v1/experiments',
    param({ bounds: { min: 0, max: '1' } }),
    400,
    'parameters[0].bounds.max',
  ],
  [
    'int with fractional bound',
    'POST',
    () => '/v1/experiments',
    param({ type: 'int', bounds: { min: 0.5, max: 3 } }),
    400,
    'parameters[0].bounds.min',
  ],
  [
    'log with min <= 0',
    'POST',
    () => '/v1/experiments',
    param({ transformation: 'log' }),
    400,
    'parameters[0].bounds.min',
  ],
  [
    'categorical with one value',
    'POST',
    () => '/v1/experiments',
    param({ type: 'categorical', bounds: undefined, categorical_values: ['a'] }),
    400,
    'parameters[0].categorical_values',
  ],
  ['bad parameter name', 'POST', () => '/v1/experiments', param({ name: '1x y' }), 400, 'parameters[0].name'],
  [
    'duplicate parameter',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'x', type: 'int', bounds: { min: 0, max: 1 } },
      ],
    }),
    400,
    'parameters[1].name',
  ],
  ['no metrics', 'POST', () => '/v1/experiments', twoMetricExperiment({ metrics: [] }), 400, 'metrics'],
  [
    'five optimize metrics',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({ metrics: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })) }),
    400,
    'metrics',
  ],
  [
    'bad objective',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({ metrics: [{ name: 'f', objective: 'maximise' }] }),
    400,
    'metrics[0].objective',
  ],
  [
    'constraint without threshold',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({ metrics: [{ name: 'f' }, { name: 'g', strategy: 'constraint' }] }),
    400,
    'metrics[1].threshold',
  ],
  ['unknown top-level field', 'POST', () => '/v1/experiments', twoMetricExperiment({ colour: 'red' }), 400, 'colour'],
  [
    'negative budget',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({ observation_budget: -5 }),
    400,
    'observation_budget',
  ],
  [
    'budget a string',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({ observation_budget: '10' }),
    400,
    'observation_budget',
  ],
  ['bad method', 'POST', () => '/v1/experiments', twoMetricExperiment({ method: 'grid' }), 400, 'method'],
  ['name a number', 'POST', () => '/v1/experiments', twoMetricExperiment({ name: 5 }), 400, 'name'],
  ['metadata an array', 'POST', () => '/v1/experiments', twoMetricExperiment({ metadata: [1] }), 400, 'metadata'],
  [
    'metadata too many keys',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({ metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) }),
    400,
    'metadata',
  ],
  [
    'metadata nested 5,000 levels',
    'POST',
    () => '/v1/experiments',
    JSON.stringify(twoMetricExperiment()).replace(/}$/, `,"metadata":${deep(5000)}}`),
    400,
    'metadata: nests deeper than 32 levels',
  ],
  [
    'suggestion metadata nested 5,000 levels',
    'POST',
    () => `/v1/experiments/${E}/suggestions`,
    `{"metadata":${deep(5000)}}`,
    400,
    'metadata: nests deeper than 32 levels',
  ],
  [
    'observation metadata nested 5,000 levels',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    `{"assignments":{"x":0.5,"n":2,"c":"a"},"values":${JSON.stringify(goodValues())},"metadata":${deep(5000)}}`,
    400,
    'metadata: nests deeper than 32 levels',
  ],
  [
    'metadata nested 33 levels in an array',
    'POST',
    () => '/v1/experiments',
    twoMetricExperiment({ metadata: { a: JSON.parse('['.repeat(32) + ']'.repeat(32)) } }),
    400,
    'metadata',
  ],
  // experiment update
  ['update parameters', 'PUT', () => `/v1/experiments/${E}`, { parameters: [] }, 400, 'parameters'],
  [
    'update budget to a string',
    'PUT',
    () => `/v1/experiments/${E}`,
    { observation_budget: 'ten' },
    400,
    'observation_budget',
  ],
  ['update bad state', 'PUT', () => `/v1/experiments/${E}`, { state: 'paused' }, 400, 'state'],
  ['update unknown field', 'PUT', () => `/v1/experiments/${E}`, { colour: 'red' }, 400, 'colour'],
  // suggestions
  ['suggestion unknown field', 'POST', () => `/v1/experiments/${E}/suggestions`, { count: 3 }, 400, 'count'],
  [
    'suggestion assignments out of bounds',
    'POST',
    () => `/v1/experiments/${E}/suggestions`,
    { assignments: { x: 2, n: 1, c: 'a' } },
    400,
    'assignments.x',
  ],
  [
    'delete closed suggestion',
    'DELETE',
    () => `/v1/experiments/${E}/suggestions/${closed.id}`,
    undefined,
    409,
    'suggestion',
  ],
  [
    'delete unknown suggestion',
    'DELETE',
    () => `/v1/experiments/${E}/suggestions/987654`,
    undefined,
    404,
    'suggestion',
  ],
  [
    'delete all with bad state',
    'DELETE',
    () => `/v1/experiments/${E}/suggestions?state=closed`,
    undefined,
    400,
    'state',
  ],
  // observations
  [
    'neither suggestion nor assignments',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { values: goodValues() },
    400,
    'suggestion',
  ],
  [
    'suggestion id not an id',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { suggestion: 'abc', values: goodValues() },
    400,
    'suggestion',
  ],
  [
    'suggestion id an object',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { suggestion: { id: 1 }, values: goodValues() },
    400,
    'suggestion',
  ],
  [
    'unknown suggestion',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { suggestion: '987654', values: goodValues() },
    404,
    'suggestion',
  ],
  [
    'already observed suggestion',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    () => ({ suggestion: closed.id, values: goodValues() }),
    409,
    'suggestion',
  ],
  [
    'assignments differ from suggestion',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    () => ({ suggestion: open.id, assignments: { ...open.assignments, x: -1 }, values: goodValues() }),
    400,
    'assignments.x',
  ],
  [
    'unknown metric',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: [...goodValues(), { name: 'zz', value: 1 }] },
    400,
    'values[2].name',
  ],
  [
    'missing optimize metric',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: [goodValues()[0]] },
    400,
    'values',
  ],
  [
    'value a string',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: [{ name: 'f1', value: '0.5' }, goodValues()[1]] },
    400,
    'values[0].value',
  ],
  [
    'value null',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: [{ name: 'f1', value: null }, goodValues()[1]] },
    400,
    'values[0].value',
  ],
  [
    'negative value_stddev',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: [{ ...goodValues()[0], value_stddev: -1 }, goodValues()[1]] },
    400,
    'values[0].value_stddev',
  ],
  [
    'failed with an unknown metric value',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: [{ name: 'nope', value: 1 }], failed: true },
    400,
    'values[0].name',
  ],
  [
    'failed a string',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, failed: 'yes' },
    400,
    'failed',
  ],
  [
    'single value on a multi-metric experiment',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, value: 1 },
    400,
    'value',
  ],
  [
    'missing parameter',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: { x: 0.5, c: 'a' }, values: goodValues() },
    400,
    'assignments.n',
  ],
  [
    'unknown parameter',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: { ...good, q: 1 }, values: goodValues() },
    400,
    'assignments.q',
  ],
  [
    'int not integral',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: { ...good, n: 2.5 }, values: goodValues() },
    400,
    'assignments.n',
  ],
  [
    'double out of bounds',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: { ...good, x: 1.5 }, values: goodValues() },
    400,
    'assignments.x',
  ],
  [
    'unknown category',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: { ...good, c: 'z' }, values: goodValues() },
    400,
    'assignments.c',
  ],
  [
    'assignment an object',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: { ...good, x: { v: 1 } }, values: goodValues() },
    400,
    'assignments.x',
  ],
  [
    'observation unknown field',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: goodValues(), score: 3 },
    400,
    'score',
  ],
  [
    'metadata too large',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    { assignments: good, values: goodValues(), metadata: { blob: 'x'.repeat(20_000) } },
    400,
    'metadata',
  ],
  // batches: all or nothing
  ['empty batch', 'POST', () => `/v1/experiments/${E}/observations/batch`, { observations: [] }, 400, 'observations'],
  [
    'batch not an array',
    'POST',
    () => `/v1/experiments/${E}/observations/batch`,
    { observations: {} },
    400,
    'observations',
  ],
  [
    'batch with a bad second item',
    'POST',
    () => `/v1/experiments/${E}/observations/batch`,
    {
      observations: [
        { assignments: good, values: goodValues() },
        { assignments: { ...good, x: 9 }, values: goodValues() },
      ],
    },
    400,
    'observations[1].assignments.x',
  ],
  [
    'batch repeating a suggestion',
    'POST',
    () => `/v1/experiments/${E}/observations/batch`,
    () => ({
      observations: [
        { suggestion: open.id, failed: true },
        { suggestion: open.id, failed: true },
      ],
    }),
    409,
    'observations[1].suggestion',
  ],
  // query strings and paths
  ['limit zero', 'GET', () => `/v1/experiments/${E}/observations?limit=0`, undefined, 400, 'limit'],
  ['limit not a number', 'GET', () => '/v1/experiments?limit=ten', undefined, 400, 'limit'],
  ['limit too large', 'GET', () => `/v1/experiments/${E}/suggestions?limit=100000`, undefined, 400, 'limit'],
  ['limit given twice', 'GET', () => '/v1/experiments?limit=1&limit=2', undefined, 400, 'limit'],
  ['before not an id', 'GET', () => `/v1/experiments/${E}/observations?before=x`, undefined, 400, 'before'],
  ['before and after', 'GET', () => `/v1/experiments/${E}/observations?before=5&after=2`, undefined, 400, 'before'],
  ['bad list state', 'GET', () => `/v1/experiments/${E}/suggestions?state=weird`, undefined, 400, 'state'],
  ['unknown query parameter', 'GET', () => '/v1/experiments?sort=asc', undefined, 400, 'sort'],
  ['experiment id not numeric', 'GET', () => '/v1/experiments/abc', undefined, 404, 'experiment'],
  ['experiment does not exist', 'POST', () => '/v1/experiments/999999/suggestions', {}, 404, 'experiment'],
  ['unknown endpoint', 'GET', () => '/v1/projects', undefined, 404, 'endpoint'],
  [
    'body too large',
    'POST',
    () => `/v1/experiments/${E}/observations`,
    JSON.stringify({ assignments: good, values: goodValues(), metadata: { b: 'x'.repeat(70_000) } }),
    413,
    '(body)',
  ],
];

describe('bad requests', () => {
  it.each(cases)('%s -> %i naming the field', async (_name, method, url, body, status, field) => {
    const before = await h.dump();
    const r = await h.call(method, url(), typeof body === 'function' ? body() : body);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ object: 'error', status });
    expect(r.json.message).toContain(field);
    expect(await h.dump()).toBe(before);
  });

  it('rejects a non-JSON content type with 415 and an empty JSON body with 400', async () => {
    const before = await h.dump();
    const auth = { authorization: `Basic ${Buffer.from(`${h.tokenA}:`).toString('base64')}` };
    const text = await h.app.inject({
      method: 'POST',
      url: '/v1/experiments',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(415);
    expect(JSON.parse(text.body)).toMatchObject({ object: 'error', status: 415 });
    const empty = await h.app.inject({
      method: 'POST',
      url: `/v1/experiments/${E}/observations`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode).toBe(400);
    expect(await h.dump()).toBe(before);
  });

  it('the valid version of a rejected observation is accepted (the cases fail for the stated reason)', async () => {
    const r = await h.call('POST', `/v1/experiments/${E}/observations`, {
      suggestion: open.id,
      values: toyValues(open.assignments),
    });
    expect(r.status).toBe(200);
    const ok = await h.call('POST', `/v1/experiments/${E}/observations`, {
      assignments: good,
      values: goodValues(),
      metadata: { note: 'fine' },
    });
    expect(ok.status).toBe(200);
  });
});
