import { describe, expect, it } from 'vitest';
import { ehvi2d, hvi2d, logEhvi2d, logEhvi2dBatch, logEhvi2dPrepared, prepareEhvi2d } from './log-ehvi.ts';
import { hypervolume } from '../multi-objective/hypervolume.ts';
import { normalCdf, normalPdf } from '../math/normal.ts';
import { Rng } from '../math/rng.ts';
import { logH } from './log-ei.ts';

const FRONT = [
  [1, 3],
  [2, 2],
  [3, 1],
];
const REF: [number, number] = [0, 0];

/** Plain Monte-Carlo EHVI with pseudo-random normals; returns the estimate and its standard error. */
function mcEstimate(mu: number[], sigma: number[], front: number[][], ref: [number, number], n: number, seed: number) {
  const rng = new Rng(seed);
  const prep = prepareEhvi2d(front, ref);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const y0 = mu[0] + sigma[0] * rng.normal();
    const y1 = mu[1] + sigma[1] * rng.normal();
    const { xb, yl, nCells } = prep;
    // inline HVI (same as hvi2dPrepared, kept here so the estimator does not depend on the code under test's
    // decomposition beyond prepareEhvi2d, which the hvi2d-vs-hypervolume test checks independently)
    let v = 0;
    for (let c = 0; c < nCells; c++) {
      const xu = c + 1 < nCells ? xb[c + 1] : Infinity;
      const w = Math.min(y0, xu) - xb[c];
      const h = y1 - yl[c];
      if (w > 0 && h > 0) v += w * h;
    }
    s += v;
    s2 += v * v;
  }
  const m = s / n;
  return { mean: m, se: Math.sqrt(Math.max(0, s2 / n - m * m) / n) };
}

/** Direct (not log-space) closed form, for moderate arguments only. */
function ehviDirect(mu: number[], sigma: number[], front: number[][], ref: number[]): number {
  const h = (z: number) => normalPdf(z) + z * normalCdf(z);
  const q = front.slice().sort((a, b) => a[0] - b[0]);
  const K = q.length;
  const xb = [ref[0], ...q.map((p) => p[0])];
  const yl = [...q.map((p) => p[1]), ref[1]];
  let tot = 0;
  for (let i = 0; i <= K; i++) {
    const a = h((mu[0] - xb[i]) / sigma[0]) - (i < K ? h((mu[0] - xb[i + 1]) / sigma[0]) : 0);
    tot += sigma[0] * sigma[1] * a * h((mu[1] - yl[i]) / sigma[1]);
  }
  return tot;
}

