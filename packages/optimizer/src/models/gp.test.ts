import { describe, expect, it } from 'vitest';
import { GaussianProcess, negLogPosterior, sampleHyperparameters } from './gp.ts';
import { Rng } from '../math/rng.ts';

const matern52 = (r: number) => (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);

describe('GaussianProcess posterior', () => {
  it('matches a hand-computed 2-point case', () => {
    // x = 0 and 0.5 (1-D), y = 1 and -1, length scale 0.5, signal variance 2, noise 1e-6 + e^-5
    const l = 0.5;
    const s2 = 2;
    const noise = 1e-6 + Math.exp(-5);
    const gp = new GaussianProcess(
      Float64Array.from([0, 0.5]),
      Float64Array.from([1, -1]),
      { logLengthscales: [Math.log(l)], logSignalVar: Math.log(s2), logNoiseVar: -5 },
      { mean: 0, std: 1 },
    );
    const k12 = s2 * matern52(0.5 / l);
    const a = s2 + noise;
    const det = a * a - k12 * k12;
    const Kinv = [
      [a / det, -k12 / det],
      [-k12 / det, a / det],
    ];
    const xs = 0.1;
    const ks = [s2 * matern52(Math.abs(xs - 0) / l), s2 * matern52(Math.abs(xs - 0.5) / l)];
    const y = [1, -1];
    let mean = 0;
    let quad = 0;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        mean += ks[i] * Kinv[i][j] * y[j];
        quad += ks[i] * Kinv[i][j] * ks[j];
      }
    const p = gp.predict(Float64Array.from([xs]), 1);
    expect(p.mean[0]).toBeCloseTo(mean, 10);
    expect(p.variance[0]).toBeCloseTo(s2 - quad, 10);
    // and the standardisation is undone: scale y by 3, shift by 5
    const gp2 = new GaussianProcess(Float64Array.from([0, 0.5]), Float64Array.from([8, 2]), gp.hyper, {
      mean: 5,
      std: 3,
    });
    const p2 = gp2.predict(Float64Array.from([xs]), 1);
    expect(p2.mean[0]).toBeCloseTo(5 + 3 * mean, 10);
    expect(p2.variance[0]).toBeCloseTo(9 * (s2 - quad), 10);
  });

  it('predicts a batch (not a multiple of the 8-candidate block) exactly as a dense solve does, point by point', () => {
    const rng = new Rng(11);
    const d = 3;
    const n = 37;
    const X = Float64Array.from({ length: n * d }, () => rng.next());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(5 * X[i * d]) + X[i * d + 1] ** 2);
    const hyper = { logLengthscales: [-1.2, -0.7, 0.3], logSignalVar: 0.4, logNoiseVar: -6 };
    const gp = new GaussianProcess(X, y, hyper);
    const m = 13;
    const Xs = Float64Array.from({ length: m * d }, () => rng.next());
    const batch = gp.predict(Xs, m);
    // dense reference: K^-1 by Gauss-Jordan elimination, mean = k*' K^-1 y~, var = s2 - k*' K^-1 k*
    const ls = hyper.logLengthscales.map(Math.exp);
    const s2 = Math.exp(hyper.logSignalVar);
    const k = (a: Float64Array, ia: number, b: Float64Array, ib: number) => {
      let r2 = 0;
      for (let t = 0; t < d; t++) r2 += ((a[ia + t] - b[ib + t]) / ls[t]) ** 2;
      return s2 * matern52(Math.sqrt(r2));
    };
    const A = Array.from({ length: n }, (_, i) =>
      Array.from({ length: 2 * n }, (_, j) =>
        j < n ? k(X, i * d, X, j * d) + (i === j ? gp.noise : 0) : +(j - n === i),
      ),
    );
    for (let c = 0; c < n; c++) {
      const pivot = A[c][c];
      for (let j = 0; j < 2 * n; j++) A[c][j] /= pivot;
      for (let r = 0; r < n; r++)
        if (r !== c) {
          const f = A[r][c];
          for (let j = 0; j < 2 * n; j++) A[r][j] -= f * A[c][j];
        }
    }
    const ys = Array.from(y, (v) => (v - gp.yMean) / gp.yStd);
    for (let q = 0; q < m; q++) {
      const ks = Array.from({ length: n }, (_, i) => k(Xs, q * d, X, i * d));
      let mean = 0;
      let quad = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          mean += ks[i] * A[i][n + j] * ys[j];
          quad += ks[i] * A[i][n + j] * ks[j];
        }
      expect(batch.mean[q]).toBeCloseTo(gp.yMean + gp.yStd * mean, 8);
      expect(batch.variance[q] / (gp.yStd * gp.yStd)).toBeCloseTo(s2 - quad, 8);
      const single = gp.predict(Xs.subarray(q * d, (q + 1) * d), 1);
      expect(single.mean[0]).toBe(batch.mean[q]);
      expect(single.variance[0]).toBe(batch.variance[q]);
    }
  });
});

