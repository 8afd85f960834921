/**
 * Test functions as defined in BoTorch's `botorch/test_functions` (synthetic.py, multi_objective.py), in
 * BoTorch's own orientation: every function here is MINIMISED. problems.ts negates them for the maximising
 * optimizer. Formulas only; bounds, optima and reference points live with the problems.
 */

/** Branin on [-5, 10] x [0, 15]; minimum 0.397887 at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475). */
export function branin(x0: number, x1: number): number {
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x1 - b * x0 * x0 + c * x0 - 6) ** 2 + 10 * (1 - t) * Math.cos(x0) + 10;
}

/** Currin on [0, 1]^2 (the second objective of BraninCurrin). */
export function currin(x0: number, x1: number): number {
  const factor1 = 1 - Math.exp(-1 / (2 * x1));
  const numer = 2300 * x0 ** 3 + 1900 * x0 ** 2 + 2092 * x0 + 60;
  const denom = 100 * x0 ** 3 + 500 * x0 ** 2 + 4 * x0 + 20;
  return (factor1 * numer) / denom;
}

/** Levy on [-10, 10]^d with w = 1 + (x - 1) / 4; minimum 0 at x = 1. */
export function levy(x: readonly number[]): number {
  const d = x.length;
  const w = x.map((v) => 1 + (v - 1) / 4);
  let s = Math.sin(Math.PI * w[0]) ** 2;
  for (let i = 0; i < d - 1; i++) s += (w[i] - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i] + 1) ** 2);
  s += (w[d - 1] - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]) ** 2);
  return s;
}

/** Rosenbrock on [-5, 10]^d; minimum 0 at x = 1. */
export function rosenbrock(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (x[i] - 1) ** 2;
  return s;
}

/** Styblinski-Tang on [-5, 5]^d; minimum -39.166166 d at x = -2.903534. */
export function styblinskiTang(x: readonly number[]): number {
  let s = 0;
  for (const v of x) s += v ** 4 - 16 * v * v + 5 * v;
  return 0.5 * s;
}

/** Michalewicz (m = 10) on [0, pi]^d; minimum -1.80130341 (d = 2), -4.687658 (d = 5), -9.66015 (d = 10). */
export function michalewicz(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.sin(x[i]) * Math.sin(((i + 1) * x[i] * x[i]) / Math.PI) ** 20;
  return -s;
}

/** ZDT g = 1 + 9 mean(x_1..x_{d-1}). */
function zdtG(x: readonly number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i];
  return 1 + (9 * s) / (x.length - 1);
}

/** ZDT1/2/3 on [0, 1]^d, two objectives (ZDT3 in BoTorch's form, f1 carries the factor g). */
export function zdt(kind: 1 | 2 | 3, x: readonly number[]): number[] {
  const f0 = x[0];
  const g = zdtG(x);
  const r = f0 / g;
  if (kind === 1) return [f0, g * (1 - Math.sqrt(r))];
  if (kind === 2) return [f0, g * (1 - r * r)];
  return [f0, g * (1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * f0))];
}

/**
 * DTLZ1/DTLZ2 on [0, 1]^d with m objectives; g over the last k = d - m + 1 inputs.
 *   DTLZ1: g = 100 (k + sum (x_i - 0.5)^2 - cos(20 pi (x_i - 0.5))), f_i = 0.5 (1 + g) prod_{j < m-1-i} x_j (1 - x_{m-1-i} if i > 0);
 *          Pareto front sum f_i = 0.5.
 *   DTLZ2: g = sum (x_i - 0.5)^2, f_i = (1 + g) prod_{j < m-1-i} cos(x_j pi/2) (sin(x_{m-1-i} pi/2) if i > 0);
 *          Pareto front sum f_i^2 = 1.
 */
export function dtlz(kind: 1 | 2, m: number, x: readonly number[]): number[] {
  const d = x.length;
  const k = d - m + 1;
  let g = 0;
  for (let i = d - k; i < d; i++) {
    const t = x[i] - 0.5;
    g += kind === 1 ? t * t - Math.cos(20 * Math.PI * t) : t * t;
  }
  if (kind === 1) g = 100 * (k + g);
  const f: number[] = [];
  for (let i = 0; i < m; i++) {
    const idx = m - 1 - i;
    let v = kind === 1 ? 0.5 * (1 + g) : 1 + g;
    for (let j = 0; j < idx; j++) v *= kind === 1 ? x[j] : Math.cos((x[j] * Math.PI) / 2);
    if (i > 0) v *= kind === 1 ? 1 - x[idx] : Math.sin((x[idx] * Math.PI) / 2);
    f.push(v);
  }
  return f;
}

