import { describe, expect, it } from 'vitest';
import { computeSummary } from './summary.ts';
import DIATOM from '../studies/diatom/index.ts';
import ROTTEN from '../studies/rotten/index.ts';
import { getPreset } from '../studies/presets.ts';
import { record } from '../../test/fixtures.ts';

// Hand-computed case (accuracy maximised, inference time minimised):
//   optimizer o0 (0.8 @ 1 s), o1 (0.6 @ 0.5 s), o2 (0.5 @ 2 s, dominated by o0)
//   random    r0 (0.55 @ 0.9 s, dominated by o1), r1 (0.9 @ 3 s), r2 (error), r3 (0.4 @ 0.4 s)
const trials = [
  record('optimizer', 0, { accuracy: 0.8, time: 1 }),
  record('optimizer', 1, { accuracy: 0.6, time: 0.5 }),
  record('optimizer', 2, { accuracy: 0.5, time: 2 }),
  record('random', 0, { accuracy: 0.55, time: 0.9 }),
  record('random', 1, { accuracy: 0.9, time: 3 }),
  record('random', 2, null),
  record('random', 3, { accuracy: 0.4, time: 0.4 }),
];
const preset = { ...getPreset(DIATOM, 'smoke'), budgets: { optimizer: 3, random: 4 } };
const s = computeSummary({
  study: DIATOM,
  preset,
  seed: 5,
  workers: 2,
  backend: 'fake',
  optimizer: 'in-process',
  trials,
  gridBins: 10,
});

describe('computeSummary', () => {
  it('frontiers, union shares and feasible fractions', () => {
    expect(s.methods.optimizer.frontier.map((p) => p.index)).toEqual([1, 0]);
    expect(s.methods.random.frontier.map((p) => p.index)).toEqual([3, 0, 1]);
    expect(s.union_frontier.map((p) => `${p.method[0]}${p.index}`)).toEqual(['r3', 'o1', 'o0', 'r1']);
    expect(s.methods.optimizer.union_share).toBe(0.5);
    expect(s.methods.random.union_share).toBe(0.5);
    expect(s.methods.optimizer.feasible_fraction).toBe(1);
    expect(s.methods.random.feasible_fraction).toBe(0.75);
    expect(s.methods.random.errors).toBe(1);
    expect(s.methods.optimizer.best_accuracy).toBe(0.8);
    expect(s.methods.random.best_accuracy).toBe(0.9);
    expect(s.random_frontier_dominated_by_optimizer.map((d) => [d.index, d.dominated_by])).toEqual([
      [3, 0],
      [0, 1],
      [1, 0],
    ]);
  });

  it('puts the paper figures beside the measured ones (85.7% share for diatom; 100% and 48% vs 26% for rotten)', () => {
    expect(s.paper_comparison).toEqual([
      { figure: "optimizer's share of the union frontier", paper: 0.857, measured: 0.5 },
    ]);
    const r = ROTTEN.paperFigures({
      optimizer: { union_share: 0.75, feasible_fraction: 0.4 },
      random: { union_share: 0.25, feasible_fraction: 0.2 },
    });
    expect(r.map((f) => [f.paper, f.measured])).toEqual([
      [1, 0.75],
      [0.48, 0.4],
      [0.26, 0.2],
    ]);
  });

  it('hypervolumes against the reference point (accuracy 0, 1.1 x the slowest time)', () => {
    expect(s.reference_point).toEqual({ accuracy: 0, time: 3 * 1.1 });
    // union of boxes [t, 3.3] x [0, a]
    expect(s.methods.optimizer.hypervolume).toBeCloseTo((3.3 - 0.5) * 0.6 + (3.3 - 1) * (0.8 - 0.6), 12);
    expect(s.methods.random.hypervolume).toBeCloseTo((3.3 - 0.4) * 0.4 + (3.3 - 0.9) * 0.15 + (3.3 - 3) * 0.35, 12);
    expect(s.methods.optimizer.hypervolume_curve.evaluations).toEqual([1, 2, 3]);
    expect(s.methods.optimizer.hypervolume_curve.hypervolume[0]).toBeCloseTo((3.3 - 1) * 0.8, 12);
    expect(s.methods.optimizer.hypervolume_curve.hypervolume[2]).toBeCloseTo(s.methods.optimizer.hypervolume, 12);
    expect(s.methods.optimizer.epoch_seconds_median).toBe(1);
  });

  it("worker utilisation: the trials' wall seconds over workers x the run span", () => {
    // 7 trials of 1 s each, the first starting at 0 s and the last ending at 4 s, on 2 workers: 7 / (2 x 4)
    expect(s.wall_seconds).toBe(4);
    expect(s.worker_utilisation).toBe(0.875);
  });

  const summariseDiatom = (ts: typeof trials) =>
    computeSummary({ study: DIATOM, preset, seed: 5, workers: 2, backend: 'fake', optimizer: 'x', trials: ts });

  it('median CPU seconds per trial, over the trials that recorded it (null when none did)', () => {
    const withCpu = trials.map((t, i) =>
      t.method === 'optimizer' ? { ...t, timing: { ...t.timing, cpu_seconds: [3, 1, 2.5][i] } } : t,
    );
    const c = summariseDiatom(withCpu);
    expect(c.methods.optimizer.trial_cpu_seconds_median).toBe(2.5);
    expect(c.methods.random.trial_cpu_seconds_median).toBeNull();
  });

  it("the trial's CPU per host-speed reference: median over the trials that recorded both", () => {
    // CPU 3, 1, 2.5 s on workers whose reference took 20, 10, 50 ms: 150, 100, 50 references; the third lacks one
    const withRef = trials.map((t, i) =>
      t.method === 'optimizer'
        ? {
            ...t,
            timing: {
              ...t.timing,
              cpu_seconds: [3, 1, 2.5][i],
              ...(i < 2 ? { reference_cpu_ms: [20, 10][i] } : {}),
            },
          }
        : t,
    );
    const c = summariseDiatom(withRef);
    expect(c.methods.optimizer.trial_cpu_per_reference_median).toBe(125);
    expect(c.methods.random.trial_cpu_per_reference_median).toBeNull();
  });

  it('confidence region: the best random point is on the frontier of every draw that contains it (3 of 4)', () => {
    const cr = s.confidence_region!;
    expect(cr.k).toBe(3);
    expect(cr.repeats).toBe(800);
    const cell = (edges: number[], v: number) =>
      Math.min(
        edges.length - 2,
        edges.findIndex((e, i) => v >= e && v < edges[i + 1]),
      );
    const ix = cell(cr.time_edges, 3);
    const iy = cell(cr.accuracy_edges, 0.9);
    // binomial(800, 3/4): standard deviation 0.015
    expect(Math.abs(cr.density[iy][ix] - 0.75)).toBeLessThan(0.06);
    // the errored trial never appears: every density lies in [0, 1]
    expect(cr.density.flat().every((d) => d >= 0 && d <= 1)).toBe(true);
  });
});

