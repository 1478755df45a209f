/** The phase diagram: coarse-to-fine order, cells drawn from coarser ones meanwhile, the theory's lines. */
import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../src/engine/sweep.ts';
import { cellPixels, cellsMarkup, coarseToFine, frameKey, LARGE_MAP, OUTCOME_COLOR, PHASE_PLOT, phaseFills, phaseSvg, pointAtPlot, progressText, singleServiceTheory, type PhaseAxis } from '../../src/view/phase.ts';

const axis = (id: string, values: number[]): PhaseAxis => ({ id, label: id, unit: '', values });
const row = (x: number, y: number, outcome: CellResult['outcome']): CellResult => ({
  x, y, seed: 1, outcome, troubleS: 0, recoveryS: null, goodputShare: 1, peakAmplification: 1, wasted: 0,
});

describe('phase diagram', () => {
  it('orders every run once, coarsest points first, each point with its seeds together', () => {
    const order = coarseToFine(5, 3, 2);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    // Step 4 first: (0,0) and (4,0); then step 2, then the rest.
    expect(order.slice(0, 4)).toEqual([0, 1, 8, 9]);
    expect(order.slice(4, 10)).toEqual([4, 5, 20, 21, 24, 25]);
  });

  it('draws a cell per point; points not run yet are shown as their coarser point, faded', () => {
    const x = axis('load', [100, 200, 300]);
    const y = axis('trigger.duration', [0, 10]);
    const results: (CellResult | undefined)[] = new Array(6);
    results[0] = row(100, 0, 'stuck');
    const svg = phaseSvg({ title: 't', x, y, seeds: 1, metric: 'outcome', results });
    expect(svg.match(/class="cell"/g)).toHaveLength(6);
    expect(svg.match(/fill-opacity="0.35"/g)).toHaveLength(5); // all five from (0,0), the only one run
    expect(svg).toContain('1 of 6 points');
  });

  it('a large map draws a row\'s neighbours of one colour as one rectangle, covering the plot exactly', () => {
    const n = 200;
    const x = axis('load', Array.from({ length: n }, (_, k) => k));
    const y = axis('trigger.duration', Array.from({ length: n }, (_, k) => k));
    const results: (CellResult | undefined)[] = new Array(n * n);
    // Stuck right of a diagonal, ok left of it: two rectangles a row.
    for (let yi = 0; yi < n; yi++) for (let xi = 0; xi < n; xi++) results[yi * n + xi] = row(xi, yi, xi > yi ? 'stuck' : 'ok');
    expect(n * n).toBeGreaterThan(LARGE_MAP);
    const svg = phaseSvg({ title: 't', x, y, seeds: 1, metric: 'outcome', results });
    const rects = [...svg.matchAll(/<rect class="cell" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"/g)];
    expect(rects.length).toBe(2 * n - 1); // the top row is all ok
    const area = rects.reduce((a, r) => a + Number(r[3]) * Number(r[4]), 0);
    expect(area).toBeCloseTo(PHASE_PLOT.width * PHASE_PLOT.height, -1);
    // Each rectangle is one colour: a stuck one never reaches left of the diagonal.
    for (const r of rects) {
      const [x0, y0, w] = [Number(r[1]), Number(r[2]), Number(r[3])];
      const first = pointAtPlot(x0 + 0.01, y0 + 0.01, n, n)!;
      const last = pointAtPlot(x0 + w - 0.01, y0 + 0.01, n, n)!;
      expect(first[1]).toBe(last[1]);
      const stuck = r[5] === OUTCOME_COLOR.stuck;
      expect(stuck ? first[0] > first[1] : last[0] <= last[1]).toBe(true);
    }
  });

  it('a large map\'s pixels: the top row first, as drawn, each point in its own colour', () => {
    // 2 × 2: bottom row ok, stuck; top row a viridis colour and grey.
    const px = cellPixels(2, 2, [OUTCOME_COLOR.ok, OUTCOME_COLOR.stuck, 'rgb(68, 1, 84)', '#d9d9d9']);
    expect([...px]).toEqual([68, 1, 84, 255, 0xd9, 0xd9, 0xd9, 255, 0x00, 0x85, 0x77, 255, 0xc7, 0x5a, 0x00, 255]);
    // A point not run yet is faded, as in the picture.
    const faded = cellPixels(2, 1, [OUTCOME_COLOR.ok, OUTCOME_COLOR.ok], new Uint8Array([0, 1]));
    expect([...faded]).toEqual([0x00, 0x85, 0x77, 255, 0x00, 0x85, 0x77, 89]);
  });

  it('the frame around the points stays while they fill in; a page redraws the points and the progress alone', () => {
    const x = axis('load', [100, 200, 300]);
    const results: (CellResult | undefined)[] = new Array(3);
    const input = (metric: 'outcome' | 'trouble_s') => ({ title: 't', x, y: null, seeds: 1, metric, results });
    results[0] = { ...row(100, 0, 'stuck'), troubleS: 50 };
    const one = phaseFills(input('outcome'));
    const svg = phaseSvg(input('outcome'), true, one);
    expect(svg).toContain(`<g class="cells">${cellsMarkup(input('outcome'), one)}</g>`);
    expect(svg).toContain('<text class="progress" x="748" y="22" text-anchor="end" fill="#555">1 of 3 points</text>');
    const keyOne = frameKey(input('outcome'), one);
    const keyOneMetric = frameKey(input('trouble_s'), phaseFills(input('trouble_s')));
    results[2] = { ...row(300, 0, 'ok'), troubleS: 0 };
    const two = phaseFills(input('outcome'));
    expect(frameKey(input('outcome'), two)).toBe(keyOne);
    expect(progressText(two)).toBe('2 of 3 points');
    // Coloured by a metric, a new value outside the legend's range redraws the frame.
    expect(frameKey(input('trouble_s'), phaseFills(input('trouble_s')))).not.toBe(keyOneMetric);
    results[1] = row(200, 0, 'ok');
    expect(progressText(phaseFills(input('outcome')))).toBe('');
  });

  it('a large map stopped half way shows its guesses faded in a download: one run done, every other point faded', () => {
    const n = 51;
    const x = axis('load', Array.from({ length: n }, (_, k) => k));
    const y = axis('trigger.duration', Array.from({ length: n }, (_, k) => k));
    const results: (CellResult | undefined)[] = new Array(n * n);
    results[0] = row(0, 0, 'stuck');
    const rects = [...phaseSvg({ title: 't', x, y, seeds: 1, metric: 'outcome', results }).matchAll(/<rect class="cell"[^>]*>/g)].map((m) => m[0]);
    // Row 0: the point run, then the rest of the row as a guess; every other row a guess.
    expect(rects).toHaveLength(n + 1);
    expect(rects.filter((r) => !r.includes('fill-opacity="0.35"'))).toHaveLength(1);
  });

  it('finds the point under a place in the plot, and none outside it', () => {
    const { left, top, width, height } = PHASE_PLOT;
    expect(pointAtPlot(left + 0.5, top + height - 0.5, 10, 5)).toEqual([0, 0]);
    expect(pointAtPlot(left + width - 0.5, top + 0.5, 10, 5)).toEqual([9, 4]);
    expect(pointAtPlot(left + width * 0.35, top + height * 0.5, 10, 5)).toEqual([3, 2]);
    expect(pointAtPlot(left - 1, top + 1, 10, 5)).toBeNull();
    expect(pointAtPlot(left + 1, top + height + 1, 10, 5)).toBeNull();
  });

  it('places C/(R+1) and C on the load axis, per row when the other axis is retries', () => {
    const x = axis('load', [0, 500, 1000]);
    const y = axis('retry.attempts', [0, 1, 3]);
    expect(singleServiceTheory('single-service', x, y, { capacity: 1000, 'retry.attempts': 3 })).toEqual({ axis: 'x', low: [1000, 500, 250], high: [1000, 1000, 1000] });
    expect(singleServiceTheory('azure-2026-02', x, y, {})).toBeNull();
    expect(singleServiceTheory('single-service', axis('timeout', [1]), null, {})).toBeNull();
  });
});
