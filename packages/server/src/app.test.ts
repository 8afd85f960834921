import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeHarness, toyValues, twoMetricExperiment, type Harness } from '../test/harness.ts';

/** Brute-force Pareto front (maximise f1, minimise f2) over [id, f1, f2] triples: O(n^2), independent of the optimizer. */
function bruteForceFront(points: { id: string; f1: number; f2: number }[]): string[] {
  return points
    .filter((p) => !points.some((q) => q.f1 >= p.f1 && q.f2 <= p.f2 && (q.f1 > p.f1 || q.f2 < p.f2)))
    .map((p) => p.id)
    .sort((a, b) => Number(a) - Number(b));
}

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe('experiment lifecycle', () => {
  it('creates, suggests, observes and reports the Pareto frontier in SigOpt shapes', async () => {
    const created = await h.call(
      'POST',
      '/v1/experiments',
      twoMetricExperiment({ initial_design_size: 6, metadata: { owner: 'test' } }),
    );
    expect(created.status).toBe(200);
    const exp = created.json;
    expect(exp.object).toBe('experiment');
    expect(exp.id).toMatch(/^[0-9]+$/);
    expect(exp.state).toBe('active');
    expect(exp.parameters.map((p: { name: string }) => p.name)).toEqual(['x', 'n', 'c']);
    expect(exp.parameters[2].categorical_values).toEqual([
      { object: 'categorical_value', name: 'a', enum_index: 1 },
      { object: 'categorical_value', name: 'b', enum_index: 2 },
    ]);
    expect(exp.metrics[1]).toMatchObject({ object: 'metric', name: 'f2', objective: 'minimize', strategy: 'optimize' });
    expect(exp.metadata).toEqual({ owner: 'test' });
    expect(exp.progress).toMatchObject({
      object: 'progress',
      observation_count: 0,
      remaining_budget: 40,
      first_observation: null,
    });

    const points: { id: string; f1: number; f2: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const s = await h.call('POST', `/v1/experiments/${exp.id}/suggestions`);
      expect(s.status).toBe(200);
      expect(s.json).toMatchObject({ object: 'suggestion', experiment: exp.id, state: 'open' });
      const a = s.json.assignments;
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.x).toBeLessThanOrEqual(1);
      expect(Number.isInteger(a.n) && a.n >= 1 && a.n <= 5).toBe(true);
      expect(['a', 'b']).toContain(a.c);
      const failed = i === 3;
      const o = await h.call(
        'POST',
        `/v1/experiments/${exp.id}/observations`,
        failed
          ? { suggestion: s.json.id, failed: true }
          : { suggestion: s.json.id, values: toyValues(a), metadata: { i } },
      );
      expect(o.status).toBe(200);
      expect(o.json).toMatchObject({
        object: 'observation',
        suggestion: s.json.id,
        assignments: a,
        failed,
        value: null,
      });
      if (!failed) {
        const [f1, f2] = toyValues(a);
        expect(o.json.values).toEqual([
          { object: 'metric_evaluation', name: 'f1', value: f1.value, value_stddev: null },
          { object: 'metric_evaluation', name: 'f2', value: f2.value, value_stddev: null },
        ]);
        points.push({ id: o.json.id, f1: f1.value, f2: f2.value });
      }
      const closed = await h.call('GET', `/v1/experiments/${exp.id}/suggestions/${s.json.id}`);
      expect(closed.json.state).toBe('closed');
    }
    // an observation given by assignments instead of a suggestion
    const manual = { x: 1, n: 5, c: 'b' };
    const m = await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
      assignments: manual,
      values: toyValues(manual),
    });
    expect(m.status).toBe(200);
    expect(m.json.suggestion).toBeNull();
    points.push({ id: m.json.id, f1: toyValues(manual)[0].value, f2: toyValues(manual)[1].value });

    const again = await h.call('GET', `/v1/experiments/${exp.id}`);
    expect(again.json.progress).toMatchObject({
      observation_count: 11,
      failed_observation_count: 1,
      open_suggestion_count: 0,
      remaining_budget: 29,
    });
    expect(again.json.progress.last_observation.id).toBe(m.json.id);

    const best = await h.call('GET', `/v1/experiments/${exp.id}/best_assignments`);
    expect(best.status).toBe(200);
    expect(best.json.object).toBe('pagination');
    const ids = best.json.data.map((b: { id: string }) => b.id).sort((a: string, b: string) => Number(a) - Number(b));
    expect(ids).toEqual(bruteForceFront(points));
    expect(best.json.count).toBe(ids.length);
    expect(best.json.data[0].object).toBe('best_assignments');
    // (x=1, n=5, c=b) has the largest possible f1 = 1.1, so it is always on the front
    expect(ids).toContain(m.json.id);

    const list = await h.call('GET', `/v1/experiments/${exp.id}/observations?limit=4`);
    expect(list.json).toMatchObject({ object: 'pagination', count: 11 });
    expect(list.json.data).toHaveLength(4);
    const all: string[] = list.json.data.map((o: { id: string }) => o.id);
    let before = list.json.paging.before;
    while (before) {
      const next = await h.call('GET', `/v1/experiments/${exp.id}/observations?limit=4&before=${before}`);
      all.push(...next.json.data.map((o: { id: string }) => o.id));
      before = next.json.paging.before;
    }
    expect(new Set(all).size).toBe(11);
    expect(all.map(Number)).toEqual([...all.map(Number)].sort((a, b) => b - a));
  });

  it('applies metric thresholds to best_assignments', async () => {
    const body = twoMetricExperiment();
    (body.metrics as Record<string, unknown>[])[1].threshold = 0.5; // f2 <= 0.5 only
    const exp = (await h.call('POST', '/v1/experiments', body)).json;
    const pts = [
      { x: 1, n: 5, c: 'b' }, // f2 = 0.5: feasible, f1 = 1.1
      { x: 0, n: 1, c: 'a' }, // f2 = 1.1: infeasible although its f2 is the best? no: 1.1 > 0.5
      { x: 0.9, n: 1, c: 'a' }, // f2 = 0.11: feasible, f1 = 0.18
      { x: 0.5, n: 5, c: 'a' }, // f2 = 0.75: infeasible
    ];
    const ids: string[] = [];
    for (const a of pts)
      ids.push(
        (await h.call('POST', `/v1/experiments/${exp.id}/observations`, { assignments: a, values: toyValues(a) })).json
          .id,
      );
    const best = await h.call('GET', `/v1/experiments/${exp.id}/best_assignments`);
    expect(best.json.data.map((b: { id: string }) => b.id).sort()).toEqual([ids[0], ids[2]].sort());
  });

  it('counts open suggestions as pending and deletes them', async () => {
    const exp = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const s1 = (await h.call('POST', `/v1/experiments/${exp.id}/suggestions`)).json;
    const s2 = (await h.call('POST', `/v1/experiments/${exp.id}/suggestions`)).json;
    expect(s1.assignments).not.toEqual(s2.assignments);
    expect((await h.call('GET', `/v1/experiments/${exp.id}`)).json.progress.open_suggestion_count).toBe(2);
    expect((await h.call('DELETE', `/v1/experiments/${exp.id}/suggestions/${s1.id}`)).status).toBe(204);
    expect((await h.call('GET', `/v1/experiments/${exp.id}`)).json.progress.open_suggestion_count).toBe(1);
    expect((await h.call('GET', `/v1/experiments/${exp.id}/suggestions/${s1.id}`)).status).toBe(404);
    const obs = await h.call('POST', `/v1/experiments/${exp.id}/observations`, { suggestion: s1.id, failed: true });
    expect(obs.status).toBe(404);
    expect(obs.json.message).toContain('suggestion');
    const open = await h.call('GET', `/v1/experiments/${exp.id}/suggestions?state=open`);
    expect(open.json.data.map((s: { id: string }) => s.id)).toEqual([s2.id]);
    expect((await h.call('DELETE', `/v1/experiments/${exp.id}/suggestions?state=open`)).status).toBe(204);
    expect((await h.call('GET', `/v1/experiments/${exp.id}`)).json.progress.open_suggestion_count).toBe(0);
  });

  it('is deterministic: the same call history and seed give the same suggestions', async () => {
    const run = async () => {
      const exp = (await h.call('POST', '/v1/experiments', twoMetricExperiment({ seed: 7, initial_design_size: 3 })))
        .json;
      const seen: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        const s = (await h.call('POST', `/v1/experiments/${exp.id}/suggestions`)).json;
        seen.push(s.assignments);
        await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
          suggestion: s.id,
          values: toyValues(s.assignments),
        });
      }
      return seen;
    };
    expect(await run()).toEqual(await run());
  });

  it('updates name, budget and metadata; deletes and restores', async () => {
    const exp = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const put = await h.call('PUT', `/v1/experiments/${exp.id}`, {
      name: 'renamed',
      observation_budget: 100,
      metadata: { k: 1 },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: 'renamed', observation_budget: 100, metadata: { k: 1 } });
    expect((await h.call('DELETE', `/v1/experiments/${exp.id}`)).status).toBe(204);
    expect((await h.call('GET', '/v1/experiments')).json.count).toBe(0);
    expect((await h.call('GET', '/v1/experiments?state=deleted')).json.count).toBe(1);
    const s = await h.call('POST', `/v1/experiments/${exp.id}/suggestions`);
    expect(s.status).toBe(409);
    expect((await h.call('PUT', `/v1/experiments/${exp.id}`, { state: 'active' })).json.state).toBe('active');
    expect((await h.call('POST', `/v1/experiments/${exp.id}/suggestions`)).status).toBe(200);
  });

  it('accepts a batch of observations and SigOpt single-metric `value`', async () => {
    const exp = (
      await h.call('POST', '/v1/experiments', {
        parameters: [{ name: 'x', type: 'double', bounds: { min: -1, max: 1 } }],
        metrics: [{ name: 'y', objective: 'minimize' }],
      })
    ).json;
    const batch = await h.call('POST', `/v1/experiments/${exp.id}/observations/batch`, {
      observations: [
        { assignments: { x: 0.5 }, value: 0.25, value_stddev: 0.01 },
        { assignments: { x: -0.2 }, values: [{ name: 'y', value: 0.04 }] },
        { assignments: { x: 0.9 }, failed: true },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.json.count).toBe(3);
    expect(batch.json.data[0]).toMatchObject({ value: 0.25, value_stddev: 0.01 });
    const best = (await h.call('GET', `/v1/experiments/${exp.id}/best_assignments`)).json;
    expect(best.data.map((b: { assignments: unknown }) => b.assignments)).toEqual([{ x: -0.2 }]);
  });

  it('pages experiment lists newest first with before cursors, oldest first with after cursors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await h.call('POST', '/v1/experiments', twoMetricExperiment({ name: `e${i}` }))).json.id);
    const p1 = (await h.call('GET', '/v1/experiments?limit=2')).json;
    expect(p1.count).toBe(5);
    expect(p1.data.map((e: { id: string }) => e.id)).toEqual([ids[4], ids[3]]);
    expect(p1.paging).toEqual({ before: ids[3], after: null });
    const p2 = (await h.call('GET', `/v1/experiments?limit=2&before=${p1.paging.before}`)).json;
    expect(p2.data.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    const p3 = (await h.call('GET', `/v1/experiments?limit=2&before=${p2.paging.before}`)).json;
    expect(p3.data.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect(p3.paging.before).toBeNull();
    // walking back towards newer ones
    const back = (await h.call('GET', `/v1/experiments?limit=2&after=${ids[0]}`)).json;
    expect(back.data.map((e: { id: string }) => e.id)).toEqual([ids[1], ids[2]]);
    expect(back.paging).toEqual({ before: ids[1], after: ids[2] });
    const back2 = (await h.call('GET', `/v1/experiments?limit=2&after=${back.paging.after}`)).json;
    expect(back2.data.map((e: { id: string }) => e.id)).toEqual([ids[3], ids[4]]);
    expect(back2.paging).toEqual({ before: ids[3], after: null });
    // another token's list is empty
    expect((await h.call('GET', '/v1/experiments', undefined, h.tokenB)).json).toMatchObject({ count: 0, data: [] });
  });
});

describe('wire format of assignments', () => {
  it('writes integral values of double parameters as floats (0.0), of int parameters as integers', async () => {
    const exp = (
      await h.call('POST', '/v1/experiments', {
        name: 'floats',
        parameters: [
          { name: 'x', type: 'double', bounds: { min: -2, max: 2 } },
          { name: 'n', type: 'int', bounds: { min: 1, max: 5 } },
        ],
        metrics: [{ name: 'f' }],
      })
    ).json;
    const s = await h.call('POST', `/v1/experiments/${exp.id}/suggestions`, { assignments: { x: 0, n: 3 } });
    expect(s.status).toBe(200);
    expect(s.text).toContain('"assignments":{"x":0.0,"n":3}');
    const o = await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
      assignments: { x: -2, n: 1 },
      values: [{ name: 'f', value: 1 }],
    });
    expect(o.text).toContain('"assignments":{"x":-2.0,"n":1}');
    expect(o.text).toContain('"value":1,'); // metric values are left as they are
    const best = await h.call('GET', `/v1/experiments/${exp.id}/best_assignments`);
    expect(best.text).toContain('"assignments":{"x":-2.0,"n":1}');
    const listed = await h.call('GET', `/v1/experiments/${exp.id}/suggestions`);
    expect(listed.text).toContain('"x":0.0');
    expect((await h.call('GET', `/v1/experiments/${exp.id}`)).text).toContain('"x":-2.0');
    // a non-integral double and a metadata string that mimics nothing are untouched
    const o2 = await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
      assignments: { x: 0.25, n: 2 },
      values: [{ name: 'f', value: 0.5 }],
      metadata: { note: 'x is 0' },
    });
    expect(o2.text).toContain('"assignments":{"x":0.25,"n":2}');
    expect(o2.json.metadata).toEqual({ note: 'x is 0' });
    // a client string shaped like the old fixed marker is sent back unchanged, and the body stays valid JSON
    const forged = '\u0000pb-double\u00005\u0000pb-double\u0000';
    const o3 = await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
      assignments: { x: 1.5, n: 2 },
      values: [{ name: 'f', value: 0.5 }],
      metadata: { [forged]: forged },
    });
    expect(o3.status).toBe(200);
    expect(o3.json.metadata).toEqual({ [forged]: forged });
  });
});

