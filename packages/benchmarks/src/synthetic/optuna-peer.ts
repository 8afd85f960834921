/**
 * Optuna as a peer: spawns `python3 packages/benchmarks/scripts/optuna_peer.py` and drives it by ask/tell over
 * JSON lines (the protocol is described in that script). The problem stays in TypeScript: Optuna only proposes
 * parameters and is told the values (or the failure) our problem returned.
 *
 * The interpreter is /usr/bin/python3 (Debian's python3-optuna), or PARETOBENCH_PYTHON when set.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Assignments, Parameter } from '@paretobench/optimizer';
import { categoricalNames } from '@paretobench/optimizer';
import { z } from 'zod';
import type { Outcome } from './problems.ts';

export const OPTUNA_SCRIPT = fileURLToPath(new URL('../../scripts/optuna_peer.py', import.meta.url));
export const OPTUNA_INSTALL_HINT = 'install it with: sudo apt-get install -y python3-optuna';

export function optunaPython(): string {
  return process.env.PARETOBENCH_PYTHON ?? '/usr/bin/python3';
}

/** The installed Optuna version, or null with the reason when `python3 -c "import optuna"` fails. */
export function optunaVersion(python = optunaPython()): { version: string } | { error: string } {
  const r = spawnSync(python, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
  if (r.error) return { error: `${python}: ${r.error.message}` };
  if (r.status !== 0) return { error: `${python} cannot import optuna (${r.stderr.trim().split('\n').pop()})` };
  return { version: r.stdout.trim() };
}

export type OptunaSampler = 'tpe' | 'nsga2';

const AnswerSchema = z.union([
  z.object({ error: z.string() }),
  z.object({ trial: z.number().int(), params: z.record(z.string(), z.union([z.number(), z.string()])) }),
  z.object({ ok: z.literal(true), optuna: z.string().optional() }),
  z.object({ trials: z.array(z.object({ number: z.number().int(), constraints: z.array(z.number()).nullable() })) }),
]);
type Answer = z.infer<typeof AnswerSchema>;

function spaceOf(parameters: Parameter[]): unknown[] {
  return parameters.map((p) => {
    if (p.transformation === 'log')
      throw new Error(`optuna peer: parameter ${p.name}: log transformation not supported`);
    if (p.type === 'categorical') return { name: p.name, type: 'categorical', choices: categoricalNames(p) };
    return { name: p.name, type: p.type, low: p.bounds!.min, high: p.bounds!.max };
  });
}

/**
 * An outcome as the Python side takes it: a failure, or values with the observed constraints in Optuna's convention
 * (feasible when <= 0: the slacks negated).
 */
function told(outcome: Outcome): Record<string, unknown> {
  if (outcome.failed) return { failed: true };
  return {
    values: outcome.values,
    ...(outcome.constraints ? { constraints: outcome.constraints.map((c) => -c) } : {}),
  };
}

export class OptunaPeer {
  private readonly lines: Interface;
  private readonly waiting: ((line: string | null) => void)[] = [];
  private readonly buffered: string[] = [];
  private stderr = '';
  private closed = false;
  private pendingTrial: number | null = null;
  version = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(line);
      else this.buffered.push(line);
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    });
  }

  /**
   * Starts the Python side and sends the space and sampler settings. Directions are all 'maximize'. With `constraints`
   * (observed constraints: each outcome's slacks, met when >= 0), the sampler gets Optuna's `constraints_func`.
   */
  static async start(opts: {
    sampler: OptunaSampler;
    seed: number;
    parameters: Parameter[];
    objectives: number;
    constraints?: number;
    python?: string;
  }): Promise<OptunaPeer> {
    const python = opts.python ?? optunaPython();
    const space = spaceOf(opts.parameters); // before the child exists: a space Optuna cannot take leaves no process
    const child = spawn(python, [OPTUNA_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const peer = new OptunaPeer(child);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (e) => reject(new Error(`optuna peer: cannot run ${python}: ${e.message}`)));
    });
    const a = await peer.request({
      op: 'init',
      sampler: opts.sampler,
      seed: opts.seed,
      directions: Array(opts.objectives).fill('maximize'),
      constraints: opts.constraints ?? 0,
      space,
    });
    if ('ok' in a) peer.version = a.optuna ?? '';
    return peer;
  }

  private async request(req: Record<string, unknown>): Promise<Answer> {
    if (this.closed) throw new Error(`optuna peer exited: ${this.stderr.trim() || '(no message)'}`);
    this.child.stdin.write(JSON.stringify(req) + '\n');
    const line =
      this.buffered.length > 0 ? this.buffered.shift()! : await new Promise<string | null>((r) => this.waiting.push(r));
    if (line === null) {
      throw new Error(`optuna peer exited during ${String(req.op)}: ${this.stderr.trim() || '(no message)'}`);
    }
    let parsed: Answer;
    try {
      parsed = AnswerSchema.parse(JSON.parse(line));
    } catch (e) {
      throw new Error(`optuna peer: bad answer to ${String(req.op)}: ${line.slice(0, 200)} (${(e as Error).message})`);
    }
    if ('error' in parsed) throw new Error(`optuna peer: ${parsed.error}`);
    return parsed;
  }

  async ask(): Promise<Assignments> {
    if (this.pendingTrial !== null) throw new Error('optuna peer: ask before the last trial was told');
    const a = await this.request({ op: 'ask' });
    if (!('trial' in a)) throw new Error('optuna peer: ask answered without a trial');
    this.pendingTrial = a.trial;
    return a.params;
  }

  async tell(outcome: Outcome): Promise<void> {
    if (this.pendingTrial === null) throw new Error('optuna peer: tell without an asked trial');
    const trial = this.pendingTrial;
    this.pendingTrial = null;
    await this.request({ op: 'tell', trial, ...told(outcome) });
  }

  /**
   * A trial proposed while others are still out (parallel workers): its Optuna number and parameters, told later with
   * tellTrial(). Not mixed with ask()/tell() on one peer.
   */
  async askTrial(): Promise<{ trial: number; params: Assignments }> {
    const a = await this.request({ op: 'ask' });
    if (!('trial' in a)) throw new Error('optuna peer: ask answered without a trial');
    return { trial: a.trial, params: a.params };
  }

  /** The outcome of a trial from askTrial() (values in maximisation orientation). */
  async tellTrial(trial: number, outcome: Outcome): Promise<void> {
    await this.request({ op: 'tell', trial, ...told(outcome) });
  }

  /** A finished trial Optuna did not propose (a resumed run's earlier trials), recorded with its outcome. */
  async add(params: Assignments, outcome: Outcome): Promise<void> {
    await this.request({ op: 'add', params, ...told(outcome) });
  }

  /** What the study recorded of each trial: the constraint values Optuna's samplers read (null: none). */
  async trials(): Promise<{ number: number; constraints: number[] | null }[]> {
    const a = await this.request({ op: 'trials' });
    if (!('trials' in a)) throw new Error('optuna peer: trials answered without trials');
    return a.trials;
  }

  async close(): Promise<void> {
    if (!this.closed) {
      await this.request({ op: 'close' }).catch(() => undefined);
      this.child.stdin.end();
    }
    this.lines.close();
  }
}