describe('wall time of a resumed study', () => {
  const at = (iso: string, from: number, to: number) => ({
    started_at: new Date(Date.parse(iso) + from * 1000).toISOString(),
    finished_at: new Date(Date.parse(iso) + to * 1000).toISOString(),
  });
  const timed = (r: ReturnType<typeof record>, invocation: number | undefined, span: ReturnType<typeof at>) => {
    const out = { ...r, timing: { ...r.timing, ...span } };
    if (invocation !== undefined) out.invocation = invocation;
    return out;
  };
  const input = (ts: ReturnType<typeof record>[]) => ({
    study: DIATOM,
    preset,
    seed: 5,
    workers: 2,
    backend: 'fake',
    optimizer: 'in-process',
    trials: ts,
    gridBins: 10,
  });

  it('sums the active span of each invocation, leaving out the hour between the kill and the resume', () => {
    const t0 = '2026-11-26T00:00:00.000Z';
    const t1 = '2026-11-26T01:00:00.000Z';
    const summary = computeSummary(
      input([
        timed(trials[0], 0, at(t0, 0, 6)),
        timed(trials[3], 0, at(t0, 2, 10)),
        timed(trials[1], 1, at(t1, 0, 4)),
        timed(trials[4], 1, at(t1, 1, 5)),
        timed(trials[2], 2, at(t1, 3600, 3603)),
      ]),
    );
    expect(summary.wall_seconds).toBe(10 + 5 + 3);
    expect(summary.invocations).toEqual([
      { invocation: 0, trials: 2, started_at: t0, finished_at: '2026-11-26T00:00:10.000Z', active_seconds: 10 },
      { invocation: 1, trials: 2, started_at: t1, finished_at: '2026-11-26T01:00:05.000Z', active_seconds: 5 },
      {
        invocation: 2,
        trials: 1,
        started_at: '2026-11-26T02:00:00.000Z',
        finished_at: '2026-11-26T02:00:03.000Z',
        active_seconds: 3,
      },
    ]);
  });

  it('counts a journal without invocation numbers as one invocation', () => {
    const t0 = '2026-11-26T00:00:00.000Z';
    const summary = computeSummary(
      input([timed(trials[0], undefined, at(t0, 0, 6)), timed(trials[3], undefined, at(t0, 100, 110))]),
    );
    expect(summary.wall_seconds).toBe(110);
    expect(summary.invocations).toHaveLength(1);
  });
});
