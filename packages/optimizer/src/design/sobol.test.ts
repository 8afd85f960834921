import { describe, expect, it } from 'vitest';
import { Sobol } from './sobol.ts';
import { JOE_KUO_ROWS, SOBOL_MAX_DIM } from './sobol-directions.ts';

describe('Sobol direction-number table', () => {
  it('rows are well-formed Joe-Kuo rows (degree s, s odd initial numbers m_k < 2^k)', () => {
    expect(JOE_KUO_ROWS.length).toBe(SOBOL_MAX_DIM - 1);
    expect(SOBOL_MAX_DIM).toBeGreaterThanOrEqual(32);
    let prevDegree = 0;
    for (const row of JOE_KUO_ROWS) {
      const [s, a, ...m] = row;
      expect(m.length).toBe(s);
      expect(a).toBeLessThan(2 ** Math.max(0, s - 1));
      expect(s).toBeGreaterThanOrEqual(prevDegree); // polynomials are listed by increasing degree
      prevDegree = s;
      m.forEach((mk, k) => {
        expect(mk % 2).toBe(1);
        expect(mk).toBeLessThan(2 ** (k + 1));
      });
    }
    // published rows: d=7 "4 4 1 3 5 13", d=14 "6 1 1 3 3 9 7 49"
    expect(JOE_KUO_ROWS[5]).toEqual([4, 4, 1, 3, 5, 13]);
    expect(JOE_KUO_ROWS[12]).toEqual([6, 1, 1, 3, 3, 9, 7, 49]);
  });
});

describe('Sobol (unscrambled)', () => {
  it('first points match the published sequence (point 0 = origin, not skipped)', () => {
    const s = new Sobol(3, { scramble: false });
    // scipy.stats.qmc.Sobol(3, scramble=False).random(8) / Joe-Kuo reference program (preceded by 0)
    expect(s.draw(8)).toEqual([
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
    ]);
  });

  it('high dimensions match scipy.stats.qmc.Sobol(162, scramble=False) (same Joe-Kuo 6.21201 data)', () => {
    const s = new Sobol(162, { scramble: false });
    const pts = s.draw(5000);
    const pick = (i: number) => [9, 31, 99, 161].map((j) => pts[i][j]);
    expect(pick(1000)).toEqual([0.0693359375, 0.1455078125, 0.1865234375, 0.3466796875]);
    expect(pick(2047)).toEqual([0.44580078125, 0.41455078125, 0.86083984375, 0.22900390625]);
    expect(pick(4999)).toEqual([0.3023681640625, 0.0189208984375, 0.2530517578125, 0.2608642578125]);
    expect([31, 99, 161].map((j) => pts[8][j])).toEqual([0.8125, 0.9375, 0.5625]);
  });

  it('fastForward(n) then next() equals the (n+1)-th drawn point; reset() restarts', () => {
    const a = new Sobol(7, { scramble: false });
    const all = a.draw(300);
    const b = new Sobol(7, { scramble: false }).fastForward(137);
    expect(b.next()).toEqual(all[137]);
    expect(b.index).toBe(138);
    b.reset();
    expect(b.next()).toEqual(all[0]);
    const c = new Sobol(7, { scramble: true, seed: 5 });
    const call = c.draw(200);
    c.reset().fastForward(199);
    expect(c.next()).toEqual(call[199]);
  });

  it('rejects bad dimensions', () => {
    expect(() => new Sobol(0)).toThrow(/dim/);
    expect(() => new Sobol(SOBOL_MAX_DIM + 1)).toThrow(/dim must be an integer in \[1, 162\]/);
    expect(() => new Sobol(2.5)).toThrow(/dim/);
  });
});

/** Every 1-D projection of the first 2^m points puts exactly one point in each interval [i/2^m, (i+1)/2^m). */
function isOneDimStratified(pts: number[][], m: number): boolean {
  const n = 2 ** m;
  for (let d = 0; d < pts[0].length; d++) {
    const seen = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const cell = Math.floor(pts[i][d] * n);
      if (seen[cell]) return false;
      seen[cell] = 1;
    }
  }
  return true;
}

/** 2-D projection (d1, d2): each of the 2^m elementary boxes of shape 2^-a x 2^-(m-a) holds exactly one point (t = 0). */
function countBoxViolations(pts: number[][], m: number, d1: number, d2: number): number {
  const n = 2 ** m;
  let bad = 0;
  for (let a = 0; a <= m; a++) {
    const counts = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const bx = Math.floor(pts[i][d1] * 2 ** a);
      const by = Math.floor(pts[i][d2] * 2 ** (m - a));
      counts[bx * 2 ** (m - a) + by]++;
    }
    for (const c of counts) if (c !== 1) bad++;
  }
  return bad;
}

describe('Sobol (scrambled)', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Sobol(5, { seed: 42 }).draw(64);
    const b = new Sobol(5, { seed: 42 }).draw(64);
    const c = new Sobol(5, { seed: 43 }).draw(64);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).not.toEqual([0, 0, 0, 0, 0]); // the digital shift moves the origin
    for (const p of a) for (const x of p) expect(x >= 0 && x < 1).toBe(true);
  });

  it('keeps the net property: first 2^m points stratify every 1-D projection, for several seeds and m', () => {
    for (const seed of [0, 1, 7, 123456]) {
      const pts = new Sobol(40, { seed }).draw(1024);
      for (const m of [1, 4, 7, 10]) expect(isOneDimStratified(pts, m)).toBe(true);
      // and so does the next block of 2^m points (the sequence is a (t, s)-sequence)
      expect(isOneDimStratified(pts.slice(512), 9)).toBe(true);
    }
  });

  it('dims 1-2 form a (0, m, 2)-net (every elementary box holds one point), before and after scrambling', () => {
    for (const opts of [{ scramble: false }, { seed: 3 }, { seed: 99 }]) {
      const pts = new Sobol(2, opts).draw(256);
      expect(countBoxViolations(pts, 8, 0, 1)).toBe(0);
    }
  });

  it('a uniform random sample fails the same stratification check (the test can fail)', () => {
    let x = 12345;
    const lcg = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pts = Array.from({ length: 256 }, () => [lcg(), lcg()]);
    expect(isOneDimStratified(pts, 8)).toBe(false);
    expect(countBoxViolations(pts, 8, 0, 1)).toBeGreaterThan(0);
  });

  it('scrambled points have mean ~ 1/2 and variance ~ 1/12 per coordinate', () => {
    const pts = new Sobol(10, { seed: 11 }).draw(4096);
    for (let d = 0; d < 10; d++) {
      let s = 0;
      let s2 = 0;
      for (const p of pts) {
        s += p[d];
        s2 += p[d] * p[d];
      }
      const mean = s / pts.length;
      expect(Math.abs(mean - 0.5)).toBeLessThan(1e-3);
      expect(Math.abs(s2 / pts.length - mean * mean - 1 / 12)).toBeLessThan(1e-3);
    }
  });
});