/** VehicleSafety (Tanabe & Ishibuchi 2020) on [1, 3]^5: mass, acceleration, toe-board intrusion (all minimised). */
export function vehicleSafety(x: readonly number[]): number[] {
  const [x1, x2, x3, x4, x5] = x;
  const f1 = 1640.2823 + 2.3573285 * x1 + 2.3220035 * x2 + 4.5688768 * x3 + 7.7213633 * x4 + 4.4559504 * x5;
  const f2 =
    6.5856 +
    1.15 * x1 -
    1.0427 * x2 +
    0.9738 * x3 +
    0.8364 * x4 -
    0.3695 * x1 * x4 +
    0.0861 * x1 * x5 +
    0.3628 * x2 * x4 -
    0.1106 * x1 * x1 -
    0.3437 * x3 * x3 +
    0.1764 * x4 * x4;
  const f3 =
    -0.0551 +
    0.0181 * x1 +
    0.1024 * x2 +
    0.0421 * x3 -
    0.0073 * x1 * x2 +
    0.024 * x2 * x3 -
    0.0118 * x2 * x4 -
    0.0204 * x3 * x4 -
    0.008 * x3 * x5 -
    0.0241 * x2 * x2 +
    0.0109 * x4 * x4;
  return [f1, f2, f3];
}

/**
 * The disk constraint of BoTorch's ConstrainedBraninCurrin (Gelbart et al. 2014): on [0, 1]^2 mapped to
 * [-5, 10] x [0, 15], slack = 50 - (x0' - 2.5)^2 - (x1' - 7.5)^2; feasible when slack >= 0.
 */
export function braninCurrinDiskSlack(x0: number, x1: number): number {
  const a = 15 * x0 - 5;
  const b = 15 * x1;
  return 50 - (a - 2.5) ** 2 - (b - 7.5) ** 2;
}

/**
 * The constraint of C2-DTLZ2 (Deb, Thiele, Laumanns & Zitzler 2001; BoTorch's C2DTLZ2) on the objectives f (minimised,
 * m of them), r = 0.2: feasible (slack >= 0) within r of the point where the front meets a corner of the objective
 * space or of its middle point (1, ..., 1) / sqrt(m):
 *   slack = -min( min_i [ (f_i - 1)^2 + sum_{j != i} (f_j^2 - r^2) ],  sum_i [ (f_i - 1/sqrt(m))^2 - r^2 ] ).
 */
export function c2dtlz2Slack(f: readonly number[], r = 0.2): number {
  const m = f.length;
  let min1 = Infinity;
  for (let i = 0; i < m; i++) {
    let t = (f[i] - 1) ** 2;
    for (let j = 0; j < m; j++) if (j !== i) t += f[j] ** 2 - r * r;
    min1 = Math.min(min1, t);
  }
  let min2 = 0;
  for (let i = 0; i < m; i++) min2 += (f[i] - 1 / Math.sqrt(m)) ** 2 - r * r;
  return -Math.min(min1, min2);
}

/** Hartmann-6 on [0, 1]^6 (BoTorch's constants); min -3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
const HARTMANN6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const HARTMANN6_ALPHA = [1, 1.2, 3, 3.2];
export function hartmann6(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < 6; j++) e += HARTMANN6_A[i][j] * (x[j] - HARTMANN6_P[i][j] * 1e-4) ** 2;
    s += HARTMANN6_ALPHA[i] * Math.exp(-e);
  }
  return -s;
}

/** Ackley (a = 20, b = 0.2, c = 2 pi); min 0 at 0. */
export function ackley(x: readonly number[]): number {
  const d = x.length;
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    s1 += v * v;
    s2 += Math.cos(2 * Math.PI * v);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(s1 / d)) - Math.exp(s2 / d) + 20 + Math.E;
}

/** Shekel with m = 10 on [0, 10]^4 (BoTorch's constants); min -10.53641 at (4.00075, 4.00059, 3.99966, 3.99951). */
const SHEKEL_C = [
  [4, 4, 4, 4],
  [1, 1, 1, 1],
  [8, 8, 8, 8],
  [6, 6, 6, 6],
  [3, 7, 3, 7],
  [2, 9, 2, 9],
  [5, 5, 3, 3],
  [8, 1, 8, 1],
  [6, 2, 6, 2],
  [7, 3.6, 7, 3.6],
];
const SHEKEL_BETA = [1, 2, 2, 4, 4, 6, 3, 7, 5, 5].map((v) => v / 10);
export function shekel(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 10; i++) {
    let e = SHEKEL_BETA[i];
    for (let j = 0; j < 4; j++) e += (x[j] - SHEKEL_C[i][j]) ** 2;
    s += 1 / e;
  }
  return -s;
}

/** Six-hump camel on [-3, 3] x [-2, 2]; min -1.0316 at (0.0898, -0.7126) and (-0.0898, 0.7126). */
export function sixHumpCamel(x: readonly number[]): number {
  const [a, b] = x;
  return (4 - 2.1 * a * a + a ** 4 / 3) * a * a + a * b + (-4 + 4 * b * b) * b * b;
}