describe('logH = log(phi(z) + z Phi(z))', () => {
  it('matches 60-digit mpmath values from the centre to the far tail', () => {
    const known: [number, number][] = [
      [3, 1.0987396653277077],
      [0, -0.9189385332046728],
      [-1, -2.4851210257126413],
      [-5, -16.74430116266099],
      [-10, -55.55312203612235],
      [-30, -457.724653760598],
      [-100, -5010.12957880025],
      [-1000, -500014.73445209116],
    ];
    for (const [z, v] of known) expect(Math.abs(logH(z) - v)).toBeLessThan(1e-13 * Math.max(1, Math.abs(v)));
  });
  it('is continuous and increasing across the branch switches at -1 and -20', () => {
    for (const zc of [-1, -20]) {
      const e = 1e-9;
      expect(Math.abs(logH(zc - e) - logH(zc + e))).toBeLessThan(1e-6);
      expect(logH(zc - e)).toBeLessThan(logH(zc + e));
    }
    let prev = -Infinity;
    for (let z = -200; z <= 10; z += 0.37) {
      const v = logH(z);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });
});

describe('2-D hypervolume improvement', () => {
  it('hvi2d equals HV(front + p) - HV(front) for random fronts and points', () => {
    const rng = new Rng(4);
    for (let t = 0; t < 200; t++) {
      const front = Array.from({ length: 1 + rng.int(8) }, () => [rng.uniform(-0.5, 2), rng.uniform(-0.5, 2)]);
      const p = [rng.uniform(-0.5, 2.5), rng.uniform(-0.5, 2.5)];
      const ref: [number, number] = [0, 0];
      const expected = hypervolume([...front, p], ref) - hypervolume(front, ref);
      expect(hvi2d(p, front, ref)).toBeCloseTo(expected, 12);
    }
  });
  it('hand example', () => {
    expect(hvi2d([4, 4], FRONT, REF)).toBe(10);
    expect(hvi2d([2.5, 2.5], FRONT, REF)).toBe(1.25);
    expect(hvi2d([1.5, 1.5], FRONT, REF)).toBe(0);
  });
});

describe('logEhvi2d: exact EHVI (maximisation)', () => {
  const cases: {
    name: string;
    mu: [number, number];
    sigma: [number, number];
    front: number[][];
    ref: [number, number];
  }[] = [
    { name: 'centre of a 3-point front', mu: [2, 2], sigma: [1, 1], front: FRONT, ref: REF },
    { name: 'below the front, anisotropic', mu: [0.5, 0.5], sigma: [0.3, 2], front: FRONT, ref: REF },
    { name: 'well above the front', mu: [4, 4], sigma: [0.5, 0.5], front: FRONT, ref: REF },
    { name: 'empty front', mu: [0.3, -0.2], sigma: [1, 0.7], front: [], ref: REF },
    { name: 'single point, shifted ref', mu: [1.2, 0.9], sigma: [0.4, 0.6], front: [[1.5, 1]], ref: [0.5, 0.2] },
    {
      name: 'front with dominated, duplicate and out-of-ref points',
      mu: [1.8, 2.1],
      sigma: [0.8, 0.5],
      front: [
        [1, 3],
        [2, 2],
        [3, 1],
        [2, 2],
        [1.5, 1.5],
        [4, -1],
        [-1, 5],
      ],
      ref: REF,
    },
  ];

  for (const c of cases) {
    it(`equals a 1e6-sample Monte-Carlo estimate within 4 standard errors: ${c.name}`, () => {
      const exact = ehvi2d(c.mu, c.sigma, c.front, c.ref);
      const mc = mcEstimate(c.mu, c.sigma, c.front, c.ref, 1_000_000, 2024);
      expect(exact).toBeGreaterThan(0);
      expect(Math.abs(exact - mc.mean)).toBeLessThan(4 * mc.se);
      // exp(log EHVI) equals the direct closed form
      const direct = ehviDirect(
        c.mu,
        c.sigma,
        prepareEhvi2d(c.front, c.ref).front.map((p) => [...p]),
        c.ref,
      );
      expect(Math.abs(Math.exp(logEhvi2d(c.mu, c.sigma, c.front, c.ref)) - direct)).toBeLessThan(1e-12 * direct);
    });
  }

  it('the Monte-Carlo check has power: a 2% error in EHVI would be detected', () => {
    const c = cases[0];
    const mc = mcEstimate(c.mu, c.sigma, c.front, c.ref, 1_000_000, 7);
    expect(0.02 * ehvi2d(c.mu, c.sigma, c.front, c.ref)).toBeGreaterThan(8 * mc.se);
  });

  it('empty front: EHVI = s0 h(z0) s1 h(z1)', () => {
    const h = (z: number) => normalPdf(z) + z * normalCdf(z);
    const v = ehvi2d([0.3, -0.2], [1, 0.7], [], [0, 0]);
    expect(v).toBeCloseTo(1 * h(0.3) * 0.7 * h(-0.2 / 0.7), 14);
  });

  it('stays finite and decreases monotonically as the mean moves far below the frontier (mpmath values)', () => {
    // log EHVI at mu = (2 - k, 2 - k), sigma = (1, 1), front (1,3),(2,2),(3,1), ref (0,0): 60-digit mpmath
    const known: [number, number][] = [
      [0, -0.15155738611559072],
      [10, -100.57707604215499],
      [50, -2467.1277403462536],
      [100, -9919.918939691632],
      [1000, -999029.1468275188],
    ];
    for (const [k, v] of known) {
      const got = logEhvi2d([2 - k, 2 - k], [1, 1], FRONT, REF);
      expect(Math.abs(got - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
    }
    expect(Math.exp(logEhvi2d([-48, -48], [1, 1], FRONT, REF))).toBe(0); // plain EHVI underflows here
    let prev = Infinity;
    for (let k = 0; k <= 60; k += 0.5) {
      const v = logEhvi2d([2 - k, 2 - k], [1, 1], FRONT, REF);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeLessThan(prev);
      prev = v;
    }
    // one coordinate far below only
    expect(Math.abs(logEhvi2d([-40, 1.5], [2, 0.5], FRONT, REF) - -214.7792769461138)).toBeLessThan(1e-11 * 214.8);
    expect(Math.abs(logEhvi2d([2.5, -30], [0.1, 1], FRONT, REF) - -476.7715350439779)).toBeLessThan(1e-11 * 476.8);
  });

  it('is increasing in each mean everywhere along a line through the front', () => {
    let prev = -Infinity;
    for (let t = -30; t <= 6; t += 0.25) {
      const v = logEhvi2d([t, 2], [0.3, 0.3], FRONT, REF);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });

  it('noiseless limit: sigma = 0 gives log HVI, and a tiny sigma approaches it', () => {
    expect(logEhvi2d([2.5, 2.5], [0, 0], FRONT, REF)).toBeCloseTo(Math.log(1.25), 14);
    expect(logEhvi2d([1.5, 1.5], [0, 0], FRONT, REF)).toBe(-Infinity);
    expect(logEhvi2d([2.5, 2.5], [1e-9, 1e-9], FRONT, REF)).toBeCloseTo(Math.log(1.25), 6);
    // one noiseless objective: E over Y1 only
    const mc = mcEstimate([2.5, 2], [0, 0.5], FRONT, REF, 400_000, 3);
    expect(Math.abs(ehvi2d([2.5, 2], [0, 0.5], FRONT, REF) - mc.mean)).toBeLessThan(4 * mc.se);
  });

  it('is continuous when two front points nearly coincide (narrow strips)', () => {
    const a = logEhvi2d(
      [1.7, 1.9],
      [0.5, 0.5],
      [
        [1, 3],
        [2, 2],
      ],
      REF,
    );
    const b = logEhvi2d(
      [1.7, 1.9],
      [0.5, 0.5],
      [
        [1, 3],
        [2, 2],
        [2 + 1e-9, 2 - 1e-9],
      ],
      REF,
    );
    expect(Math.abs(a - b)).toBeLessThan(1e-8);
    const far = logEhvi2d(
      [-20, -20],
      [0.5, 0.5],
      [
        [1, 3],
        [2, 2],
        [2 + 1e-9, 2 - 1e-9],
      ],
      REF,
    );
    const farRef = logEhvi2d(
      [-20, -20],
      [0.5, 0.5],
      [
        [1, 3],
        [2, 2],
      ],
      REF,
    );
    expect(Math.abs(far - farRef)).toBeLessThan(1e-6);
  });

  it('rejects bad input naming the field', () => {
    expect(() => logEhvi2d([0, 0], [-1, 1], FRONT, REF)).toThrow(/sigma/);
    expect(() => logEhvi2d([0, 0], [1, 1], [[1, 2, 3]], REF)).toThrow(/front\[0\]/);
    expect(() =>
      prepareEhvi2d(
        [
          [1, 2],
          [Infinity, 0],
        ],
        REF,
      ),
    ).toThrow(/front\[1\] must be two finite numbers/);
    expect(() => logEhvi2d([0, 0], [1, 1], FRONT, [0, NaN] as [number, number])).toThrow(/ref/);
  });
});

describe('logEhvi2dBatch', () => {
  it('agrees with the scalar path for random candidates (incl. far-away and noiseless ones)', () => {
    const rng = new Rng(8);
    const front = Array.from({ length: 25 }, () => {
      const a = rng.uniform(0, Math.PI / 2);
      return [Math.cos(a), Math.sin(a)];
    });
    const prep = prepareEhvi2d(front, [0, 0]);
    const n = 500;
    const mu0 = new Float64Array(n);
    const mu1 = new Float64Array(n);
    const s0 = new Float64Array(n);
    const s1 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      mu0[i] = rng.uniform(-20, 2);
      mu1[i] = rng.uniform(-20, 2);
      s0[i] = i % 50 === 0 ? 0 : rng.uniform(0.01, 1);
      s1[i] = rng.uniform(0.01, 1);
    }
    const out = logEhvi2dBatch(prep, mu0, mu1, s0, s1, new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const scalar = logEhvi2d([mu0[i], mu1[i]], [s0[i], s1[i]], front, [0, 0]);
      if (scalar === -Infinity) expect(out[i]).toBe(-Infinity);
      else expect(Math.abs(out[i] - scalar)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(scalar)));
      expect(out[i]).toBe(logEhvi2dPrepared(prep, mu0[i], mu1[i], s0[i], s1[i]));
    }
  });
  it('checks lengths', () => {
    const prep = prepareEhvi2d(FRONT, REF);
    const a = new Float64Array(3);
    expect(() => logEhvi2dBatch(prep, a, a, a, new Float64Array(2), a)).toThrow(/equal lengths/);
  });
});

describe('ehvi2d against Monte Carlo', () => {
  it('equals the mean hypervolume improvement of Gaussian draws (4 standard errors)', () => {
    const rng = new Rng(7);
    for (const [mu, s] of [
      [
        [2, 2],
        [1, 1],
      ],
      [
        [0.5, 0.5],
        [0.3, 2],
      ],
      [
        [4, 4],
        [0.5, 0.5],
      ],
    ] as number[][][]) {
      const n = 40000;
      let sum = 0;
      let sum2 = 0;
      for (let k = 0; k < n; k++) {
        const y = [mu[0] + s[0] * rng.normal(), mu[1] + s[1] * rng.normal()];
        const v = hvi2d(y, FRONT, REF);
        sum += v;
        sum2 += v * v;
      }
      const mean = sum / n;
      const se = Math.sqrt((sum2 / n - mean * mean) / n);
      expect(Math.abs(ehvi2d(mu, s, FRONT, REF) - mean)).toBeLessThan(4 * se + 1e-12);
    }
  });
});