describe('condition()', () => {
  it('extends the factor to the model a full factorisation of all the points gives, repeats included', () => {
    const rng = new Rng(21);
    const d = 4;
    const n = 40;
    const q = 5;
    const X = Float64Array.from({ length: n * d }, () => rng.next());
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(4 * X[i * d]) + X[i * d + 2]);
    const hyper = { logLengthscales: [-1, -0.5, 0, 0.5], logSignalVar: 0.2, logNoiseVar: -7 };
    const gp = new GaussianProcess(X, y, hyper);
    const Xe = Float64Array.from({ length: q * d }, () => rng.next());
    Xe.set(X.subarray(0, d), d); // the second extra point repeats an observed input
    const ye = [0.3, y[0], -0.2, 1.1, 0.5];
    const Xall = new Float64Array([...X, ...Xe]);
    const yall = new Float64Array([...y, ...ye]);
    const full = new GaussianProcess(Xall, yall, hyper, { mean: gp.yMean, std: gp.yStd }, gp.noise);
    const Xs = Float64Array.from({ length: 9 * d }, () => rng.next());
    for (const [extra, values] of [
      [Xe, ye],
      [Xe.slice(2 * d), ye.slice(2)],
    ] as const) {
      const inc = gp.condition(extra, values);
      const ref =
        extra === Xe
          ? full
          : new GaussianProcess(
              new Float64Array([...X, ...extra]),
              new Float64Array([...y, ...values]),
              hyper,
              { mean: gp.yMean, std: gp.yStd },
              gp.noise,
            );
      expect(inc.n).toBe(n + values.length);
      const a = inc.predict(Xs, 9);
      const b = ref.predict(Xs, 9);
      for (let i = 0; i < 9; i++) {
        expect(a.mean[i]).toBeCloseTo(b.mean[i], 8);
        expect(a.variance[i]).toBeCloseTo(b.variance[i], 8);
      }
    }
    // without noise an exact repeat leaves a (numerically) zero Schur complement: still the full model's answer
    const exact = new GaussianProcess(X, y, hyper, undefined, 0);
    const rep = exact.condition(X.slice(0, d), [y[0]]);
    const repFull = new GaussianProcess(
      new Float64Array([...X, ...X.slice(0, d)]),
      new Float64Array([...y, y[0]]),
      hyper,
      { mean: exact.yMean, std: exact.yStd },
      0,
    );
    const r1 = rep.predict(Xs, 9).mean;
    const r2 = repFull.predict(Xs, 9).mean;
    for (let i = 0; i < 9; i++) expect(r1[i]).toBeCloseTo(r2[i], 8);
  });
});