describe('corrections: PUT and DELETE on observations, PUT on suggestions', () => {
  /** An experiment with three observed suggestions (the second failed) and one open suggestion. */
  async function observed(): Promise<{ exp: string; obs: string[]; open: string }> {
    const exp = (await h.call('POST', '/v1/experiments', twoMetricExperiment({ initial_design_size: 4 }))).json.id;
    const obs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = (await h.call('POST', `/v1/experiments/${exp}/suggestions`)).json;
      const body =
        i === 1 ? { suggestion: s.id, failed: true } : { suggestion: s.id, values: toyValues(s.assignments) };
      obs.push((await h.call('POST', `/v1/experiments/${exp}/observations`, body)).json.id);
    }
    const open = (await h.call('POST', `/v1/experiments/${exp}/suggestions`)).json.id;
    return { exp, obs, open };
  }

  it('corrects values, turns a failure into a result and back, and keeps what the body leaves out', async () => {
    const { exp, obs } = await observed();
    const url = `/v1/experiments/${exp}/observations`;
    const first = (await h.call('GET', `${url}/${obs[0]}`)).json;
    const values = [
      { name: 'f1', value: 0.25 },
      { name: 'f2', value: 2 },
    ];
    const put = await h.call('PUT', `${url}/${obs[0]}`, { values, metadata: { note: 'rerun' } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id: obs[0], failed: false, metadata: { note: 'rerun' } });
    expect(put.json.values.map((v: { value: number }) => v.value)).toEqual([0.25, 2]);
    expect(put.json.assignments).toEqual(first.assignments);
    expect(put.json.suggestion).toBe(first.suggestion);
    expect(
      (
        await h.sql<{ optimizer_state: string | null }>('SELECT optimizer_state FROM experiments WHERE id = ?', [
          Number(exp),
        ])
      )[0].optimizer_state,
    ).toBeNull();
    // stored: a fresh GET sees the correction; metadata alone leaves the values
    const meta = await h.call('PUT', `${url}/${obs[0]}`, { metadata: null });
    expect(meta.json.metadata).toBeNull();
    expect((await h.call('GET', `${url}/${obs[0]}`)).json.values.map((v: { value: number }) => v.value)).toEqual([
      0.25, 2,
    ]);
    // a failed observation given values becomes a result; failed: true drops them again
    const healed = await h.call('PUT', `${url}/${obs[1]}`, { values });
    expect(healed.json).toMatchObject({ failed: false });
    expect(healed.json.values).toHaveLength(2);
    const broken = await h.call('PUT', `${url}/${obs[1]}`, { failed: true });
    expect(broken.json).toMatchObject({ failed: true, values: [] });
    // a rule failure keeps the values it was judged on (an extension: SigOpt refused values on a failed observation)
    const judged = await h.call('PUT', `${url}/${obs[1]}`, { failed: true, values: [{ name: 'f1', value: 0.01 }] });
    expect(judged.json).toMatchObject({ failed: true, values: [{ name: 'f1', value: 0.01 }] });
    const tagged = await h.call('PUT', `${url}/${obs[1]}`, { metadata: { why: 'too slow' } });
    expect(tagged.json).toMatchObject({ failed: true, values: [{ name: 'f1', value: 0.01 }] });
  });

  it('refuses a correction a create would refuse, naming the field, and changes nothing', async () => {
    const { exp, obs } = await observed();
    const url = `/v1/experiments/${exp}/observations/${obs[0]}`;
    const before = (await h.call('GET', url)).json;
    const cases: [unknown, number, RegExp][] = [
      [{ values: [{ name: 'f1', value: 1 }] }, 400, /f2/],
      [{ values: [{ name: 'nope', value: 1 }] }, 400, /nope/],
      [{ failed: false, values: [{ name: 'f1', value: 1 }] }, 400, /f2/],
      [{ failed: true, values: [{ name: 'f3', value: 1 }] }, 400, /f3/],
      [{ value: 1 }, 400, /^value: this experiment has 2 metrics/],
      [{ assignments: { x: 0.5, n: 1, c: 'a' } }, 400, /assignments/],
      [{ values: [{ name: 'f1', value: 'x' }] }, 400, /^values\[0\]\.value: /],
    ];
    for (const [body, status, message] of cases) {
      const r = await h.call('PUT', url, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await h.call('GET', url)).json).toEqual(before);
    expect((await h.call('PUT', `/v1/experiments/${exp}/observations/999`, { failed: true })).status).toBe(404);
  });

  it('deletes one observation or all of them; the optimizer forgets them and the suggestions stay closed', async () => {
    const { exp, obs, open } = await observed();
    const url = `/v1/experiments/${exp}/observations`;
    const state = async () =>
      (
        await h.sql<{ optimizer_state: string | null }>('SELECT optimizer_state FROM experiments WHERE id = ?', [
          Number(exp),
        ])
      )[0].optimizer_state;
    expect(await state()).not.toBeNull(); // the suggestions stored their warm-start state
    expect((await h.call('DELETE', `${url}/${obs[0]}`)).status).toBe(204);
    expect(await state()).toBeNull(); // forgotten: the next suggestion fits afresh
    expect((await h.call('GET', `${url}/${obs[0]}`)).status).toBe(404);
    expect((await h.call('DELETE', `${url}/${obs[0]}`)).status).toBe(404);
    const left = (await h.call('GET', url)).json;
    expect(left.data.map((o: { id: string }) => o.id).sort()).toEqual([obs[1], obs[2]].sort());
    expect((await h.call('GET', `/v1/experiments/${exp}`)).json.progress.observation_count).toBe(2);
    expect((await h.call('DELETE', url)).status).toBe(204);
    expect((await h.call('GET', url)).json.count).toBe(0);
    const closed = (await h.call('GET', `/v1/experiments/${exp}/suggestions?state=closed`)).json;
    expect(closed.count).toBe(3);
    // the experiment goes on: the open suggestion can still be observed and new ones are made
    const s = (await h.call('GET', `/v1/experiments/${exp}/suggestions/${open}`)).json;
    const o = await h.call('POST', url, { suggestion: open, values: toyValues(s.assignments) });
    expect(o.status).toBe(200);
    expect((await h.call('POST', `/v1/experiments/${exp}/suggestions`)).status).toBe(200);
  });

  it("replaces a suggestion's metadata, open or closed, and refuses anything else", async () => {
    const { exp, obs, open } = await observed();
    const url = `/v1/experiments/${exp}/suggestions`;
    const put = await h.call('PUT', `${url}/${open}`, { metadata: { worker: 'gpu-3' } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id: open, state: 'open', metadata: { worker: 'gpu-3' } });
    expect((await h.call('GET', `${url}/${open}`)).json.metadata).toEqual({ worker: 'gpu-3' });
    const closedId = (await h.call('GET', `/v1/experiments/${exp}/observations/${obs[0]}`)).json.suggestion;
    expect((await h.call('PUT', `${url}/${closedId}`, { metadata: { a: 1 } })).json.metadata).toEqual({ a: 1 });
    const bad = await h.call('PUT', `${url}/${open}`, { assignments: { x: 0.1, n: 1, c: 'a' } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/assignments/);
    expect((await h.call('PUT', `${url}/999`, { metadata: null })).status).toBe(404);
  });
});

