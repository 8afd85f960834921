import { describe, expect, it } from 'vitest';
import { Rng } from '@paretobench/optimizer';
import ROTTEN from '../studies/rotten/index.ts';
import DIATOM from '../studies/diatom/index.ts';
import { getPreset } from '../studies/presets.ts';
import { configurationKey, type SurrogateRow } from './dataset.ts';
import { rottenPoint } from '../../test/fixtures.ts';
import { Surrogate } from './model.ts';

/**
 * A rotten-shaped archive with a bimodal accuracy (the CNN learns, 0.76, when log_learning_rate > -9, else stays at
 * 0.50), time growing with epochs, errors whenever dropout_rate > 0.8, and every configuration trained twice with
 * noise of sd 0.01 on accuracy and 0.1 on log time.
 */
function bimodalRows(n: number): SurrogateRow[] {
  const rng = new Rng(5);
  const rows: SurrogateRow[] = [];
  for (let i = 0; i < n; i++) {
    const x = rottenPoint(rng);
    for (let rep = 0; rep < 2; rep++) {
      const error = x[0] > 0.8;
      rows.push({
        key: configurationKey(x),
        x,
        accuracy: error ? null : (x[1] > -9 ? 0.76 : 0.5) + 0.01 * rng.normal(),
        logTime: error ? null : Math.log(x[3]) + 0.1 * rng.normal(),
        error,
        stopped: false,
        seed: 2 * i + rep,
        source: `synthetic#${i}.${rep}`,
      });
    }
  }
  return rows;
}

const at = (lr: number, dropout = 0.5, epochs = 50) => ({
  dropout_rate: dropout,
  log_learning_rate: lr,
  max_grad_norm: 5,
  epochs,
  batch_size: 50,
  embed_dim: 300,
});

