import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatPoints } from '../../src/view/flat.ts';

const id = (v: number) => v;

/** The drawn line's height at x (linear between kept points), or NaN in a gap. */
function heightAt(pts: [number, number][], x: number): number {
  for (let k = 0; k + 1 < pts.length; k++) {
    const [x0, y0] = pts[k];
    const [x1, y1] = pts[k + 1];
    if (x >= x0 && x <= x1) return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return pts.length === 1 && pts[0][0] === x ? pts[0][1] : NaN;
}

describe('flatPoints', () => {
  it('draws a flat stretch as its two ends', () => {
    const t = [0, 1, 2, 3, 4, 5];
    expect(flatPoints(t, [10, 10.1, 9.9, 10, 10, 30], id, id, 0.25)).toEqual([[0, 10], [4, 10], [5, 30]]);
  });

  it('keeps every point of a line that moves by more than the tolerance', () => {
    const t = [0, 1, 2, 3];
    expect(flatPoints(t, [1, 2, 3, 2], id, id, 0.25)).toEqual([[0, 1], [1, 2], [2, 3], [3, 2]]);
  });

  it('keeps gaps as gaps and ends a stretch before one', () => {
    const t = [0, 1, 2, 3, 4];
    expect(flatPoints(t, [5, 5, NaN, 5, 5], id, id, 0.25)).toEqual([[0, 5], [1, 5], [2, NaN], [3, 5], [4, 5]]);
  });

  it('never strays more than the tolerance from a point it drops', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.01, max: 3, noNaN: true }), (ys, tol) => {
        const t = ys.map((_, k) => k);
        const pts = flatPoints(t, ys, id, id, tol);
        expect(pts.length).toBeLessThanOrEqual(ys.length + 1);
        ys.forEach((v, k) => expect(Math.abs(heightAt(pts, k) - v)).toBeLessThanOrEqual(tol + 1e-9));
      }),
    );
  });
});
