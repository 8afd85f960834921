/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Alg. 7.4/7.5) with a
 * backtracking Armijo line search, for minimising smooth unconstrained objectives such as
 * the negative GP log marginal likelihood.
 */
export interface LbfgsOptions {
  maxIter?: number; // default 100
  memory?: number; // default 8
  gradTol?: number; // stop when max |g| < gradTol, default 1e-5
  fTol?: number; // stop when relative decrease < fTol, default 1e-9
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
}

/** fg(x) returns [f, gradient]; non-finite f is treated as +Infinity (the line search backs off). */
export function lbfgs(
  fg: (x: Float64Array) => [number, Float64Array],
  x0: ArrayLike<number>,
  opts: LbfgsOptions = {},
): LbfgsResult {
  const maxIter = opts.maxIter ?? 100;
  const m = opts.memory ?? 8;
  const gradTol = opts.gradTol ?? 1e-5;
  const fTol = opts.fTol ?? 1e-9;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let [f, g] = fg(x);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let it = 0;
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };
  for (; it < maxIter; it++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]));
    if (gmax < gradTol) break;
    // two-loop recursion: d = -H g
    const q = Float64Array.from(g);
    const alpha = new Array<number>(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], q);
      for (let i = 0; i < n; i++) q[i] -= alpha[k] * Y[k][i];
    }
    let gamma = 1;
    if (S.length > 0) {
      const k = S.length - 1;
      gamma = dot(S[k], Y[k]) / dot(Y[k], Y[k]);
    } else {
      gamma = Math.min(1, 1 / Math.max(gmax, 1e-12));
    }
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], q);
      for (let i = 0; i < n; i++) q[i] += S[k][i] * (alpha[k] - beta);
    }
    const d = q;
    for (let i = 0; i < n; i++) d[i] = -d[i];
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction: reset memory and use steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] * Math.min(1, 1 / Math.max(gmax, 1e-12));
      slope = dot(g, d);
    }
    // backtracking line search
    let step = 1;
    let xNew = new Float64Array(n);
    let fNew = Infinity;
    let gNew: Float64Array = g;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      [fNew, gNew] = fg(xNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const fOld = f;
    x = xNew;
    xNew = new Float64Array(n);
    f = fNew;
    g = gNew;
    if (Math.abs(fOld - f) <= fTol * Math.max(1, Math.abs(f))) {
      it++;
      break;
    }
  }
  return { x, f, iterations: it, evaluations };
}