describe('negative log posterior', () => {
  it('has analytic gradients that match central finite differences', () => {
    const rng = new Rng(3);
    const n = 12;
    const d = 3;
    const X = Float64Array.from({ length: n * d }, () => rng.next());
    const y = Float64Array.from(
      { length: n },
      (_, i) => Math.sin(6 * X[i * d]) + X[i * d + 1] ** 2 + 0.1 * rng.normal(),
    );
    const theta = Float64Array.from([Math.log(0.3), Math.log(0.7), Math.log(1.5), 0.2, -3]);
    for (const withPriors of [false, true]) {
      const [, g] = negLogPosterior(theta, X, n, d, y, { withPriors });
      for (let k = 0; k < theta.length; k++) {
        const h = 1e-5;
        const tp = Float64Array.from(theta);
        const tm = Float64Array.from(theta);
        tp[k] += h;
        tm[k] -= h;
        const fd =
          (negLogPosterior(tp, X, n, d, y, { withPriors })[0] - negLogPosterior(tm, X, n, d, y, { withPriors })[0]) /
          (2 * h);
        expect(Math.abs(g[k] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it("puts the MAP prior's mode where BoTorch's does: exp(mu - sigma^2) for length scales, exp(-5) for noise", () => {
    // The prior part of the objective is what remains with the likelihood subtracted; minimise it along each
    // coordinate on a grid. On the natural scale (MAP, as GPyTorch's LogNormal priors on the length scale and the
    // noise) the mode sits at mu - sigma^2 in log space; on the log scale (slice sampling of theta) at mu.
    const d = 4;
    const X = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
    const y = [0.5];
    const mu = Math.SQRT2 + 0.5 * Math.log(d);
    const argminPrior = (k: number, natural: boolean): number => {
      let best = Infinity;
      let at = NaN;
      for (let v = -10; v <= 6; v += 0.001) {
        const theta = [0.5, 0.5, 0.5, 0.5, 0, -4];
        theta[k] = v;
        const f =
          negLogPosterior(theta, X, 1, d, y, { natural })[0] -
          negLogPosterior(theta, X, 1, d, y, { withPriors: false })[0];
        if (f < best) [best, at] = [f, v];
      }
      return at;
    };
    expect(argminPrior(0, true)).toBeCloseTo(mu - 3, 2);
    expect(argminPrior(3, true)).toBeCloseTo(mu - 3, 2);
    expect(argminPrior(d + 1, true)).toBeCloseTo(-5, 2);
    expect(argminPrior(d, true)).toBeCloseTo(0, 2); // the signal variance's prior is on log s2 either way
    expect(argminPrior(0, false)).toBeCloseTo(mu, 2);
    expect(argminPrior(d + 1, false)).toBeCloseTo(-4, 2);
  });

  it('equals the closed-form Gaussian log density for one point', () => {
    // n = 1: K = s2 + noise; nll = y^2 / (2K) + log(K)/2 + log(2 pi)/2
    const theta = [0, Math.log(1.5), Math.log(0.5)];
    const K = 1.5 + 1e-6 + 0.5;
    const [f] = negLogPosterior(theta, Float64Array.from([0.3]), 1, 1, [0.8], { withPriors: false });
    expect(f).toBeCloseTo(0.64 / (2 * K) + 0.5 * Math.log(K) + 0.5 * Math.log(2 * Math.PI), 12);
  });
});

describe('GaussianProcess.fit', () => {
  it('learns a smooth function well enough to predict held-out points', () => {
    const rng = new Rng(11);
    const d = 2;
    const f = (a: number, b: number) => Math.sin(3 * a) + 0.5 * Math.cos(5 * b);
    const n = 40;
    const X = Float64Array.from({ length: n * d }, () => rng.next());
    const y = Float64Array.from({ length: n }, (_, i) => f(X[2 * i], X[2 * i + 1]));
    const gp = GaussianProcess.fit(X, y, d, { rng });
    const m = 50;
    const Xs = Float64Array.from({ length: m * d }, () => rng.next());
    const p = gp.predict(Xs, m);
    let se = 0;
    let sv = 0;
    for (let i = 0; i < m; i++) {
      const t = f(Xs[2 * i], Xs[2 * i + 1]);
      se += (p.mean[i] - t) ** 2;
      sv += t * t;
    }
    expect(Math.sqrt(se / m)).toBeLessThan(0.05); // the function's RMS is ~0.8
    expect(Math.sqrt(sv / m)).toBeGreaterThan(0.4);
    // the length scale along b (faster oscillation) is shorter than along a
    expect(gp.hyper.logLengthscales[1]).toBeLessThan(gp.hyper.logLengthscales[0]);
  });

  it('warm-starting from a previous fit reproduces it', () => {
    const rng = new Rng(5);
    const n = 25;
    const X = Float64Array.from({ length: n }, () => rng.next());
    const y = Float64Array.from(X, (x) => Math.sin(8 * x));
    const a = GaussianProcess.fit(X, y, 1, { rng: new Rng(1) });
    const b = GaussianProcess.fit(X, y, 1, { warm: a.hyper });
    expect(b.hyper.logLengthscales[0]).toBeCloseTo(a.hyper.logLengthscales[0], 2);
  });
});

describe('denoised and sampled models', () => {
  // noisy observations of sin(6x) on [0, 1]
  const rng = new Rng(3);
  const X = Float64Array.from({ length: 25 }, () => rng.next());
  const y = Float64Array.from(X, (x) => Math.sin(6 * x) + 0.2 * rng.normal());

  it('denoised(): interpolates the noisy posterior mean at the training inputs with (almost) no variance', () => {
    const gp = GaussianProcess.fit(X, y, 1, { rng: new Rng(1) });
    expect(Math.exp(gp.hyper.logNoiseVar)).toBeGreaterThan(1e-3); // the fit sees the noise
    const noisy = gp.predict(X, X.length);
    const clean = gp.denoised().predict(X, X.length);
    for (let i = 0; i < X.length; i++) {
      expect(clean.mean[i]).toBeCloseTo(noisy.mean[i], 3);
      expect(clean.variance[i]).toBeLessThan(1e-3 * noisy.variance[i]);
      // the noisy posterior mean smooths: closer to the latent sin(6x) than the observation is, on average
    }
    const errObs = X.reduce((t, x, i) => t + (y[i] - Math.sin(6 * x)) ** 2, 0);
    const errMean = X.reduce((t, x, i) => t + (clean.mean[i] - Math.sin(6 * x)) ** 2, 0);
    expect(errMean).toBeLessThan(0.6 * errObs);
  });

  it('sampleHyperparameters(): deterministic for a seed, inside the bounds, spread around the MAP fit', () => {
    const gp = GaussianProcess.fit(X, y, 1, { rng: new Rng(1) });
    const draw = (seed: number) => sampleHyperparameters(X, y, 1, gp.hyper, { rng: new Rng(seed), count: 8 });
    const a = draw(5);
    expect(a).toEqual(draw(5));
    expect(a).not.toEqual(draw(6));
    expect(a).toHaveLength(8);
    for (const h of a) {
      expect(h.logLengthscales[0]).toBeGreaterThanOrEqual(Math.log(1e-3));
      expect(h.logLengthscales[0]).toBeLessThanOrEqual(Math.log(1e3));
      expect(h.logSignalVar).toBeGreaterThanOrEqual(-12);
      expect(h.logNoiseVar).toBeGreaterThanOrEqual(-25);
    }
    const ls = a.map((h) => h.logLengthscales[0]);
    expect(new Set(ls).size).toBeGreaterThan(4); // a chain that moves
    // 25 points of sin(6x) pin the length scale: the draws stay within a factor e^1.5 of the MAP value
    for (const l of ls) expect(Math.abs(l - gp.hyper.logLengthscales[0])).toBeLessThan(1.5);
  });
});