describe('Surrogate', () => {
  const preset = getPreset(ROTTEN, 'default');
  const s = Surrogate.fit(ROTTEN, bimodalRows(150));

  it('measures the noise of the repeated configurations', () => {
    expect(s.noise.groups).toBeGreaterThan(100);
    expect(s.noise.accuracySd).toBeGreaterThan(0.007);
    expect(s.noise.accuracySd).toBeLessThan(0.013);
    expect(s.noise.logTimeSd).toBeGreaterThan(0.07);
    expect(s.noise.logTimeSd).toBeLessThan(0.13);
  });

  it('draws outcomes from the modes, never from between them', () => {
    const accs: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      const lr = -18 + (17 * (seed % 40)) / 40;
      const o = s.sample(preset, { type: 'trial', id: 'x', assignments: at(lr), epochs: 4, seed });
      expect(o.error).toBeNull();
      accs.push(o.accuracy!);
    }
    expect(accs.filter((a) => a > 0.56 && a < 0.7)).toHaveLength(0);
    // far from the boundary, the mode is the landscape's
    const far = (lr: number) =>
      s.sample(preset, { type: 'trial', id: 'x', assignments: at(lr), epochs: 4, seed: 1 }).accuracy!;
    expect(far(-2)).toBeCloseTo(0.76, 1);
    expect(far(-16)).toBeCloseTo(0.5, 1);
  });

  it('is a function of the trial seed: the same task gives the same outcome', () => {
    const task = { type: 'trial' as const, id: 'x', assignments: at(-5), epochs: 4, seed: 77 };
    expect(s.sample(preset, task)).toEqual(s.sample(preset, task));
    const other = s.sample(preset, { ...task, seed: 78 });
    expect(other.accuracy).not.toBe(s.sample(preset, task).accuracy);
  });

  it('returns no model where the archive failed, and stops training at the time limit', () => {
    const err = s.sample(preset, { type: 'trial', id: 'x', assignments: at(-5, 0.89), epochs: 4, seed: 3 });
    expect(err.error).toMatch(/no model/);
    expect(err.accuracy).toBeNull();
    // time ~ epochs (5..100 s): at 100 epochs about half the draws exceed the 100 s limit and are stopped there
    const times = Array.from({ length: 200 }, (_, seed) =>
      s.sample(preset, { type: 'trial', id: 'x', assignments: at(-5, 0.5, 100), epochs: 6, seed }),
    );
    const stopped = times.filter((o) => o.stoppedEarly === 'time_limit');
    expect(stopped.length).toBeGreaterThan(40);
    expect(stopped.length).toBeLessThan(160);
    for (const o of stopped) expect(o.trainSeconds).toBe(100);
    expect(Math.max(...times.map((o) => o.trainSeconds!))).toBe(100);
  });

  it('puts the time of an inference-time study into inferenceSeconds', () => {
    const rng = new Rng(1);
    const rows: SurrogateRow[] = Array.from({ length: 40 }, (_, i) => {
      const x = DIATOM.parameters.map((p) => (p.bounds ? rng.uniform(p.bounds.min, p.bounds.max) : 0));
      return {
        key: String(i),
        x,
        accuracy: 0.5,
        logTime: Math.log(0.01 * (1 + x[1] / 32)),
        error: false,
        stopped: false,
        seed: i,
        source: '',
      };
    });
    const d = Surrogate.fit(DIATOM, rows);
    const a = Object.fromEntries(DIATOM.parameters.map((p) => [p.name, p.bounds!.min]));
    const o = d.sample(getPreset(DIATOM, 'default'), { type: 'trial', id: 'x', assignments: a, epochs: 8, seed: 1 });
    expect(o.trainSeconds).toBeNull();
    expect(o.inferenceSeconds).toBeGreaterThan(0.015);
    expect(o.inferenceSeconds).toBeLessThan(0.025);
  });

  it('survives a round trip through its JSON form', () => {
    const back = Surrogate.fromJSON(ROTTEN, JSON.parse(JSON.stringify(s.toJSON())));
    const xs = Array.from({ length: 200 }, (_, i) => [
      0.1 + (0.8 * i) / 200,
      -18 + (18 * i) / 200,
      5,
      5 + (i % 96),
      50,
      300,
    ]);
    expect(back.predictRows(xs)).toEqual(s.predictRows(xs));
    for (let seed = 0; seed < 50; seed++) {
      const task = { type: 'trial' as const, id: 'x', assignments: at(-18 + seed / 3), epochs: 4, seed };
      expect(back.sample(preset, task)).toEqual(s.sample(preset, task));
    }
    expect(back.noise).toEqual(s.noise);
  });

  it('reproduces trainings stopped at the time limit as stopped, and leaves their capped times out of the time model', () => {
    // epochs > 80: training always stopped at the 100 s limit (recorded time 100.03); below: time = epochs seconds,
    // with 10 % noise (each configuration trained twice), so a capped time taken as a time would fall below the
    // limit about half the time
    const rng = new Rng(8);
    const rows: SurrogateRow[] = [];
    for (let i = 0; i < 200; i++) {
      const x = [0.5, rng.uniform(-18.42, 0), 5, rng.int(96) + 5, 50, 300];
      const stopped = x[3] > 80;
      for (let rep = 0; rep < 2; rep++) {
        rows.push({
          key: configurationKey(x),
          x,
          accuracy: 0.75,
          logTime: stopped ? Math.log(100.03) : Math.log(x[3]) + 0.1 * rng.normal(),
          error: false,
          stopped,
          seed: 2 * i + rep,
          source: '',
        });
      }
    }
    const t = Surrogate.fit(ROTTEN, rows);
    expect(t.description.stops).toBe(rows.filter((r) => r.stopped).length);
    const draws = Array.from({ length: 100 }, (_, seed) =>
      t.sample(preset, { type: 'trial', id: 'x', assignments: at(-5, 0.5, 95), epochs: 6, seed }),
    );
    expect(draws.filter((o) => o.stoppedEarly === 'time_limit').length).toBeGreaterThan(90);
    const short = Array.from({ length: 100 }, (_, seed) =>
      t.sample(preset, { type: 'trial', id: 'x', assignments: at(-5, 0.5, 30), epochs: 6, seed }),
    );
    expect(short.filter((o) => o.stoppedEarly !== null)).toHaveLength(0);
    const times = short.map((o) => o.trainSeconds!).sort((a, b) => a - b);
    expect(Math.abs(times[50] - 30)).toBeLessThan(4.5);
  });
});
