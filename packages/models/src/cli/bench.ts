/**
 * Training-throughput benchmark on synthetic data of the studies' shapes (throughput does not depend on values), or
 * for Kim on the real MR sentences, whose varying lengths length bucketing exploits.
 *   tsx packages/models/src/cli/bench.ts --model fcn --filters 128,256,128 --kernels 8,5,3 --batch 16 --epochs 3 --out DIR [--torch]
 *   tsx packages/models/src/cli/bench.ts --model kim --embed 300 --maps 100 --widths 3,4,5 --batch 50 --epochs 2 --out DIR
 *   tsx packages/models/src/cli/bench.ts --model kim --data mr --bucketing off --validate-every 1 --epochs 2 --out DIR
 * Kim: --data mr trains on the real MR sentences (rt-polaritydata from --data-dir or PARETOBENCH_DATA_DIR, else
 * downloaded; split seeded by --seed) and validates on its dev set, where sentence lengths vary (synthetic sentences
 * all have --maxlen tokens); --bucketing on|off picks length-bucketed trimmed batches or batches padded to maxLen
 * (TrainOptions.bucketing; default on); --validate-every n records the dev accuracy after every n-th epoch.
 * --gemm auto|native|xnnpack picks the GEMM behind the wasm kernels (default auto: the native addon when it loads).
 * Writes DIR/bench.json. With --torch (FCN only) also runs packages/models/scripts/fcn_torch_bench.py (PyTorch, 1 thread)
 * in the same run and records the ratio.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadMovieReviews } from '@paretobench/datasets';
import { gemmInUse, initBackend, openBlasCoreOverride, type BackendName } from '../backend.ts';
import { BACKEND_CHOICES } from '../backend-names.ts';
import { trainFcn } from '../fcn.ts';
import { sentenceLengths, trainKimCnn, type KimData } from '../kim-cnn.ts';
import { Rng } from '../rng.ts';

const intList = (s: string, field: string): number[] => {
  const v = s.split(',').map((x) => Number(x.trim()));
  if (v.some((x) => !Number.isInteger(x) || x <= 0))
    throw new Error(`--${field}: expected comma-separated positive integers, got '${s}'`);
  return v;
};

const ArgsSchema = z.object({
  model: z.enum(['fcn', 'kim']),
  out: z.string().min(1),
  epochs: z.coerce.number().int().positive().default(3),
  batch: z.coerce.number().int().positive().optional(),
  filters: z.string().default('128,256,128'),
  kernels: z.string().default('8,5,3'),
  length: z.coerce.number().int().positive().default(176),
  n: z.coerce.number().int().positive().optional(),
  classes: z.coerce.number().int().min(2).default(37),
  embed: z.coerce.number().int().positive().default(300),
  maps: z.coerce.number().int().positive().default(100),
  widths: z.string().default('3,4,5'),
  vocab: z.coerce.number().int().positive().default(18765),
  maxlen: z.coerce.number().int().positive().default(56),
  data: z.enum(['synthetic', 'mr']).default('synthetic'),
  'data-dir': z.string().min(1).optional(),
  bucketing: z.enum(['on', 'off']).default('on'),
  'validate-every': z.coerce.number().int().positive().optional(),
  seed: z.coerce.number().int().default(1),
  backend: z.enum(BACKEND_CHOICES).default('auto'),
  gemm: z.enum(['auto', 'native', 'xnnpack']).default('auto'),
  torch: z.boolean().default(false),
  python: z.string().default(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'),
});

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: Object.fromEntries(
      Object.keys(ArgsSchema.shape).map((k) => [k, { type: k === 'torch' ? 'boolean' : 'string' }]),
    ),
    strict: true,
  });
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) {
    throw new Error('bench: ' + parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const a = parsed.data;
  if (a.model === 'fcn' && (a.data !== 'synthetic' || values.bucketing !== undefined))
    throw new Error('bench: --data and --bucketing apply to --model kim only');
  if (a.data === 'mr')
    for (const k of ['n', 'vocab', 'maxlen'])
      if (values[k] !== undefined) throw new Error(`bench: --${k} applies to synthetic data only, not --data mr`);
  const backend: BackendName = await initBackend(a.backend, { gemm: a.gemm });
  const rng = new Rng(1);
  const epochSeconds: number[] = [];
  const epochCpuSeconds: number[] = [];
  let cpuMark = process.cpuUsage();
  const onEpoch = (e: { epoch: number; seconds: number }) => {
    const c = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    epochSeconds.push(e.seconds);
    epochCpuSeconds.push((c.user + c.system) / 1e6);
    console.error(`epoch ${e.epoch}: ${e.seconds.toFixed(3)} s (cpu ${epochCpuSeconds.at(-1)!.toFixed(3)} s)`);
  };
  let result: Record<string, unknown>;
  if (a.model === 'fcn') {
    const filters = intList(a.filters, 'filters');
    const kernels = intList(a.kernels, 'kernels');
    if (filters.length !== 3 || kernels.length !== 3) throw new Error('--filters and --kernels need 3 values each');
    const n = a.n ?? 390;
    const batch = a.batch ?? 16;
    const xTrain = Float32Array.from({ length: n * a.length }, () => rng.normal());
    const yTrain = Int32Array.from({ length: n }, (_, i) => i % a.classes);
    const r = await trainFcn(
      {
        xTrain,
        yTrain,
        xVal: xTrain.slice(0, 64 * a.length),
        yVal: yTrain.slice(0, 64),
        length: a.length,
        numClasses: a.classes,
      },
      {
        batch_size: batch,
        conv_1_num_filters: filters[0],
        conv_2_num_filters: filters[1],
        conv_3_num_filters: filters[2],
        conv_1_filter_size: kernels[0],
        conv_2_filter_size: kernels[1],
        conv_3_filter_size: kernels[2],
        log_lr: Math.log(1e-3),
        log_beta_1: Math.log(0.1),
        log_beta_2: Math.log(0.001),
        log_epsilon: Math.log(1e-8),
        log_decay: -23,
      },
      { epochs: a.epochs, seed: 1, onEpoch },
    );
    const med = median(epochSeconds);
    result = {
      model: 'fcn',
      backend: r.backend,
      shapes: { n, length: a.length, classes: a.classes, filters, kernels, batch },
      epoch_seconds: epochSeconds,
      epoch_seconds_median: med,
      epoch_cpu_seconds: epochCpuSeconds,
      epoch_cpu_seconds_median: median(epochCpuSeconds),
      samples_per_second: n / med,
    };
    if (a.torch) {
      const script = path.join(
        path.dirname(fileURLToPath(import.meta.url)),
        '..',
        '..',
        'scripts',
        'fcn_torch_bench.py',
      );
      const outFile = path.join(a.out, 'torch.json');
      const torchCoreType = process.env.OPENBLAS_CORETYPE ? null : openBlasCoreOverride();
      mkdirSync(a.out, { recursive: true });
      execFileSync(
        a.python,
        [
          script,
          '--filters',
          filters.join(','),
          '--kernels',
          kernels.join(','),
          '--batch',
          String(batch),
          '--epochs',
          String(a.epochs),
          '--n',
          String(n),
          '--length',
          String(a.length),
          '--classes',
          String(a.classes),
          '--threads',
          '1',
          '--out',
          outFile,
        ],
        {
          stdio: ['ignore', 'inherit', 'inherit'],
          // PyTorch's BLAS (Debian: OpenBLAS through libblas.so.3) falls back as ours did: same kernel family for both
          env: { ...process.env, ...(torchCoreType ? { OPENBLAS_CORETYPE: torchCoreType } : {}) },
        },
      );
      const torch = JSON.parse(readFileSync(outFile, 'utf8')) as {
        epoch_seconds_median: number;
        epoch_cpu_seconds_median: number;
      };
      result.torch = { ...torch, openblas_coretype: torchCoreType ?? process.env.OPENBLAS_CORETYPE ?? null };
      result.ratio_to_torch_1thread = med / torch.epoch_seconds_median;
      result.cpu_ratio_to_torch_1thread = median(epochCpuSeconds) / torch.epoch_cpu_seconds_median;
    }
  } else {
    const widths = intList(a.widths, 'widths');
    if (widths.length !== 3) throw new Error('--widths needs 3 values');
    const batch = a.batch ?? 50;
    let data: KimData;
    if (a.data === 'mr') {
      const ds = await loadMovieReviews({ dataDir: a['data-dir'] ?? process.env.PARETOBENCH_DATA_DIR, seed: a.seed });
      data = {
        xTrain: ds.train.x,
        yTrain: ds.train.y,
        xVal: ds.dev.x,
        yVal: ds.dev.y,
        maxLen: ds.maxLen,
        vocabSize: ds.vocabSize,
      };
    } else {
      const n = a.n ?? 9662;
      const xTrain = Int32Array.from({ length: n * a.maxlen }, () => 1 + rng.int(a.vocab - 1));
      const yTrain = Int32Array.from({ length: n }, (_, i) => i % 2);
      data = {
        xTrain,
        yTrain,
        xVal: xTrain.slice(0, 1000 * a.maxlen),
        yVal: yTrain.slice(0, 1000),
        maxLen: a.maxlen,
        vocabSize: a.vocab,
      };
    }
    const n = data.yTrain.length;
    const lengths = sentenceLengths(data.xTrain, data.maxLen);
    const r = await trainKimCnn(
      data,
      {
        dropout_rate: 0.5,
        log_learning_rate: Math.log(1e-3),
        max_grad_norm: 3,
        epochs: a.epochs,
        batch_size: batch,
        embed_dim: a.embed,
        filter_size_1: widths[0],
        filter_size_2: widths[1],
        filter_size_3: widths[2],
        num_feature_maps: a.maps,
      },
      {
        seed: a.seed,
        onEpoch,
        bucketing: a.bucketing === 'on',
        ...(a['validate-every'] !== undefined ? { validateEvery: a['validate-every'] } : {}),
      },
    );
    const med = median(epochSeconds);
    result = {
      model: 'kim',
      backend: r.backend,
      data: a.data,
      bucketing: a.bucketing,
      seed: a.seed,
      shapes: {
        n,
        maxLen: data.maxLen,
        vocab: data.vocabSize,
        mean_length: lengths.reduce((x, l) => x + l, 0) / n,
        embed: a.embed,
        maps: a.maps,
        widths,
        batch,
      },
      epoch_seconds: epochSeconds,
      epoch_seconds_median: med,
      epoch_cpu_seconds: epochCpuSeconds,
      epoch_cpu_seconds_median: median(epochCpuSeconds),
      samples_per_second: n / med,
      inference_seconds: r.inferenceSeconds,
      val_accuracy: r.history.map((h) => h.valAccuracy ?? null),
      accuracy: r.accuracy,
      loss: r.history.map((h) => h.loss),
    };
  }
  result.host = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    loadavg_1min: os.loadavg()[0],
    node: process.version,
  };
  result.backend_requested = a.backend;
  result.backend_used = backend;
  result.gemm_requested = a.gemm;
  result.gemm_used = gemmInUse();
  mkdirSync(a.out, { recursive: true });
  writeFileAtomic.sync(path.join(a.out, 'bench.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
