/**
 * What a surrogate learns from: the trials of an archive (runner/collect.ts) as feature rows and targets.
 *
 * Features: one column per study parameter, its value as assigned (integers and doubles as they are, the studies'
 * log-scaled parameters already on their log scale; a categorical as the index of its value). Trees split on order
 * only, so no scaling is needed.
 *
 * Targets: the accuracy, the log of the time metric (times spread over orders of magnitude, and their noise is
 * multiplicative), and whether training produced no model at all (`error`: it threw or gave no accuracy or time).
 * Failures by a study's rule (accuracy below a threshold, over a time limit) are not targets: their metrics are
 * recorded, the surrogate predicts the metrics, and the rule of the preset being run is applied to the prediction.
 */
import { categoricalNames, type Assignments, type Parameter } from '@paretobench/optimizer';
import type { Study } from '../studies/study.ts';
import { DESIGNS, collectTrialSeed, type ArchiveJournal, type Design } from '../runner/collect.ts';
import { trialSeed } from '../runner/run-study.ts';

/** The training seed of an archived trial, as its journal's writer derived it (collect.ts or run-study.ts). */
function seedOf(j: ArchiveJournal, method: 'optimizer' | 'random', index: number): number | null {
  const kind = j.header.optimizer;
  if (kind.startsWith('collect-')) {
    const design = kind.slice('collect-'.length);
    return (DESIGNS as readonly string[]).includes(design)
      ? collectTrialSeed(design as Design, j.header.seed, index)
      : null;
  }
  return trialSeed(j.header.seed, method, index);
}

export interface SurrogateRow {
  /** Identity of the configuration (repeated trainings of one configuration share it). */
  key: string;
  x: number[];
  /** null when training produced no model. */
  accuracy: number | null;
  logTime: number | null;
  error: boolean;
  /**
   * Training was stopped at the preset's time limit (rotten): its time is the limit, not what the configuration
   * would take, so it is a target of its own (the chance of being stopped), not a time.
   */
  stopped: boolean;
  /** The training seed the trial ran with (null: unknown). */
  seed: number | null;
  /** `<journal file>#<method>#<index>`, for messages. */
  source: string;
}

export function encodeAssignments(parameters: readonly Parameter[], a: Assignments): number[] {
  return parameters.map((p) => {
    const v = a[p.name];
    if (v === undefined) throw new Error(`assignments lack parameter ${p.name}`);
    if (p.type === 'categorical') {
      const names = categoricalNames(p);
      const i = names.indexOf(String(v));
      if (i < 0) throw new Error(`parameter ${p.name}: ${JSON.stringify(v)} is not one of ${names.join(', ')}`);
      return i;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`parameter ${p.name}: expected a number, got ${JSON.stringify(v)}`);
    }
    return v;
  });
}

export function configurationKey(x: readonly number[]): string {
  return x.map((v) => Number(v.toPrecision(10))).join('|');
}

/** Every trial of the archive as a row (a trial with non-positive time is an error: it measured nothing). */
export function archiveRows(study: Study, journals: readonly ArchiveJournal[]): SurrogateRow[] {
  const rows: SurrogateRow[] = [];
  for (const j of journals) {
    for (const t of j.trials) {
      const x = encodeAssignments(study.parameters, t.assignments);
      const acc = t.metrics?.[study.accuracyMetric];
      const time = t.metrics?.[study.timeMetric];
      const ok = acc !== undefined && time !== undefined && Number.isFinite(acc) && Number.isFinite(time) && time > 0;
      rows.push({
        key: configurationKey(x),
        x,
        accuracy: ok ? acc : null,
        logTime: ok ? Math.log(time) : null,
        error: !ok,
        stopped: ok && t.stopped_early === 'time_limit',
        seed: seedOf(j, t.method, t.index),
        source: `${j.file}#${t.method}#${t.index}`,
      });
    }
  }
  return rows;
}

export interface NoiseEstimate {
  /** Configurations trained with more than one seed (with a model each time). */
  groups: number;
  /** Distinct (configuration, seed) trainings in those groups. */
  trainings: number;
  /** Pooled within-configuration standard deviation of the accuracy. */
  accuracySd: number;
  /** Pooled within-configuration standard deviation of log(time). */
  logTimeSd: number;
}

/**
 * Training noise measured on repeated configurations: the pooled within-group standard deviation,
 * sqrt(sum over groups of sum (v - group mean)^2 / sum over groups of (n - 1)), where a group is one configuration
 * within one journal and its members are its distinct training seeds.
 *
 * - Within one journal: a journal is one session of one machine, and times measured in different sessions differ by
 *   the machine's load then (the diatom default run of 2026-11-28, under a load of 3-13, measured inference times
 *   1.4-3.3x those of an idle machine), which is not training noise. The `repeats` design exists to give groups.
 * - Distinct seeds: trainings of one configuration with the same seed (a study's random arm run again) differ only by
 *   the machine's timing and are averaged into one member first: counting them as repeats would pull the accuracy
 *   noise towards 0.
 */
export function measureNoise(rows: readonly SurrogateRow[]): NoiseEstimate {
  const groups = new Map<string, Map<string, SurrogateRow[]>>();
  rows.forEach((r, i) => {
    if (r.error || r.stopped) return; // a stopped training's time is the limit, not a measurement
    const hash = r.source.indexOf('#');
    const journal = hash < 0 ? r.source : r.source.slice(0, hash);
    const key = `${journal}\u0000${r.key}`;
    const g = groups.get(key) ?? new Map<string, SurrogateRow[]>();
    groups.set(key, g);
    const seed = r.seed === null ? `row${i}` : String(r.seed);
    g.set(seed, [...(g.get(seed) ?? []), r]);
  });
  let ssAcc = 0;
  let ssTime = 0;
  let dof = 0;
  let n = 0;
  let count = 0;
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  for (const bySeed of groups.values()) {
    if (bySeed.size < 2) continue;
    const members = [...bySeed.values()].map((rs) => ({
      accuracy: mean(rs.map((r) => r.accuracy!)),
      logTime: mean(rs.map((r) => r.logTime!)),
    }));
    count++;
    n += members.length;
    dof += members.length - 1;
    const ma = mean(members.map((m) => m.accuracy));
    const mt = mean(members.map((m) => m.logTime));
    for (const m of members) {
      ssAcc += (m.accuracy - ma) ** 2;
      ssTime += (m.logTime - mt) ** 2;
    }
  }
  return {
    groups: count,
    trainings: n,
    accuracySd: dof ? Math.sqrt(ssAcc / dof) : 0,
    logTimeSd: dof ? Math.sqrt(ssTime / dof) : 0,
  };
}