describe('importances and stopping criteria', () => {
  it('ranks parameters per metric from the GP, and advises stopping at the budget', async () => {
    // f1 = x n / 5 (+0.1 for c = b), f2 = (1 - x)^2 + n / 10: x matters most to both, c only a little to f1
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment({ observation_budget: 24 }))).json;
    const empty = await h.call('GET', `/v1/experiments/${e.id}/importances`);
    expect(empty.json).toEqual({ object: 'importances', importances: {} });
    for (let i = 0; i < 24; i++) {
      const s = (await h.call('POST', `/v1/experiments/${e.id}/suggestions`)).json;
      await h.call('POST', `/v1/experiments/${e.id}/observations`, {
        suggestion: s.id,
        values: toyValues(s.assignments),
      });
    }
    const per = await h.call('GET', `/v1/experiments/${e.id}/metric_importances`);
    expect(per.json.data.map((m: { object: string; metric: string }) => [m.object, m.metric])).toEqual([
      ['metric_importances', 'f1'],
      ['metric_importances', 'f2'],
    ]);
    for (const m of per.json.data as { importances: Record<string, number> }[]) {
      expect(Object.values(m.importances).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(m.importances.x).toBeGreaterThan(m.importances.c);
    }
    const single = await h.call('GET', `/v1/experiments/${e.id}/importances`);
    expect(single.json.importances).toEqual(per.json.data[0].importances);
    const stop = await h.call('GET', `/v1/experiments/${e.id}/stopping_criteria`);
    expect(stop.json).toMatchObject({ object: 'stopping_criteria', should_stop: true });
    expect(stop.json.reasons).toContain('observation_budget_reached');
    expect((await h.call('GET', `/v1/experiments/${e.id}/stopping_criteria`, undefined, h.tokenB)).status).toBe(404);
  });
});

