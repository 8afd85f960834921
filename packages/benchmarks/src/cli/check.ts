/**
 * Compare:  npx nx run benchmarks:check [-- --results reports --baselines reports/baselines] [--strict]
 *   Exits 1 (with a table) when a figure regressed beyond its baseline tolerance.
 * Write:    npx nx run benchmarks:check -- --write-baselines --from DIR1,DIR2,DIR3[,...] [--baselines DIR] [--data-dir D]
 *   One baseline per summary name from K >= 3 results folders of repeated runs (check/write-baseline.ts).
 *   `npx nx run benchmarks:baselines` runs the CI regression suite K times and calls this.
 */
import { parseArgs } from 'node:util';
import { runCheck } from '../check/run-check.ts';
import { writeBaselines } from '../check/write-baseline.ts';

try {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      results: { type: 'string', default: 'reports' },
      baselines: { type: 'string', default: 'reports/baselines' },
      strict: { type: 'boolean', default: false },
      'write-baselines': { type: 'boolean', default: false },
      from: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (values['write-baselines']) {
    if (!values.from)
      throw new Error('--write-baselines needs --from DIR1,DIR2,DIR3 (results folders of repeated runs)');
    const { text } = await writeBaselines({
      from: values.from.split(',').filter(Boolean),
      baselines: values.baselines,
      dataDir: values['data-dir'] ?? process.env.PARETOBENCH_DATA_DIR,
    });
    process.stdout.write(text + '\n');
    process.exit(0);
  }
  if (values.from) throw new Error('--from is only for --write-baselines');
  const report = runCheck({ results: values.results, baselines: values.baselines, strict: values.strict });
  process.stdout.write(report.text + '\n');
  process.exit(report.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(2);
}
