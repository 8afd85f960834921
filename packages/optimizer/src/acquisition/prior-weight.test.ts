import { describe, expect, it } from 'vitest';
import { PriorWeight } from './prior-weight.ts';
import { SpaceEncoding, parseExperimentConfig } from '../space/space.ts';
import { normalCdf } from '../math/normal.ts';

describe('PriorWeight (πBO factor)', () => {
  const config = parseExperimentConfig({
    parameters: [
      { name: 'x', type: 'double', bounds: { min: 0, max: 2 }, prior: { name: 'normal', mean: 1.5, scale: 0.25 } },
      {
        name: 'lr',
        type: 'double',
        bounds: { min: 1e-4, max: 1 },
        transformation: 'log',
        prior: { name: 'beta', shape_a: 2, shape_b: 2 },
      },
      { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
    ],
    metrics: [{ name: 'f' }],
    observation_budget: 50,
  });
  const enc = new SpaceEncoding(config);

  it('adds (beta / n) times the log prior density in the encoded cube, beta = budget / 10', () => {
    const point = enc.encode({ x: 1.2, lr: 0.01, c: 'b' });
    const got = new PriorWeight(enc, 20, 50).logScore(Float64Array.from(point), 1)[0];
    // x: truncated normal density on [0, 2], times dx/du = 2
    const mass = normalCdf((2 - 1.5) / 0.25) - normalCdf((0 - 1.5) / 0.25);
    const logX =
      -0.5 * ((1.2 - 1.5) / 0.25) ** 2 - 0.5 * Math.log(2 * Math.PI) - Math.log(0.25) - Math.log(mass) + Math.log(2);
    // lr: beta(2, 2) on (lr - min) / (max - min), density 6 z (1 - z) / (max - min), times dlr/du = lr log(max / min)
    const z = (0.01 - 1e-4) / (1 - 1e-4);
    const logLr = Math.log(6 * z * (1 - z)) - Math.log(1 - 1e-4) + Math.log(0.01 * Math.log(1e4));
    expect(got).toBeCloseTo((5 / 20) * (logX + logLr), 10);
    // fades as 1 / n
    expect(new PriorWeight(enc, 40, 50).logScore(Float64Array.from(point), 1)[0]).toBeCloseTo(got / 2, 10);
  });

  it('applies only when a parameter has a prior', () => {
    expect(PriorWeight.applies(enc)).toBe(true);
    const plain = parseExperimentConfig({
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'f' }],
    });
    expect(PriorWeight.applies(new SpaceEncoding(plain))).toBe(false);
  });
});