describe("SigOpt's shorter experiment forms", () => {
  const parameters = [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }];

  it('no metric: one maximised metric "value"; the single `metric` form; `budget` for observation_budget', async () => {
    const none = await h.call('POST', '/v1/experiments', { name: 'n', parameters });
    expect(none.json.metrics).toEqual([expect.objectContaining({ name: 'value', objective: 'maximize' })]);
    const one = await h.call('POST', '/v1/experiments', {
      name: 'm',
      parameters,
      metric: { name: 'loss', objective: 'minimize' },
      budget: 7,
    });
    expect(one.json.metrics).toEqual([expect.objectContaining({ name: 'loss', objective: 'minimize' })]);
    expect(one.json.observation_budget).toBe(7);
    const both = await h.call('POST', '/v1/experiments', { name: 'b', parameters, metric: { name: 'a' }, metrics: [] });
    expect(both.status).toBe(400);
    expect(both.json.message).toMatch(/^metric: give either/);
    const clash = await h.call('POST', '/v1/experiments', { name: 'c', parameters, budget: 5, observation_budget: 6 });
    expect(clash.status).toBe(400);
    expect(clash.json.message).toMatch(/^budget: /);
  });
});

describe('queued suggestions', () => {
  it('serves queued assignments first, oldest first, then the optimizer; lists, fetches and deletes them', async () => {
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const url = `/v1/experiments/${e.id}/queued_suggestions`;
    const q1 = await h.call('POST', url, { assignments: { x: 0.25, n: 2, c: 'b' } });
    expect(q1.status).toBe(200);
    expect(q1.json).toMatchObject({
      object: 'queued_suggestion',
      experiment: e.id,
      assignments: { x: 0.25, n: 2, c: 'b' },
    });
    const q2 = (await h.call('POST', url, { assignments: { x: 1, n: 5, c: 'a' } })).json;
    const q3 = (await h.call('POST', url, { assignments: { x: 0, n: 1, c: 'a' } })).json;
    expect((await h.call('GET', `${url}/${q2.id}`)).json.assignments).toEqual({ x: 1, n: 5, c: 'a' });
    expect((await h.call('DELETE', `${url}/${q3.id}`)).status).toBe(204);
    expect((await h.call('DELETE', `${url}/${q3.id}`)).status).toBe(404);
    expect((await h.call('GET', url)).json.count).toBe(2);
    const s1 = (await h.call('POST', `/v1/experiments/${e.id}/suggestions`, { metadata: { w: 1 } })).json;
    const s2 = (await h.call('POST', `/v1/experiments/${e.id}/suggestions`)).json;
    expect(s1.assignments).toEqual({ x: 0.25, n: 2, c: 'b' });
    expect(s1.metadata).toEqual({ w: 1 });
    expect(s2.assignments).toEqual({ x: 1, n: 5, c: 'a' });
    expect((await h.call('GET', url)).json.count).toBe(0);
    // the queue is empty: the optimizer answers (its first Sobol point is none of the queued ones)
    const s3 = (await h.call('POST', `/v1/experiments/${e.id}/suggestions`)).json;
    expect([s1.assignments, s2.assignments]).not.toContainEqual(s3.assignments);
    // a point outside the space is refused naming the field, and nothing is queued
    const before = await h.dump();
    const bad = await h.call('POST', url, { assignments: { x: 2, n: 1, c: 'a' } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^assignments\.x: /);
    expect(await h.dump()).toBe(before);
    expect((await h.call('GET', url, undefined, h.tokenB)).status).toBe(404);
  });
});

describe('suggestion leases', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands an open suggestion out again once its lease ends; a PUT renews it; the slower worker gets 409', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T00:00:00Z'));
    const t0 = Math.floor(Date.now() / 1000);
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment({ suggestion_lease_seconds: 60 }))).json;
    expect(e.suggestion_lease_seconds).toBe(60);
    const url = `/v1/experiments/${e.id}/suggestions`;
    const a = (await h.call('POST', url, { metadata: { worker: 'a' } })).json;
    const b = (await h.call('POST', url, { metadata: { worker: 'b' } })).json;
    expect(a.lease_expires).toBe(t0 + 60);
    expect(b.id).not.toBe(a.id);
    expect([a.sequence, b.sequence]).toEqual([0, 1]); // the optimizer's index of each
    // 50 s on, b's worker renews its lease (an empty PUT is a heartbeat); a's worker has gone quiet
    vi.setSystemTime((t0 + 50) * 1000);
    const renewed = await h.call('PUT', `${url}/${b.id}`, {});
    expect(renewed.json.lease_expires).toBe(t0 + 110);
    expect(renewed.json.metadata).toEqual({ worker: 'b' });
    // during the second its lease ends (60.9 s) a is still leased: a lease lasts at least its seconds
    vi.setSystemTime((t0 + 60.9) * 1000);
    const during = (await h.call('POST', url)).json;
    expect([a.id, b.id]).not.toContain(during.id);
    expect((await h.call('DELETE', `${url}/${during.id}`)).status).toBe(204);
    // at 61 s a's lease has ended: the next request gets a again (same id and assignments), not a new point
    vi.setSystemTime((t0 + 61) * 1000);
    const again = (await h.call('POST', url, { metadata: { worker: 'c' } })).json;
    expect(again).toMatchObject({ id: a.id, assignments: a.assignments, sequence: 0, metadata: { worker: 'c' } });
    expect(again.lease_expires).toBe(t0 + 121);
    // b's lease still runs: a new suggestion is computed
    const c = (await h.call('POST', url)).json;
    expect([a.id, b.id]).not.toContain(c.id);
    expect((await h.call('GET', `/v1/experiments/${e.id}`)).json.progress.open_suggestion_count).toBe(3);
    // both takers of a report: the first is stored, the second is refused and nothing is stored twice
    const values = toyValues(a.assignments);
    expect((await h.call('POST', `/v1/experiments/${e.id}/observations`, { suggestion: a.id, values })).status).toBe(
      200,
    );
    const late = await h.call('POST', `/v1/experiments/${e.id}/observations`, { suggestion: a.id, values });
    expect(late.status).toBe(409);
    expect((await h.call('GET', `/v1/experiments/${e.id}`)).json.progress.observation_count).toBe(1);
    // an observed suggestion is never handed out again, however long ago its lease ended
    vi.setSystemTime((t0 + 1000) * 1000);
    const next = [(await h.call('POST', url)).json.id, (await h.call('POST', url)).json.id];
    expect(next.sort()).toEqual([b.id, c.id].sort());
    // the lease may be changed or removed; without one (SigOpt's behaviour) nothing is handed out twice
    const off = await h.call('PUT', `/v1/experiments/${e.id}`, { suggestion_lease_seconds: null });
    expect(off.json.suggestion_lease_seconds).toBeUndefined();
    expect((await h.call('GET', `${url}/${b.id}`)).json.lease_expires).toBeUndefined();
    vi.setSystemTime((t0 + 5000) * 1000);
    expect([a.id, b.id, c.id]).not.toContain((await h.call('POST', url)).json.id);
  });

  it('refuses a lease that is not a whole positive number of seconds, naming the field', async () => {
    for (const bad of [0, 1.5, -3, '60']) {
      const r = await h.call('POST', '/v1/experiments', twoMetricExperiment({ suggestion_lease_seconds: bad }));
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(/^suggestion_lease_seconds: /);
    }
  });
});

