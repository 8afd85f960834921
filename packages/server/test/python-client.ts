/**
 * The OFFICIAL sigopt Python client (shared/vendor/sigopt-python, unmodified) for the compatibility tests: where it
 * is, which interpreter runs it, and a check that fails (never skips) saying how to get what is missing.
 *
 * Needs Debian's python3 (/usr/bin/python3, or PARETOBENCH_PYTHON) with the client's dependencies, and the vendored
 * client (beside the repository in shared/, or SIGOPT_PYTHON_DIR).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_DIR } from './harness.ts';

export const PYTHON = process.env.PARETOBENCH_PYTHON ?? '/usr/bin/python3';
export const CLIENT_DIRS = process.env.SIGOPT_PYTHON_DIR
  ? [process.env.SIGOPT_PYTHON_DIR]
  : [
      path.resolve(PACKAGE_DIR, '..', '..', '..', 'shared', 'vendor', 'sigopt-python'),
      '/work/shared/vendor/sigopt-python',
    ];
export const CLIENT_DIR = CLIENT_DIRS.find((d) => existsSync(path.join(d, 'sigopt', '__init__.py')));
export const INSTALL_HINT =
  'install the client\'s dependencies from Debian: "apt-get install -y --no-install-recommends python3-requests ' +
  'python3-backoff python3-click python3-git python3-png python3-urllib3 python3-yaml python3-pytest ' +
  'python3-xgboost python3-sklearn" (for /usr/bin/python3, or set PARETOBENCH_PYTHON to an interpreter that has ' +
  'them), and keep the vendored client at shared/vendor/sigopt-python beside the repository (or set SIGOPT_PYTHON_DIR)';

/** The client's version, or throws naming what is missing and how to get it; `modules`: more imports to check. */
export function requireClient(modules: string[] = []): string {
  if (CLIENT_DIR === undefined) {
    throw new Error(`the vendored sigopt client is missing (looked in ${CLIENT_DIRS.join(', ')}); ${INSTALL_HINT}`);
  }
  const imports = ['sigopt', ...modules].map((m) => `import ${m}`).join('; ');
  const r = spawnSync(PYTHON, ['-c', `${imports}; print(sigopt.VERSION)`], {
    env: { ...process.env, PYTHONPATH: CLIENT_DIR },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    throw new Error(
      `${PYTHON} cannot import ${['sigopt', ...modules].join(', ')} (client from ${CLIENT_DIR}): ${why}; ${INSTALL_HINT}`,
    );
  }
  return r.stdout.trim();
}
