import { describe, expect, it } from 'vitest';
import { compileDelays, delayPointsS } from '../../src/engine/backoff.ts';
import { resizeRing } from '../../src/engine/ring.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('backoff delays', () => {
  const p = { baseS: 1, maxS: 30, jitter: 'none' as const };

  it('doubles from the base up to the cap without jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((r) => delayPointsS(p, r)[0])).toEqual([1, 2, 4, 8, 16, 30]);
  });

  it('full jitter averages half the exponential delay; equal jitter three quarters', () => {
    expect(mean(delayPointsS({ ...p, jitter: 'full' }, 3))).toBeCloseTo(2, 6);
    expect(mean(delayPointsS({ ...p, jitter: 'equal' }, 3))).toBeCloseTo(3, 6);
    expect(Math.max(...delayPointsS({ ...p, jitter: 'full' }, 10))).toBeLessThanOrEqual(30);
  });

  it('decorrelated jitter stays between the base and the cap', () => {
    for (let r = 1; r <= 8; r++) {
      for (const d of delayPointsS({ ...p, jitter: 'decorrelated' }, r)) {
        expect(d).toBeGreaterThanOrEqual(1);
        expect(d).toBeLessThanOrEqual(30);
      }
    }
  });

  it('compiles to tick offsets whose weights sum to one and whose mean delay is exact', () => {
    const t = compileDelays({ ...p, jitter: 'full' }, 5, 0.25);
    for (let r = 1; r <= 5; r++) {
      let w = 0;
      let m = 0;
      for (let k = t.start[r]; k < t.start[r + 1]; k++) {
        w += t.weight[k];
        m += t.weight[k] * t.offset[k] * 0.25;
        expect(t.offset[k]).toBeGreaterThanOrEqual(1);
      }
      expect(w).toBeCloseTo(1, 12);
      expect(m).toBeCloseTo(Math.max(0.25, mean(delayPointsS({ ...p, jitter: 'full' }, r))), 1);
    }
  });
});

describe('tick rings', () => {
  it('keep the newest ticks in place when they grow', () => {
    const W = 4;
    const ring = new Float64Array(W);
    for (let t = 0; t <= 9; t++) ring[t % W] = t;
    const grown = resizeRing(ring, 1, W, 1, 7, 9);
    for (let t = 6; t <= 9; t++) expect(grown[t % 7]).toBe(t);
  });

  it('keep every row of the newest ticks when rows and width grow together', () => {
    const rows = 3;
    const W = 4;
    const ring = new Float64Array(rows * W);
    for (let t = 0; t <= 9; t++) for (let r = 0; r < rows; r++) ring[r * W + (t % W)] = 100 * r + t;
    const grown = resizeRing(ring, rows, W, 5, 7, 9);
    for (let t = 6; t <= 9; t++) {
      for (let r = 0; r < rows; r++) expect(grown[r * 7 + (t % 7)]).toBe(100 * r + t);
      for (let r = rows; r < 5; r++) expect(grown[r * 7 + (t % 7)]).toBe(0);
    }
  });
});