describe('grid parameters', () => {
  it('writes a grid parameter as its grid (no bounds) and suggests grid values only', async () => {
    const e = await h.call('POST', '/v1/experiments', {
      name: 'grid',
      parameters: [
        { name: 'batch', type: 'int', grid: [64, 16, 32] },
        { name: 'dropout', type: 'double', grid: [0, 0.25, 0.5] },
      ],
      metrics: [{ name: 'acc' }],
    });
    expect(e.status).toBe(200);
    expect(e.json.parameters[0]).toMatchObject({ name: 'batch', grid: [16, 32, 64], bounds: null });
    for (let i = 0; i < 8; i++) {
      const s = (await h.call('POST', `/v1/experiments/${e.json.id}/suggestions`)).json;
      expect([16, 32, 64]).toContain(s.assignments.batch);
      expect([0, 0.25, 0.5]).toContain(s.assignments.dropout);
      await h.call('POST', `/v1/experiments/${e.json.id}/observations`, {
        suggestion: s.id,
        value: s.assignments.batch,
      });
    }
    const off = await h.call('POST', `/v1/experiments/${e.json.id}/observations`, {
      assignments: { batch: 48, dropout: 0 },
      value: 1,
    });
    expect(off.status).toBe(400);
    expect(off.json.message).toMatch(/^assignments\.batch: must be one of the grid \[16,32,64\]/);
  });
});

