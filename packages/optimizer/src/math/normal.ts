/**
 * Standard normal distribution helpers that stay accurate far into the tails.
 *
 * Everything rests on the scaled complementary error function erfcx(x) = exp(x^2) erfc(x), evaluated for
 * x >= 0 as erfcx(x) = t * exp(P(t)) with t = 2 / (2 + x) (the change of variable of Numerical Recipes'
 * `erfccheb`), where P is piecewise (8 equal pieces of 2t - 1 in [-1, 1]) a 12-term Chebyshev series. The
 * coefficients below were fitted for this module with mpmath at 40 digits (40 Chebyshev nodes per piece); the
 * truncated tails are below 3e-18, so the relative error of erfcx is at the level of double rounding (~1e-16)
 * on the whole half line.
 *
 * From erfcx: erfc(x) = erfcx(x) exp(-x^2), Phi(x) = erfc(-x / sqrt 2) / 2, and
 * log Phi(x) = log(erfcx(-x / sqrt 2) / 2) - x^2 / 2 for x < 0, which is finite down to x ~ -1e154.
 */

// 8 pieces of y = 2t - 1 in [-1, 1], each a 12-term Chebyshev series in the local variable (short recurrences
// are ~3x faster than one 32-term series because Clenshaw is latency bound).
const ERFCX_PIECES = 8;
const ERFCX_TERMS = 12;
const ERFCX_CHEB = Float64Array.from([
  -1.2007708860916817, 0.0654948758163994, 0.0007572426679355517, 3.3546763998251468e-6, -2.597576203934227e-7,
  -1.0308487689826809e-8, -1.1280393465254749e-10, 6.496783805775735e-12, 3.3643602089365886e-13, 2.758955446193467e-15,
  -3.65658522854844e-16, -1.5217734268667018e-17, -1.0636562795474944, 0.07162695934281456, 0.0007655037825881422,
  -2.5142052488613075e-6, -4.720469152519722e-7, -9.652825843889654e-9, 2.0849548162693593e-10, 1.504119009149773e-11,
  6.599259373414598e-14, -1.8291337094918744e-14, -4.085729034080467e-16, 2.0648987208592003e-17, -0.9144726363413312,
  0.07748970409010088, 0.0006849097757671056, -1.1200521836826962e-5, -5.825372371315145e-7, -2.3219216570303006e-11,
  5.506788167040633e-10, 5.741673547221022e-12, -6.000474791600893e-13, -1.0523724077930834e-14, 7.529500936048013e-16,
  1.4957406811306417e-17, -0.7545484359180615, 0.08227764109055759, 0.000496940666139973, -1.979342933488822e-5,
  -4.4970692863263974e-7, 1.2824742519687825e-8, 4.299495529261842e-10, -1.3356159125537851e-11, -4.187418395160706e-13,
  1.7702190370765127e-14, 3.525556183503901e-16, -2.4866390584232658e-17, -0.5868414121881236, 0.08520318374652928,
  0.00022613268407570476, -2.452243878104236e-5, -1.2545667062152133e-7, 1.7775870997911993e-8, -2.8452167792540046e-11,
  -1.588295937436916e-11, 2.279174776244017e-13, 1.2777213909474436e-14, -4.461743196054386e-16, -5.639389821261252e-18,
  -0.4155646769625603, 0.08582714683562515, -6.893662374539139e-5, -2.385489177105759e-5, 1.9280956074292213e-7,
  1.2878566849127974e-8, -3.2713277263315884e-10, -4.7315153117963946e-12, 3.6973098187262587e-13,
  -3.5211886188472523e-15, -2.590841849224127e-16, 9.329484528275627e-18, -0.2453202662449804, 0.08419973431656372,
  -0.0003296371329369929, -1.915898781685782e-5, 3.6735253555981556e-7, 4.60519733351773e-9, -3.228178472229162e-10,
  3.833071383745038e-12, 1.4790502955198342e-13, -6.6689251718786984e-15, 5.818076086272574e-17, 3.799584755492285e-18,
  -0.08021238438472207, 0.08074740171055995, -0.0005224862139573367, -1.2921991216384314e-5, 3.925743740489933e-7,
  -1.5195846942813153e-9, -1.808080479314832e-10, 5.384505566355341e-12, -2.7254377466726202e-14,
  -2.8160505818160173e-15, 9.955049070305184e-17, -9.76715433317364e-19,
]);

