/**
 * `npx nx run benchmarks:check [-- --results reports --baselines reports/baselines] [--strict] [--write-baselines]`
 * Exits 1 (with a table) when a figure regressed beyond its baseline tolerance.
 */
import { parseArgs } from 'node:util';
import { runCheck } from '../check/run-check.ts';

try {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      results: { type: 'string', default: 'reports' },
      baselines: { type: 'string', default: 'reports/baselines' },
      strict: { type: 'boolean', default: false },
      'write-baselines': { type: 'boolean', default: false },
    },
  });
  const report = runCheck({
    results: values.results,
    baselines: values.baselines,
    strict: values.strict,
    writeBaselines: values['write-baselines'],
  });
  process.stdout.write(report.text + '\n');
  process.exit(report.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(2);
}
