import { describe, expect, it } from 'vitest';
import { surrogateEvaluator } from './evaluator.ts';
import type { Surrogate } from './model.ts';
import type { Preset } from '../studies/presets.ts';

describe('surrogateEvaluator', () => {
  it('lets the event loop run I/O callbacks during every evaluation (child lanes of --jobs are not starved)', async () => {
    const outcome = { failed: false, metrics: { accuracy: 0.5 } };
    const surrogate = { sample: () => outcome } as unknown as Surrogate;
    const evaluator = surrogateEvaluator(surrogate, {} as Preset, 2, 'abc');
    expect(evaluator.backend).toBe('surrogate:abc');
    let immediates = 0;
    for (let i = 0; i < 5; i++) {
      // a callback of the event loop's check phase, as a child's exit or a timer would be handled in its phases
      setImmediate(() => immediates++);
      const r = await evaluator.evaluate(0, {} as never);
      expect(r).toMatchObject(outcome);
      expect(immediates).toBe(i + 1);
    }
  });
});
