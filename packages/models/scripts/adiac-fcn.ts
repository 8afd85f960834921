/**
 * One correctness measurement: Wang's FCN with Wang's settings (filters 128/256/128, kernels 8/5/3, batch 16,
 * Adam lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8, no decay) on UCR Adiac, validated on the TEST file.
 * Reads the 2015 layout directly (label-first CSV) — a script, not library code; the library loader lives in
 * @paretobench/datasets.
 *   npx tsx packages/models/scripts/adiac-fcn.ts --dir /work/shared/datasets/ucr/Adiac --epochs 300 --out /tmp/adiac
 *     [--deadline-seconds 4000] [--backend wasm]
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, trainFcn, type BackendName } from '../src/index.ts';

function readSplit(file: string): { x: number[][]; labels: string[] } {
  const x: number[][] = [];
  const labels: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const parts = line.split(',');
      const vals = parts.slice(1).map(Number);
      if (vals.some((v) => !Number.isFinite(v))) throw new Error(`${file}:${i + 1}: non-numeric value`);
      labels.push(parts[0].trim());
      x.push(vals);
    });
  return { x, labels };
}

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/work/shared/datasets/ucr/Adiac' },
    epochs: { type: 'string', default: '300' },
    out: { type: 'string', default: '/tmp/adiac-fcn' },
    'deadline-seconds': { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    seed: { type: 'string', default: '1' },
  },
});
const dir = values.dir!;
const name = path.basename(dir);
const train = readSplit(path.join(dir, `${name}_TRAIN`));
const test = readSplit(path.join(dir, `${name}_TEST`));
const length = train.x[0].length;
const classes = [...new Set([...train.labels])].sort((a, b) => Number(a) - Number(b));
const index = new Map(classes.map((c, i) => [c, i]));
let sum = 0;
let sq = 0;
let count = 0;
for (const r of train.x) for (const v of r) (sum += v), (sq += v * v), count++;
const mean = sum / count;
const std = Math.sqrt(sq / count - mean * mean);
const flat = (rows: number[][]) => Float32Array.from(rows.flat().map((v) => (v - mean) / std));
const labels = (ls: string[]) =>
  Int32Array.from(ls, (l) => {
    const k = index.get(l);
    if (k === undefined) throw new Error(`label ${l} not in the training set`);
    return k;
  });
const backend = await initBackend(values.backend as 'auto' | BackendName);
const out = values.out!;
mkdirSync(out, { recursive: true });
const log = path.join(out, 'epochs.jsonl');
writeFileSync(log, '');
const started = new Date().toISOString();
const r = await trainFcn(
  { xTrain: flat(train.x), yTrain: labels(train.labels), xVal: flat(test.x), yVal: labels(test.labels), length, numClasses: classes.length },
  {
    batch_size: 16,
    conv_1_num_filters: 128,
    conv_2_num_filters: 256,
    conv_3_num_filters: 128,
    conv_1_filter_size: 8,
    conv_2_filter_size: 5,
    conv_3_filter_size: 3,
    log_lr: Math.log(1e-3),
    log_beta_1: Math.log(0.1),
    log_beta_2: Math.log(0.001),
    log_epsilon: Math.log(1e-8),
    log_decay: -23,
  },
  {
    epochs: Number(values.epochs),
    seed: Number(values.seed),
    ...(values['deadline-seconds'] ? { timeLimitSeconds: Number(values['deadline-seconds']) } : {}),
    onEpoch: (e) => appendFileSync(log, JSON.stringify(e) + '\n'),
  },
);
const summary = {
  dataset: name,
  backend,
  started,
  finished: new Date().toISOString(),
  train: train.x.length,
  test: test.x.length,
  classes: classes.length,
  length,
  accuracy: r.accuracy,
  epochs: r.epochs,
  stoppedEarly: r.stoppedEarly ?? null,
  trainSeconds: r.trainSeconds,
  inferenceSeconds: r.inferenceSeconds,
  finalLoss: r.history.at(-1)?.loss,
};
writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 2));
