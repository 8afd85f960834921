/**
 * The OFFICIAL sigopt Python client's current API (projects, AI experiments, training runs: ai-module.ts) against a
 * real `serve` child process:
 * - scripts/sigopt_current_api.py: SigOpt's README flow (`create_experiment`, `experiment.loop()`, `run.params`,
 *   `run.log_metric`) on the Franke function, then a crashing run, an AI experiment update, a plain run with a
 *   checkpoint, `upload_runs` and archiving;
 * - the client's own integration tests (`integration_test/`, all of them, unmodified, with pytest), whose results are
 *   checked one by one from pytest's JUnit report;
 * - two tokens of one client (tokens.ts): what tokens/self, clients/{id} and organizations/{id} say of them, and one
 *   token's run in the other's AI experiment.
 *
 * Fails (never skips) when Python, the client or its test dependencies are missing, saying how to get them.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, serverWithToken, type ChildServer } from './harness.ts';
import { CLIENT_DIR, PYTHON, requireClient } from './python-client.ts';
import { SqliteStorage } from '../src/storage/sqlite.ts';
import { createToken } from '../src/tokens.ts';

const FRANKE_MAX = 1.2197;

function run(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.once('error', reject);
    p.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the official sigopt client, current API (projects, AI experiments, training runs)', () => {
  let dir: string;
  let server: ChildServer | undefined;
  let token: string;
  const env = (project: string, extraPath: string[] = []) => ({
    SIGOPT_API_URL: server!.url,
    SIGOPT_API_TOKEN: token,
    SIGOPT_PROJECT: project,
    PYTHONPATH: [...extraPath, CLIENT_DIR!].join(path.delimiter),
  });

  let served: Awaited<ReturnType<typeof serverWithToken>> | undefined;
  beforeAll(async () => {
    served = await serverWithToken('pb-sigopt-current-');
    ({ dir, server, token } = served);
  });

  afterAll(async () => {
    await served?.close();
  });

  it("SigOpt's README loop on Franke: 20 runs, best within 0.02 of the maximum, no pile-up; then failures, updates, plain runs, uploads, archiving", async () => {
    requireClient();
    const out = path.join(dir, 'current-api.json');
    const r = await run(
      [path.join(PACKAGE_DIR, 'scripts', 'sigopt_current_api.py'), '--budget', '20', '--out', out],
      env('franke-readme'),
      dir,
      120_000,
    );
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(readFileSync(out, 'utf8'));
    expect(o.project_created).toBe('franke-readme');
    expect(o.project_conflict).toBe('ConflictingProjectException');
    expect(o.experiment.project).toBe('franke-readme');
    // the loop ran the budget, no more, and every run was answered
    const points = o.points as [number, number, number][];
    expect(points).toHaveLength(20);
    expect(o.param_types).toEqual(['float']);
    expect(o.progress).toEqual({ finished: 20, active: 0, total: 20, remaining: 0 });
    const best = Math.max(...points.map((p) => p[2]));
    expect(best).toBeGreaterThan(FRANKE_MAX - 0.02);
    // suggestions do not pile up: at most 3 of 20 within 1e-3 of an earlier one
    let near = 0;
    points.forEach((p, i) => {
      if (points.slice(0, i).some((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) < 1e-3)) near++;
    });
    expect(near).toBeLessThanOrEqual(3);
    // best runs = the best observation's run; every run completed with its own observation and its metadata
    expect(o.best_runs).toHaveLength(1);
    expect(o.best_runs[0].value).toBeCloseTo(best, 12);
    expect(o.runs).toHaveLength(20);
    expect(new Set(o.runs.map((x: { observation: string }) => x.observation)).size).toBe(20);
    for (const x of o.runs) {
      expect(x.state).toBe('completed');
      expect(x.metadata).toEqual({ note: 'franke' });
    }
    // importances (x and y both matter to Franke), stopping advice at the budget
    expect(Object.keys(o.importances).sort()).toEqual(['x', 'y']);
    expect(o.importances.x + o.importances.y).toBeCloseTo(1, 9);
    expect(o.metric_importances).toEqual(['franke']);
    expect(o.stopping).toMatchObject({ should_stop: true });
    expect(o.stopping.reasons).toContain('observation_budget_reached');
    // an exception inside `with run:` fails the run, and its suggestion is answered as a failure
    expect(o.failed_run.state).toBe('failed');
    expect(o.failed_run.observation).toMatch(/^\d+$/);
    // the integration test's update: bounds widened, name and budget changed; narrowing past an observation refused
    expect(o.updated).toEqual({ name: 'Franke Optimization (wider x)', budget: 25, x_bounds: [0, 2] });
    expect(o.narrowing.status).toBe(400);
    expect(o.narrowing.message).toMatch(/parameters\[0\]\.bounds: an observation has x = .* outside \[0, 0\.1\]/);
    // a run outside experiments keeps what was logged
    expect(o.plain_run).toEqual({
      state: 'completed',
      values: { accuracy: [0.91, 0.01], loss: [0.3, null] },
      assignments: { lr: 0.01, layers: 3 },
      checkpoint_count: 1,
      model: 'cnn',
    });
    expect(o.uploaded).toBe(5);
    expect(o.archived_state).toBe('deleted');
  }, 150_000);

  it("the CLI's start-worker (examples/parallel.py's way of running workers) runs an AI experiment to its budget; a crashing program's runs fail", async () => {
    requireClient();
    const create = await run(
      [
        '-c',
        [
          'import sigopt',
          'sigopt.create_project()',
          'e = sigopt.create_experiment(name="worker", parameters=[dict(name="x", type="double", bounds=dict(min=0, max=50))],',
          '  metrics=[dict(name="holdout_accuracy", objective="maximize")], budget=4)',
          'c = sigopt.create_experiment(name="crashing", parameters=[dict(name="x", type="double", bounds=dict(min=0, max=50))],',
          '  metrics=[dict(name="holdout_accuracy", objective="maximize")], budget=2)',
          'print(e.id, c.id)',
        ].join('\n'),
      ],
      env('workers'),
      dir,
      30_000,
    );
    expect(create.code, create.stderr).toBe(0);
    const [good, crashing] = create.stdout.trim().split(' ');
    const model = path.join(PACKAGE_DIR, 'scripts', 'sigopt_worker_model.py');
    const worker = await run(['-m', 'sigopt.cli', 'start-worker', good, PYTHON, model], env('workers'), dir, 120_000);
    expect(worker.code, worker.stderr).toBe(0);
    const crashed = await run(
      ['-m', 'sigopt.cli', 'start-worker', crashing, PYTHON, model, '--crash'],
      env('workers'),
      dir,
      120_000,
    );
    expect(crashed.code, crashed.stderr).toBe(0);
    expect(crashed.stderr).toMatch(/training crashed/);
    const summary = await run(
      [
        '-c',
        [
          'import json, sys, sigopt',
          'out = {}',
          'for i in sys.argv[1:]:',
          '  e = sigopt.get_aiexperiment(i)',
          '  runs = list(e.get_runs())',
          '  out[i] = dict(finished=e.progress.finished_run_count, remaining=e.progress.remaining_budget,',
          '    states=sorted(r.state for r in runs), values=[r.values["holdout_accuracy"].value for r in runs if r.values])',
          'print(json.dumps(out))',
        ].join('\n'),
        good,
        crashing,
      ],
      env('workers'),
      dir,
      30_000,
    );
    expect(summary.code, summary.stderr).toBe(0);
    const o = JSON.parse(summary.stdout);
    expect(o[good]).toMatchObject({
      finished: 4,
      remaining: 0,
      states: ['completed', 'completed', 'completed', 'completed'],
    });
    expect(o[good].values).toHaveLength(4);
    expect(o[crashing]).toMatchObject({ finished: 2, remaining: 0, states: ['failed', 'failed'], values: [] });
  }, 300_000);

  it("two tokens of one client (the token CLI's --client, --user): tokens/self, clients/{id} and organizations/{id} name them; the second token runs the first one's AI experiment", async () => {
    requireClient();
    // a second token of the served token's client, made while the server runs (as `token create --client` does)
    const db = SqliteStorage.open(path.join(dir, 'server.db'));
    // the served token was made without --client: its client, organization and user have its id
    const firstId = token.split('.')[0];
    const first = { client: firstId, user: firstId };
    const second = (await createToken(db, 'colleague', { client: first.client, user: 'colleague' })).token;
    await db.close();
    const whoAmI = [
      'import json, sigopt',
      'from sigopt.interface import get_connection',
      'c = get_connection()',
      't = c.tokens("self").fetch()',
      'cl = c.clients(t.client).fetch()',
      'org = c.organizations(cl.organization).fetch()',
      'page = c.organizations().fetch()',
      'print(json.dumps(dict(client=t.client, user=t.user, client_name=cl.name, organization=cl.organization,',
      '  org_id=org.id, org_name=org.name, listed=[o.id for o in page.data])))',
    ].join('\n');
    const me = await run(['-c', whoAmI], env('colleagues'), dir, 30_000);
    expect(me.code, me.stderr).toBe(0);
    const other = await run(['-c', whoAmI], { ...env('colleagues'), SIGOPT_API_TOKEN: second }, dir, 30_000);
    expect(other.code, other.stderr).toBe(0);
    const [a, b] = [JSON.parse(me.stdout), JSON.parse(other.stdout)];
    expect(a).toEqual({
      client: first.client,
      user: first.user,
      client_name: 'sigopt-python',
      organization: first.client,
      org_id: first.client,
      org_name: 'sigopt-python',
      listed: [first.client],
    });
    expect(b).toEqual({ ...a, user: second.split('.')[0] });
    // the first token makes a project and an AI experiment; the second runs a trial of it, which the first sees
    const create = await run(
      [
        '-c',
        [
          'import sigopt',
          'sigopt.create_project()',
          'e = sigopt.create_experiment(name="shared", parameters=[dict(name="x", type="double", bounds=dict(min=0, max=1))],',
          '  metrics=[dict(name="v", objective="maximize")], budget=3)',
          'print(e.id)',
        ].join('\n'),
      ],
      env('colleagues'),
      dir,
      30_000,
    );
    expect(create.code, create.stderr).toBe(0);
    const id = create.stdout.trim();
    const trial = await run(
      [
        '-c',
        [
          'import json, sys, sigopt',
          'e = sigopt.get_aiexperiment(sys.argv[1])',
          'with e.create_run() as r:',
          '  r.log_metric("v", r.params.x)',
          'print(json.dumps(dict(user=e.user)))',
        ].join('\n'),
        id,
      ],
      { ...env('colleagues'), SIGOPT_API_TOKEN: second },
      dir,
      60_000,
    );
    expect(trial.code, trial.stderr).toBe(0);
    expect(JSON.parse(trial.stdout).user).toBe(first.user);
    const seen = await run(
      [
        '-c',
        [
          'import json, sys, sigopt',
          'e = sigopt.get_aiexperiment(sys.argv[1])',
          'print(json.dumps(dict(finished=e.progress.finished_run_count, users=[r.user for r in e.get_runs()])))',
        ].join('\n'),
        id,
      ],
      env('colleagues'),
      dir,
      30_000,
    );
    expect(seen.code, seen.stderr).toBe(0);
    expect(JSON.parse(seen.stdout)).toEqual({ finished: 1, users: [second.split('.')[0]] });
  }, 150_000);

  it("the client's own integration tests, unmodified: every one passes but one that reads xgboost >= 2.0's booster config", async () => {
    requireClient(['pytest', 'xgboost', 'sklearn']);
    // the tests expect their projects to exist, as on SigOpt
    const setup = await run(
      ['-c', 'import sigopt; sigopt.create_project(); sigopt.create_project("dev-sigopt-xgb-integration-test")'],
      env('integration-test'),
      dir,
      30_000,
    );
    expect(setup.code, setup.stderr).toBe(0);
    const junit = path.join(dir, 'integration.xml');
    const r = await run(
      [
        '-m',
        'pytest',
        '-q',
        '-p',
        'no:cacheprovider',
        `--junitxml=${junit}`,
        path.join(CLIENT_DIR!, 'integration_test'),
      ],
      env('integration-test', [path.join(PACKAGE_DIR, 'test', 'python-shim')]),
      dir,
      600_000,
    );
    const xml = readFileSync(junit, 'utf8');
    const cases = [
      ...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g),
    ].map((m) => ({ name: `${m[1].split('.').pop()}::${m[2]}`, body: m[4] ?? '' }));
    const failed = cases.filter((c) => /<(failure|error)/.test(c.body));
    const skipped = cases.filter((c) => /<skipped/.test(c.body));
    expect(cases.length, r.stdout.slice(-2000)).toBeGreaterThanOrEqual(30);
    expect(skipped).toEqual([]);
    // test_provided_run trains a booster and reads learner.gradient_booster.tree_train_param from its saved config,
    // a key xgboost added in 2.0 (Debian 12 ships 1.7.4): it fails after every request to the server succeeded.
    const report = failed.map((c) => `${c.name}: ${c.body.slice(-600)}`).join('\n');
    expect(
      failed.map((c) => c.name),
      report,
    ).toEqual(['TestXGBoostRun::test_provided_run']);
    expect(failed[0].body).toMatch(/KeyError: 'tree_train_param'/);
  }, 660_000);
});