/** Griewank; min 0 at 0. */
export function griewank(x: readonly number[]): number {
  let s = 0;
  let p = 1;
  x.forEach((v, i) => {
    s += (v * v) / 4000;
    p *= Math.cos(v / Math.sqrt(i + 1));
  });
  return 1 + s - p;
}

/** Powell (d a multiple of 4); min 0 at 0. */
export function powell(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i + 3 < x.length; i += 4) {
    const [a, b, c, d] = [x[i], x[i + 1], x[i + 2], x[i + 3]];
    s += (a + 10 * b) ** 2 + 5 * (c - d) ** 2 + (b - 2 * c) ** 4 + 10 * (a - d) ** 4;
  }
  return s;
}

/**
 * DH1 (Deb & Gupta 2005) on [0, 1] x [-1, 1]^(d-1): f0 = x0, f1 = 1 - x0^2 + g S, with the Rastrigin-like
 * g = sum_{i>=1} (10 + x_i^2 - 10 cos(4 pi x_i)) and S = 1 / (0.2 + x0) + x0^2. Pareto front f1 = 1 - f0^2 at x_i = 0.
 */
export function dh1(x: readonly number[]): number[] {
  const x0 = x[0];
  let g = 0;
  for (let i = 1; i < x.length; i++) g += 10 + x[i] ** 2 - 10 * Math.cos(4 * Math.PI * x[i]);
  return [x0, 1 - x0 ** 2 + g * (1 / (0.2 + x0) + x0 ** 2)];
}

/**
 * DH3 (Deb & Gupta 2005) on [0, 1]^2 x [-1, 1]^(d-2): f0 = x0, f1 = h(x1) (g + 1 - sqrt(x0)), with
 * h = 2 - 0.8 exp(-((x1 - 0.35) / 0.25)^2) - exp(-((x1 - 0.85) / 0.03)^2) and g = 50 sum_{i>=2} x_i^2: a broad local
 * front near x1 = 0.35 and the global one in the narrow valley at x1 = 0.85 (f1 about 1 - sqrt(f0)).
 */
export function dh3(x: readonly number[]): number[] {
  const [x0, x1] = x;
  const h = 2 - 0.8 * Math.exp(-(((x1 - 0.35) / 0.25) ** 2)) - Math.exp(-(((x1 - 0.85) / 0.03) ** 2));
  let g = 0;
  for (let i = 2; i < x.length; i++) g += 50 * x[i] ** 2;
  return [x0, h * (g + 1 - Math.sqrt(x0))];
}

/**
 * The car side-impact design problem (Tanabe & Ishibuchi 2020, as BoTorch's CarSideImpact): 7 design variables,
 * 4 objectives to minimise: weight, the public's force, the mean of two velocities, and the sum of the 10 constraint
 * violations.
 */
export function carSideImpact(x: readonly number[]): number[] {
  const [x1, x2, x3, x4, x5, x6, x7] = x;
  const f1 = 1.98 + 4.9 * x1 + 6.67 * x2 + 6.98 * x3 + 4.01 * x4 + 1.78 * x5 + 1e-5 * x6 + 2.73 * x7;
  const f2 = 4.72 - 0.5 * x4 - 0.19 * x2 * x3;
  const vMbp = 10.58 - 0.674 * x1 * x2 - 0.67275 * x2;
  const vFd = 16.45 - 0.489 * x3 * x7 - 0.843 * x5 * x6;
  const f3 = 0.5 * (vMbp + vFd);
  const g = [
    1 - 1.16 + 0.3717 * x2 * x4 + 0.0092928 * x3,
    0.32 - 0.261 + 0.0159 * x1 * x2 + 0.06486 * x1 + 0.019 * x2 * x7 - 0.0144 * x3 * x5 - 0.0154464 * x6,
    0.32 -
      0.214 -
      0.00817 * x5 +
      0.045195 * x1 +
      0.0135168 * x1 -
      0.03099 * x2 * x6 +
      0.018 * x2 * x7 -
      0.007176 * x3 -
      0.023232 * x3 +
      0.00364 * x5 * x6 +
      0.018 * x2 * x2,
    0.32 - 0.74 + 0.61 * x2 + 0.031296 * x3 + 0.031872 * x7 - 0.227 * x2 * x2,
    32 - 28.98 - 3.818 * x3 + 4.2 * x1 * x2 - 1.27296 * x6 + 2.68065 * x7,
    32 - 33.86 - 2.95 * x3 + 5.057 * x1 * x2 + 3.795 * x2 + 3.4431 * x7 - 1.45728,
    32 - 46.36 + 9.9 * x2 + 4.4505 * x1,
    4 - f2,
    9.9 - vMbp,
    15.7 - vFd,
  ];
  let f4 = 0;
  for (const v of g) if (v < 0) f4 -= v;
  return [f1, f2, f3, f4];
}
