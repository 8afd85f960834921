import { describe, expect, it } from 'vitest';
import {
  erf,
  erfc,
  erfcx,
  log1mexp,
  normalCdf,
  normalCdfOverPdf,
  normalLogCdf,
  normalLogPdf,
  normalPdf,
} from './normal.ts';

// Reference values: mpmath 1.3 at 50 digits (erfc(x)*exp(x^2), ncdf, log(ncdf)), rounded to double.
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('erfcx / erfc / erf', () => {
  it('erfcx matches known values on the half line', () => {
    const known: [number, number][] = [
      [0, 1],
      [0.5, 0.6156903441929259],
      [1, 0.427583576155807],
      [2, 0.2553956763105057],
      [5, 0.11070463773306863],
      [10, 0.05614099274382259],
      [30, 0.01879588886141675],
    ];
    for (const [x, v] of known) expect(rel(erfcx(x), v)).toBeLessThan(5e-16 * 4);
    // asymptotics: erfcx(x) ~ 1 / (x sqrt(pi)) (1 - 1/(2x^2))
    const x = 1e6;
    expect(rel(erfcx(x), (1 / (x * Math.sqrt(Math.PI))) * (1 - 1 / (2 * x * x)))).toBeLessThan(1e-15);
    expect(erfcx(Infinity)).toBe(0);
  });
  it('erfcx is accurate on both sides of every piece boundary of its piecewise Chebyshev fit', () => {
    // x = 16/k - 2 (t = 2/(2+x) = k/8) +- 1e-9, plus a spread of points; mpmath 40 digits
    const known: [number, number][] = [
      [13.999999999, 0.04019722865307523],
      [14.000000001, 0.040197228647361694],
      [5.999999999, 0.0927765678155987],
      [6.000000001, 0.092776567785478],
      [3.3333333323333334, 0.1624899609750112],
      [3.333333334333333, 0.16248996088478568],
      [1.999999999, 0.2553956764173022],
      [2.000000001, 0.2553956762037093],
      [1.199999999, 0.3785374171491291],
      [1.200000001, 0.37853741670935037],
      [0.6666666656666667, 0.5392844083399335],
      [0.6666666676666667, 0.5392844075212669],
      [0.2857142847142857, 0.7445313283014509],
      [0.2857142867142857, 0.7445313268955855],
      [0.1, 0.8964569799691267],
      [0.9, 0.456531651323117],
      [4.5, 0.12248480427384142],
      [9.0, 0.06230772403777468],
      [20.0, 0.02817434874105132],
      [55.0, 0.010256297732270069],
      [150.0, 0.003761180312247992],
      [1000.0, 0.0005641893014533876],
    ];
    for (const [x, v] of known) expect(rel(erfcx(x), v)).toBeLessThan(1e-15);
  });
  it('erfcx for negative x: 2 exp(x^2) - erfcx(-x)', () => {
    expect(rel(erfcx(-1), 2 * Math.E - 0.427583576155807)).toBeLessThan(1e-15);
  });
  it('erfc and erf: classic values and symmetry', () => {
    expect(rel(erfc(1), 0.15729920705028513)).toBeLessThan(2e-16 * 4);
    expect(rel(erfc(5), 1.5374597944280349e-12)).toBeLessThan(1e-15);
    expect(rel(erfc(-1), 1.8427007929497148)).toBeLessThan(1e-15);
    expect(rel(erf(0.5), 0.5204998778130465)).toBeLessThan(1e-15);
    expect(erf(0)).toBe(0);
    expect(rel(erfc(26), 5.663192408856143e-296)).toBeLessThan(1e-14);
  });
});

describe('standard normal', () => {
  it('pdf and log pdf', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 16);
    expect(rel(normalPdf(3), 0.0044318484119380075)).toBeLessThan(1e-15);
    expect(normalLogPdf(40)).toBeCloseTo(-800 - 0.9189385332046728, 12);
  });
  it('cdf is accurate in the lower tail', () => {
    const known: [number, number][] = [
      [-1, 0.15865525393145705],
      [0, 0.5],
      [1, 0.8413447460685429],
      [3, 0.9986501019683699],
      [-5, 2.866515718791939e-7],
      [-10, 7.619853024160525e-24],
      [-20, 2.7536241186062337e-89],
      [-37, 5.725571222524577e-300],
    ];
    for (const [x, v] of known) expect(rel(normalCdf(x), v)).toBeLessThan(x < -30 ? 1e-12 : 2e-15);
  });
  it('log cdf stays finite far into the tail (where the cdf underflows)', () => {
    const known: [number, number][] = [
      [-40, -804.6084420137538],
      [-20, -203.91715537109727],
      [-10, -53.23128515051247],
      [-5, -15.064998393988725],
      [-1, -1.8410216450092636],
      [0, -0.6931471805599453],
      [1, -0.17275377902344988],
      [3, -0.0013508099647481938],
      [10, -7.619853024160525e-24],
    ];
    for (const [x, v] of known) expect(rel(normalLogCdf(x), v)).toBeLessThan(2e-15);
    expect(normalCdf(-40)).toBe(0);
    // log Phi(x) ~ -x^2/2 - log(-x) - log sqrt(2 pi) for x -> -inf
    const x = -1e5;
    expect(rel(normalLogCdf(x), -0.5 * x * x - Math.log(-x) - 0.9189385332046728)).toBeLessThan(1e-15);
  });
  it('Phi/phi ratio matches the Mills ratio asymptotics', () => {
    const x = -50;
    expect(rel(normalCdfOverPdf(x), (1 / 50) * (1 - 1 / 2500 + 3 / 2500 ** 2))).toBeLessThan(1e-9);
    expect(rel(normalCdfOverPdf(0), 0.5 / 0.3989422804014327)).toBeLessThan(1e-15);
  });
  it('log1mexp on both sides of -log 2', () => {
    expect(rel(log1mexp(-1e-20), Math.log(1e-20))).toBeLessThan(1e-15);
    expect(rel(log1mexp(-50), -Math.exp(-50))).toBeLessThan(1e-15);
    expect(rel(log1mexp(-1), Math.log(1 - Math.exp(-1)))).toBeLessThan(1e-15);
    expect(log1mexp(0)).toBe(-Infinity);
    expect(log1mexp(1)).toBeNaN();
  });
});