describe('parameter priors', () => {
  it('keeps a prior on a double parameter and writes it back; refuses one on an int, naming the field', async () => {
    const prior = { name: 'normal', mean: 0.8, scale: 0.05 };
    const e = await h.call('POST', '/v1/experiments', {
      name: 'p',
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior }],
      metrics: [{ name: 'f' }],
    });
    expect(e.json.parameters[0].prior).toEqual({ object: 'prior', ...prior });
    // the initial design follows it: the first suggestions sit within 3 sd of the mean
    for (let i = 0; i < 4; i++) {
      const s = (await h.call('POST', `/v1/experiments/${e.json.id}/suggestions`)).json;
      expect(Math.abs(s.assignments.x - 0.8)).toBeLessThan(0.15);
    }
    const bad = await h.call('POST', '/v1/experiments', {
      name: 'p',
      parameters: [{ name: 'n', type: 'int', bounds: { min: 0, max: 9 }, prior }],
      metrics: [{ name: 'f' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^parameters\[0\]\.prior: only for a double parameter/);
  });
});

describe('linear constraints', () => {
  it('keeps them, writes them back, and every suggestion satisfies them', async () => {
    const linear_constraints = [
      {
        type: 'greater_than',
        threshold: 1.2,
        terms: [
          { name: 'a', weight: 1 },
          { name: 'b', weight: 2 },
        ],
      },
    ];
    const e = await h.call('POST', '/v1/experiments', {
      name: 'lc',
      parameters: [
        { name: 'a', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'b', type: 'double', bounds: { min: 0, max: 1 } },
      ],
      metrics: [{ name: 'f' }],
      linear_constraints,
    });
    expect(e.status, e.text).toBe(200);
    expect(e.json.linear_constraints).toEqual([{ object: 'linear_constraint', ...linear_constraints[0] }]);
    for (let i = 0; i < 10; i++) {
      const s = (await h.call('POST', `/v1/experiments/${e.json.id}/suggestions`)).json;
      expect(s.assignments.a + 2 * s.assignments.b).toBeGreaterThanOrEqual(1.2 - 1e-9);
      await h.call('POST', `/v1/experiments/${e.json.id}/observations`, { suggestion: s.id, value: s.assignments.a });
    }
    // points a client asks for (queued or manual) must satisfy them too
    const outside = { a: 0.1, b: 0.1 };
    const queued = await h.call('POST', `/v1/experiments/${e.json.id}/queued_suggestions`, { assignments: outside });
    expect(queued.status).toBe(400);
    expect(queued.json.message).toBe('assignments: outside linear_constraints[0] (greater_than 1.2)');
    const manual = await h.call('POST', `/v1/experiments/${e.json.id}/suggestions`, { assignments: outside });
    expect(manual.status).toBe(400);
    const change = await h.call('PUT', `/v1/experiments/${e.json.id}`, { linear_constraints: [] });
    expect(change.status).toBe(400);
    expect(change.json.message).toMatch(/^linear_constraints: cannot be changed/);
  });
});

describe('Idempotency-Key on observation POSTs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a retried POST gets the first answer and stores nothing twice; another request under the key is 422', async () => {
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const url = `/v1/experiments/${e.id}/observations`;
    const a = { x: 0.25, n: 2, c: 'a' };
    const body = { assignments: a, values: toyValues(a) };
    const key = { 'idempotency-key': '6f1c2e9a-retry' };
    const first = await h.call('POST', url, body, h.tokenA, key);
    expect(first.status).toBe(200);
    const retry = await h.call('POST', url, body, h.tokenA, key);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect((await h.call('GET', url)).json.count).toBe(1);
    // a suggestion's observation retried: the retry is not a 409 "already has an observation"
    const s = (await h.call('POST', `/v1/experiments/${e.id}/suggestions`)).json;
    const sBody = { suggestion: s.id, failed: true };
    const sKey = { 'idempotency-key': 'suggestion-obs-1' };
    const o1 = await h.call('POST', url, sBody, h.tokenA, sKey);
    const o2 = await h.call('POST', url, sBody, h.tokenA, sKey);
    expect([o1.status, o2.status]).toEqual([200, 200]);
    expect(o2.json.id).toBe(o1.json.id);
    expect((await h.call('POST', url, sBody)).status).toBe(409); // without the key it is a second report
    // the same key for another body: refused, nothing stored
    const other = await h.call('POST', url, { assignments: a, failed: true }, h.tokenA, key);
    expect(other.status).toBe(422);
    expect(other.json.message).toMatch(/^Idempotency-Key: "6f1c2e9a-retry" was used for a different request/);
    expect((await h.call('GET', url)).json.count).toBe(2);
    // keys belong to a token: bob's same key is his own
    const eb = (await h.call('POST', '/v1/experiments', twoMetricExperiment(), h.tokenB)).json;
    const bob = await h.call('POST', `/v1/experiments/${eb.id}/observations`, body, h.tokenB, key);
    expect(bob.status).toBe(200);
    expect(bob.json.id).not.toBe(first.json.id);
  });

  it('stores the answer as its response text, so a replay after a restart writes integral doubles as 0.0', async () => {
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const url = `/v1/experiments/${e.id}/observations`;
    const a = { x: 0, n: 2, c: 'a' }; // x is a double whose value is integral
    const key = { 'idempotency-key': 'double-0' };
    const first = await h.call('POST', url, { assignments: a, values: toyValues(a) }, h.tokenA, key);
    expect(first.text).toContain('"x":0.0');
    // what is stored holds no per-process marker (a restarted server has another one and could not undo it)
    const stored = await h.sql<{ response: string }>('SELECT response FROM idempotency_keys');
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) expect(row.response).not.toMatch(/pb-double|\\u0000/);
    const batchKey = { 'idempotency-key': 'double-batch' };
    const batch = {
      observations: [{ assignments: { x: 1, n: 1, c: 'b' }, values: toyValues({ x: 1, n: 1, c: 'b' }) }],
    };
    const b1 = await h.call('POST', `${url}/batch`, batch, h.tokenA, batchKey);
    // the replays: the same text as the first answers
    const retry = await h.call('POST', url, { assignments: a, values: toyValues(a) }, h.tokenA, key);
    expect(retry.text).toBe(first.text);
    const b2 = await h.call('POST', `${url}/batch`, batch, h.tokenA, batchKey);
    expect(b2.text).toBe(b1.text);
    expect(b2.text).toContain('"x":1.0');
  });

  it('covers the batch route; a failed request stores no key; a key is replayed for a day', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T00:00:00Z'));
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const url = `/v1/experiments/${e.id}/observations`;
    const pts = [
      { x: 0.1, n: 1, c: 'a' },
      { x: 0.2, n: 3, c: 'b' },
    ];
    const batch = { observations: pts.map((a) => ({ assignments: a, values: toyValues(a) })) };
    const key = { 'idempotency-key': 'batch-1' };
    // an invalid batch under the key: 400, and the key stays free for the corrected request
    const bad = await h.call(
      'POST',
      `${url}/batch`,
      { observations: [{ assignments: { x: 9, n: 1, c: 'a' } }] },
      h.tokenA,
      key,
    );
    expect(bad.status).toBe(400);
    const b1 = await h.call('POST', `${url}/batch`, batch, h.tokenA, key);
    const b2 = await h.call('POST', `${url}/batch`, batch, h.tokenA, key);
    expect([b1.status, b2.status]).toEqual([200, 200]);
    expect(b2.json).toEqual(b1.json);
    expect((await h.call('GET', url)).json.count).toBe(2);
    // the single route under a key used by the batch route: another request
    expect((await h.call('POST', url, batch.observations[0], h.tokenA, key)).status).toBe(422);
    // after a day the key is forgotten: the same request stores again
    vi.setSystemTime(new Date('2026-12-02T00:00:01Z'));
    expect((await h.call('POST', `${url}/batch`, batch, h.tokenA, key)).status).toBe(200);
    expect((await h.call('GET', url)).json.count).toBe(4);
  });

  it('replays a stored answer even after the experiment was deleted; a new request there is 409', async () => {
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const url = `/v1/experiments/${e.id}/observations`;
    const a = { x: 0.5, n: 4, c: 'b' };
    const body = { assignments: a, values: toyValues(a) };
    const key = { 'idempotency-key': 'before-delete' };
    const first = await h.call('POST', url, body, h.tokenA, key);
    expect((await h.call('DELETE', `/v1/experiments/${e.id}`)).status).toBe(204);
    const retry = await h.call('POST', url, body, h.tokenA, key);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    const fresh = await h.call('POST', url, body, h.tokenA, { 'idempotency-key': 'after-delete' });
    expect(fresh.status).toBe(409);
    expect(fresh.json.message).toMatch(/is deleted/);
  });

  it('rejects a malformed key naming the header', async () => {
    const e = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const a = { x: 0.25, n: 2, c: 'a' };
    const body = { assignments: a, values: toyValues(a) };
    for (const k of ['has space', 'x'.repeat(256), 'é']) {
      const r = await h.call('POST', `/v1/experiments/${e.id}/observations`, body, h.tokenA, {
        'idempotency-key': k,
      });
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(/^Idempotency-Key: must be 1 to 255 visible ASCII characters/);
    }
    expect((await h.call('GET', `/v1/experiments/${e.id}/observations`)).json.count).toBe(0);
  });
});