export const SQRT2 = Math.SQRT2;
/** log(2 pi) / 2 */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** 1 / sqrt(2 pi) */
export const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erfcx(x) = exp(x^2) erfc(x) for x >= 0 (no argument check; internal fast path). */
function erfcxNonNeg(x: number): number {
  if (x === Infinity) return 0;
  const t = 2 / (2 + x);
  const s = t * ERFCX_PIECES; // (y + 1) * PIECES / 2 with y = 2t - 1
  let piece = Math.floor(s);
  if (piece >= ERFCX_PIECES) piece = ERFCX_PIECES - 1;
  const u = 2 * (s - piece) - 1; // local variable in [-1, 1]
  const base = piece * ERFCX_TERMS;
  // Clenshaw recurrence for sum_j c_j T_j(u).
  const u2 = 2 * u;
  let b1 = 0;
  let b2 = 0;
  for (let j = base + ERFCX_TERMS - 1; j > base; j--) {
    const b0 = u2 * b1 - b2 + ERFCX_CHEB[j];
    b2 = b1;
    b1 = b0;
  }
  const p = u * b1 - b2 + ERFCX_CHEB[base];
  return t * Math.exp(p);
}

/**
 * exp(-x^2 / 2) without the error amplification of exp(-(x*x)/2): x*x is split into hi + lo exactly
 * (Veltkamp/Dekker), so the result stays relatively accurate (~1e-16) even when x^2/2 is several hundred.
 */
export function expNegHalfSq(x: number): number {
  return expNegScaledSq(x, 0.5);
}

/** exp(-x^2), with the same exact splitting of x^2. */
export function expNegSq(x: number): number {
  return expNegScaledSq(x, 1);
}

function expNegScaledSq(x: number, k: number): number {
  const hi = x * x;
  if (!Number.isFinite(hi) || hi > 3000) return Math.exp(-k * hi);
  const c = 134217729 * x; // 2^27 + 1
  const xh = c - (c - x);
  const xl = x - xh;
  const lo = xh * xh - hi + 2 * xh * xl + xl * xl; // x^2 = hi + lo exactly
  return Math.exp(-k * hi) * (1 - k * lo);
}

/** Scaled complementary error function erfcx(x) = exp(x^2) erfc(x). Overflows to Infinity for x < -26.6. */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return erfcxNonNeg(x);
  const x2 = x * x;
  return 2 * Math.exp(x2) - erfcxNonNeg(-x);
}

/** Complementary error function erfc(x) = 1 - erf(x), relatively accurate for large positive x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const e = expNegSq(x);
  if (x >= 0) return erfcxNonNeg(x) * e;
  return 2 - erfcxNonNeg(-x) * e;
}

/** Error function. */
export function erf(x: number): number {
  return 1 - erfc(x);
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * expNegHalfSq(x);
}

/** log of the standard normal density. */
export function normalLogPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/** Standard normal CDF Phi(x), relatively accurate in the lower tail (Phi(-37) ~ 5.7e-300). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = -x / SQRT2;
  if (z >= 0) return 0.5 * erfcxNonNeg(z) * expNegHalfSq(x);
  return 1 - 0.5 * erfcxNonNeg(-z) * expNegHalfSq(x);
}

/** log Phi(x), finite and accurate for very negative x (log Phi(-40) = -804.608...). */
export function normalLogCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === -Infinity) return -Infinity;
  if (x < 0) {
    return Math.log(0.5 * erfcxNonNeg(-x / SQRT2)) - 0.5 * x * x;
  }
  // Phi(x) = 1 - Q with Q = erfc(x / sqrt 2) / 2 <= 1/2.
  return Math.log1p(-0.5 * erfcxNonNeg(x / SQRT2) * expNegHalfSq(x));
}

/** Ratio Phi(x) / phi(x) (Mills-type ratio), stable for very negative x where both underflow. */
export function normalCdfOverPdf(x: number): number {
  // Phi(x)/phi(x) = sqrt(pi/2) erfcx(-x / sqrt 2)
  return Math.sqrt(Math.PI / 2) * erfcx(-x / SQRT2);
}

/** log(1 - exp(x)) for x <= 0, accurate on both sides of -log 2 (Maechler 2012). */
export function log1mexp(x: number): number {
  if (x > 0 || Number.isNaN(x)) return NaN;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}
