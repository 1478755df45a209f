/**
 * A phase diagram of a sweep, drawn as standalone SVG markup (no DOM): one cell per point of the
 * grid, coloured by outcome or by a metric, with axes, a legend and — on the teaching model — the
 * theory's lines C/(R+1) and C. The page, its exports and `npm run figure:map` all draw with it.
 * Cells not run yet show their nearest finished coarser cell, faded, so a coarse-to-fine sweep
 * reads as a map from its first few runs.
 */
import { interpolateViridis, rgb, scaleSequential } from 'd3';
import type { CellResult, SweepMetric } from '../engine/sweep.ts';
import { metricOf } from '../engine/sweep.ts';
import type { ParamValue } from '../params/registry.ts';
import { clockDuration, formatCount } from './format.ts';

export interface PhaseAxis {
  id: string;
  label: string;
  unit: string;
  values: ParamValue[];
}

/** The theory's lines along the load axis, one pair per value of the other axis (or one pair). */
export interface TheoryLines {
  axis: 'x' | 'y';
  low: number[];
  high: number[];
}

export interface PhaseInput {
  title: string;
  x: PhaseAxis;
  y: PhaseAxis | null;
  seeds: number;
  metric: SweepMetric;
  /** Results in grid order (y outer, x inner, then seed); missing while not run yet. */
  results: readonly (CellResult | undefined)[];
  theory?: TheoryLines | null;
  /** The model has a clock: times (in trouble, to recover) are shown as it writes them, h:min. */
  clocked?: boolean;
}

/** The metric's name on screen, in the unit its times are shown in. */
export function metricLabel(metric: SweepMetric, clocked = false): string {
  return clocked && (metric === 'trouble_s' || metric === 'recovery_s') ? METRIC_LABEL[metric].replace('(s)', '(h:min)') : METRIC_LABEL[metric];
}

export const OUTCOME_COLOR = { ok: '#008577', recovered: '#9a7d00', stuck: '#c75a00' } as const;
export const METRIC_LABEL: Record<SweepMetric, string> = {
  outcome: 'Outcome',
  trouble_s: 'Time in trouble (s)',
  recovery_s: 'Time to recover (s)',
  goodput_share: 'Goodput ÷ demand, last tenth',
  peak_amplification: 'Peak amplification (×)',
  wasted: 'Wasted work (requests)',
};

export const PHASE_SIZE = { width: 760, height: 520 };
const M = { l: 92, r: 200, t: 44, b: 64 };
/** Where the cells are drawn, in the picture's units: between the axes' labels and the legend. */
export const PHASE_PLOT = { left: M.l, top: M.t, width: PHASE_SIZE.width - M.l - M.r, height: PHASE_SIZE.height - M.t - M.b };

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
const fmt = (v: ParamValue) => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v);
const axisTitle = (a: PhaseAxis) => `${a.label}${a.unit && a.unit !== '×' ? ` (${a.unit})` : ''} · ${a.id}`;

/** Per point of the grid: its seeds' results, or null while any is missing. */
export function cellsOf(input: {
  x: { values: readonly ParamValue[] };
  y: { values: readonly ParamValue[] } | null;
  seeds: number;
  results: PhaseInput['results'];
}): (CellResult[] | null)[] {
  const nx = input.x.values.length;
  const ny = input.y ? input.y.values.length : 1;
  const out: (CellResult[] | null)[] = [];
  for (let p = 0; p < nx * ny; p++) {
    // A loop, not slice + every: results is sparse while the sweep runs, and every() skips holes.
    const rows: CellResult[] = [];
    for (let s = 0; s < input.seeds; s++) {
      const r = input.results[p * input.seeds + s];
      if (r === undefined) break;
      rows.push(r);
    }
    out.push(rows.length === input.seeds ? rows : null);
  }
  return out;
}

/** Share of a point's seeds that ended stuck. */
export const stuckShare = (rows: CellResult[]) => rows.filter((r) => r.outcome === 'stuck').length / rows.length;

/** The mean of a numeric metric over a point's seeds (null when none has a value). */
export function meanMetric(rows: CellResult[], metric: Exclude<SweepMetric, 'outcome'>): number | null {
  const vs = rows.map((r) => metricOf(r, metric)).filter((v): v is number => v !== null);
  return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null;
}

/** A point's outcome colour: the outcome all its seeds share, else the mix by the share stuck. */
function outcomeFill(rows: CellResult[]): string {
  const first = rows[0].outcome;
  if (rows.every((r) => r.outcome === first)) return OUTCOME_COLOR[first];
  return stuckShare(rows) >= 0.5 ? '#e0a27a' : '#c9c27a';
}

/** Pixel position along an axis of a numeric value, between the cells' centres; null outside. */
function positionOf(values: ParamValue[], centre: (k: number) => number, v: number): number | null {
  for (let k = 0; k + 1 < values.length; k++) {
    const a = values[k];
    const b = values[k + 1];
    if (typeof a !== 'number' || typeof b !== 'number' || a === b) continue;
    if ((v - a) * (v - b) <= 0) return centre(k) + ((v - a) / (b - a)) * (centre(k + 1) - centre(k));
  }
  return values.length === 1 && values[0] === v ? centre(0) : null;
}

/**
 * Above this many points a map is large: its picture draws a row's neighbours of one colour as one
 * rectangle, the page paints its points on a canvas, and its keyboard grid is virtual.
 */
export const LARGE_MAP = 2500;

/**
 * The point under a place in the picture, in the picture's own units (its viewBox), or null
 * outside the plot: how the page finds the point under the pointer, whatever the cells are drawn as.
 */
export function pointAtPlot(vx: number, vy: number, nx: number, ny: number): [number, number] | null {
  const { left, top, width, height } = PHASE_PLOT;
  const xi = Math.floor(((vx - left) / width) * nx);
  const yi = Math.floor(((top + height - vy) / height) * ny);
  return xi >= 0 && xi < nx && yi >= 0 && yi < ny ? [xi, yi] : null;
}

/** Each point's colour in grid order, and whether it stands in for a point not run yet (faded). */
export interface PhaseFills {
  fill: string[];
  faded: Uint8Array;
  /** The colour scale of a numeric metric, and its domain, for the legend. */
  colour: (v: number) => string;
  domain: [number, number];
  /** Per point its seeds' results, or null while any is missing. */
  cells: (CellResult[] | null)[];
}

/** What every point is drawn as: finished ones in full, the others as their nearest finished coarser point, faded. */
export function phaseFills(input: PhaseInput): PhaseFills {
  const nx = input.x.values.length;
  const ny = input.y ? input.y.values.length : 1;
  const cells = cellsOf(input);
  const metric = input.metric;
  let domain: [number, number] = [0, 1];
  const means = metric === 'outcome' ? null : cells.map((c) => (c ? meanMetric(c, metric) : null));
  if (means) {
    let [lo, hi] = [Infinity, -Infinity];
    for (const v of means) if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (lo <= hi) domain = [lo, hi];
    if (domain[0] === domain[1]) domain = [domain[0], domain[0] + 1];
  }
  const colour = scaleSequential(interpolateViridis).domain(domain);
  const own: (string | null)[] = cells.map((rows, p) => (!rows ? null : !means ? outcomeFill(rows) : means[p] === null ? '#d9d9d9' : colour(means[p]!)));
  const fill: string[] = new Array(nx * ny);
  const faded = new Uint8Array(nx * ny);
  for (let yi = 0; yi < ny; yi++) {
    for (let xi = 0; xi < nx; xi++) {
      const p = yi * nx + xi;
      let f = own[p];
      for (let step = 2; f === null && step < 2 * Math.max(nx, ny); step *= 2) {
        f = own[(yi - (yi % step)) * nx + (xi - (xi % step))];
        faded[p] = 1;
      }
      fill[p] = f ?? '#f2f2f2';
    }
  }
  return { fill, faded, colour, domain, cells };
}

/**
 * A large map's points, one pixel each (row 0 at the top, as drawn), for a canvas stretched over
 * the plot on white: a point not run yet is its coarser point's colour, faded as in the picture.
 */
export function cellPixels(nx: number, ny: number, fill: readonly string[], faded?: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(nx * ny * 4));
  const rgbOf = new Map<string, [number, number, number]>();
  for (let yi = 0; yi < ny; yi++) {
    for (let xi = 0; xi < nx; xi++) {
      const f = fill[yi * nx + xi];
      let c = rgbOf.get(f);
      if (!c) {
        const { r, g, b } = rgb(f);
        rgbOf.set(f, (c = [r, g, b]));
      }
      const o = ((ny - 1 - yi) * nx + xi) * 4;
      [out[o], out[o + 1], out[o + 2], out[o + 3]] = [c[0], c[1], c[2], faded?.[yi * nx + xi] ? 89 : 255];
    }
  }
  return out;
}

/** "40 of 100 points" while a map fills in; empty once every point is done. */
export function progressText(fills: Pick<PhaseFills, 'cells'>): string {
  const done = fills.cells.filter(Boolean).length;
  return done < fills.cells.length ? `${done} of ${fills.cells.length} points` : '';
}

/**
 * What the picture around the points depends on (title, axes, legend, theory lines): while it is
 * the same, a page redraws only the points and the progress text.
 */
export function frameKey(input: PhaseInput, fills: Pick<PhaseFills, 'domain'>): string {
  const axis = (a: PhaseAxis | null) => (a ? [a.id, a.label, a.unit, a.values] : null);
  return JSON.stringify([input.title, axis(input.x), axis(input.y), input.seeds, input.metric, input.metric === 'outcome' ? null : fills.domain, input.theory ?? null]);
}

/**
 * The points, as SVG elements: finished ones in full, the others as their nearest finished
 * coarser point, faded. A large grid draws each row's neighbours of one colour as one rectangle:
 * a 200 × 200 map is a few hundred elements instead of 40 000.
 */
export function cellsMarkup(input: PhaseInput, fills: PhaseFills): string {
  const nx = input.x.values.length;
  const ny = input.y ? input.y.values.length : 1;
  const { width: pw, height: ph } = PHASE_PLOT;
  const cw = pw / nx;
  const ch = ph / ny;
  const { fill: fillAt, faded: fadedAt, cells } = fills;
  let s = '';
  const merge = nx * ny > LARGE_MAP;
  for (let yi = 0; yi < ny; yi++) {
    let runFrom = 0;
    let runFill = '';
    const y0 = (M.t + ph - (yi + 1) * ch).toFixed(2);
    let runFaded = 0;
    const flush = (to: number) => {
      if (to > runFrom) s += `<rect class="cell" x="${(M.l + runFrom * cw).toFixed(2)}" y="${y0}" width="${((to - runFrom) * cw).toFixed(2)}" height="${ch.toFixed(2)}" fill="${runFill}"${runFaded ? ' fill-opacity="0.35"' : ''} shape-rendering="crispEdges"/>`;
    };
    for (let xi = 0; xi < nx; xi++) {
      const p = yi * nx + xi;
      const fill = fillAt[p];
      if (merge) {
        // A point not run yet stays faded, so a picture of a map stopped half way shows which
        // points are guesses.
        if (fill !== runFill || fadedAt[p] !== runFaded) {
          flush(xi);
          runFrom = xi;
          runFill = fill;
          runFaded = fadedAt[p];
        }
        continue;
      }
      s += `<rect class="cell" data-x="${xi}" data-y="${yi}" x="${(M.l + xi * cw).toFixed(2)}" y="${y0}" width="${cw.toFixed(2)}" height="${ch.toFixed(2)}" fill="${fill}"${fadedAt[p] ? ' fill-opacity="0.35"' : ''} stroke="#ffffff" stroke-width="${Math.min(1, cw / 20).toFixed(2)}"/>`;
      const share = cells[p] && input.seeds > 1 ? stuckShare(cells[p]!) : 0;
      if (cells[p] && share > 0 && share < 1 && cw >= 26 && ch >= 14) {
        s += `<text x="${(M.l + (xi + 0.5) * cw).toFixed(1)}" y="${(M.t + ph - (yi + 0.5) * ch + 4).toFixed(1)}" text-anchor="middle" font-size="${Math.min(11, ch * 0.6).toFixed(0)}" fill="#1a1a1a" pointer-events="none">${Math.round(share * 100)}%</text>`;
      }
    }
    if (merge) flush(nx);
  }
  return s;
}

/**
 * The phase diagram as SVG text. With `drawCells` false the plot is left empty and see-through,
 * for a page that paints a large map's points on a canvas under it. The points are in
 * `g.cells` and the progress in `text.progress`, for a page to redraw alone (see frameKey).
 */
export function phaseSvg(input: PhaseInput, drawCells = true, fills: PhaseFills = phaseFills(input)): string {
  const { width: W, height: H } = PHASE_SIZE;
  const nx = input.x.values.length;
  const ny = input.y ? input.y.values.length : 1;
  const { width: pw, height: ph } = PHASE_PLOT;
  const cw = pw / nx;
  const ch = ph / ny;
  const cx = (k: number) => M.l + (k + 0.5) * cw;
  const cy = (k: number) => M.t + ph - (k + 0.5) * ch;
  const { colour, domain } = fills;
  let s = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12" role="img" aria-label="${esc(input.title)}">`;
  if (drawCells) s += `<rect width="${W}" height="${H}" fill="#ffffff"/>`;
  s += `<text x="${M.l}" y="22" font-size="15" font-weight="600" fill="#1a1a1a">${esc(input.title)}</text>`;
  s += `<text class="progress" x="${W - 12}" y="22" text-anchor="end" fill="#555">${progressText(fills)}</text>`;
  s += `<g class="cells">${drawCells ? cellsMarkup(input, fills) : ''}</g>`;
  s += theoryMarkup(input, cx, cy, cw, ch);
  // Axes: a label per value, thinned to what fits.
  const every = (n: number, room: number) => Math.max(1, Math.ceil(n / Math.max(1, Math.floor(room))));
  // Every e-th value and the last, leaving out one that would crowd the last.
  const labelled = (k: number, n: number, e: number) => k === n - 1 || (k % e === 0 && n - 1 - k >= e);
  // A label takes about 7 px a character and a gap: long ones (115.254) are thinned further.
  const ex = every(nx, pw / Math.max(44, 12 + 7 * Math.max(...input.x.values.map((v) => fmt(v).length))));
  input.x.values.forEach((v, k) => {
    if (!labelled(k, nx, ex)) return;
    s += `<text x="${cx(k).toFixed(1)}" y="${M.t + ph + 16}" text-anchor="middle" fill="#333">${esc(fmt(v))}</text>`;
  });
  s += `<text x="${M.l + pw / 2}" y="${M.t + ph + 40}" text-anchor="middle" font-weight="600" fill="#1a1a1a">${esc(axisTitle(input.x))}</text>`;
  if (input.y) {
    const ey = every(ny, ph / 18);
    input.y.values.forEach((v, k) => {
      if (!labelled(k, ny, ey)) return;
      s += `<text x="${M.l - 8}" y="${(cy(k) + 4).toFixed(1)}" text-anchor="end" fill="#333">${esc(fmt(v))}</text>`;
    });
    s += `<text transform="translate(${M.l - 64},${M.t + ph / 2}) rotate(-90)" text-anchor="middle" font-weight="600" fill="#1a1a1a">${esc(axisTitle(input.y))}</text>`;
  }
  s += legendMarkup(input, W - M.r + 20, M.t, colour, domain);
  return s + '</svg>';
}

function theoryMarkup(input: PhaseInput, cx: (k: number) => number, cy: (k: number) => number, cw: number, ch: number): string {
  const th = input.theory;
  if (!th) return '';
  const along = th.axis === 'x' ? input.x : input.y;
  const across = th.axis === 'x' ? input.y : input.x;
  if (!along) return '';
  const n = across ? across.values.length : 1;
  let s = '';
  for (const [values, dash, label] of [[th.low, '6 4', 'C/(R+1)'], [th.high, '', 'C']] as const) {
    const pts: string[] = [];
    for (let k = 0; k < n; k++) {
      const v = values[Math.min(k, values.length - 1)];
      const p = positionOf(along.values, th.axis === 'x' ? cx : cy, v);
      if (p === null) continue;
      if (th.axis === 'x') {
        const y0 = across ? cy(k) + ch / 2 : M.t + PHASE_SIZE.height - M.t - M.b;
        const y1 = across ? cy(k) - ch / 2 : M.t;
        pts.push(`${p.toFixed(1)},${y0.toFixed(1)}`, `${p.toFixed(1)},${y1.toFixed(1)}`);
      } else {
        const x0 = across ? cx(k) - cw / 2 : M.l;
        const x1 = across ? cx(k) + cw / 2 : PHASE_SIZE.width - M.r;
        pts.push(`${x0.toFixed(1)},${p.toFixed(1)}`, `${x1.toFixed(1)},${p.toFixed(1)}`);
      }
    }
    if (pts.length < 2) continue;
    s += `<polyline points="${pts.join(' ')}" fill="none" stroke="#1a1a1a" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} pointer-events="none"/>`;
    const [lx, ly] = pts[pts.length - 1].split(',').map(Number);
    s += `<text x="${(lx + 4).toFixed(1)}" y="${(ly + (th.axis === 'x' ? 12 : -4)).toFixed(1)}" font-weight="600" fill="#1a1a1a" paint-order="stroke" stroke="#ffffff" stroke-width="3" pointer-events="none">${label}</text>`;
  }
  return s;
}

function legendMarkup(input: PhaseInput, x: number, y: number, colour: (v: number) => string, domain: [number, number]): string {
  let s = `<text x="${x}" y="${y + 4}" font-weight="600" fill="#1a1a1a">${esc(metricLabel(input.metric, input.clocked))}</text>`;
  if (input.metric === 'outcome') {
    const items: [string, string][] = [
      [OUTCOME_COLOR.ok, 'ok: never in trouble'],
      [OUTCOME_COLOR.recovered, 'recovered by the end'],
      [OUTCOME_COLOR.stuck, 'stuck at the end'],
    ];
    if (input.seeds > 1) items.push(['#c9c27a', 'seeds differ: % stuck']);
    items.forEach(([c, t], k) => {
      s += `<rect x="${x}" y="${y + 16 + k * 22}" width="16" height="16" fill="${c}"/><text x="${x + 22}" y="${y + 28 + k * 22}" fill="#333">${esc(t)}</text>`;
    });
    y += 16 + items.length * 22;
  } else {
    const steps = 40;
    for (let k = 0; k < steps; k++) {
      const v = domain[1] - ((domain[1] - domain[0]) * k) / (steps - 1);
      s += `<rect x="${x}" y="${y + 16 + k * 4}" width="16" height="4.5" fill="${colour(v)}"/>`;
    }
    const time = input.clocked && (input.metric === 'trouble_s' || input.metric === 'recovery_s');
    const f = (v: number) => (time ? clockDuration(v) : Math.abs(v) >= 1000 ? formatCount(v) : String(Math.round(v * 1000) / 1000));
    s += `<text x="${x + 22}" y="${y + 26}" fill="#333">${f(domain[1])}</text><text x="${x + 22}" y="${y + 16 + steps * 4}" fill="#333">${f(domain[0])}</text>`;
    s += `<rect x="${x}" y="${y + 30 + steps * 4}" width="16" height="16" fill="#d9d9d9"/><text x="${x + 22}" y="${y + 42 + steps * 4}" fill="#333">none</text>`;
    y += 50 + steps * 4;
  }
  if (input.theory) {
    s += `<line x1="${x}" x2="${x + 16}" y1="${y + 20}" y2="${y + 20}" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="6 4"/><text x="${x + 22}" y="${y + 24}" fill="#333">C/(R+1): stable below</text>`;
    s += `<line x1="${x}" x2="${x + 16}" y1="${y + 42}" y2="${y + 42}" stroke="#1a1a1a" stroke-width="2"/><text x="${x + 22}" y="${y + 46}" fill="#333">C: overloaded above</text>`;
  }
  return s;
}

/**
 * The theory's lines on the teaching model when load is on an axis: below C/(R+1) (capacity ÷
 * attempts) no trigger can keep it stuck; above C it is overloaded without one. C and R are the
 * run's own values, or the other axis's where it sweeps capacity or retries.
 */
export function singleServiceTheory(
  modelId: string,
  x: PhaseAxis,
  y: PhaseAxis | null,
  values: Readonly<Record<string, ParamValue>>,
): TheoryLines | null {
  if (modelId !== 'single-service') return null;
  const axis = x.id === 'load' ? 'x' : y?.id === 'load' ? 'y' : null;
  if (!axis) return null;
  const other = axis === 'x' ? y : x;
  const at = (k: number, id: string) => Number(other?.id === id ? other.values[k] : values[id]);
  const n = other ? other.values.length : 1;
  const low: number[] = [];
  const high: number[] = [];
  for (let k = 0; k < n; k++) {
    const C = at(k, 'capacity');
    const R = at(k, 'retry.attempts');
    low.push(C / (R + 1));
    high.push(C);
  }
  return low.every(Number.isFinite) ? { axis, low, high } : null;
}

/**
 * The grid's runs in coarse-to-fine order: every 2^k-th point on both axes first (largest k),
 * then the points halfway between, down to every point; each point's seeds together. A display
 * order only: each run is the grid's, wherever it comes in the order.
 */
export function coarseToFine(nx: number, ny: number, seeds: number): number[] {
  const out: number[] = [];
  const seen = new Uint8Array(nx * ny);
  let step = 1;
  while (step * 2 < Math.max(nx, ny)) step *= 2;
  for (; step >= 1; step /= 2) {
    for (let yi = 0; yi < ny; yi += step) {
      for (let xi = 0; xi < nx; xi += step) {
        const p = yi * nx + xi;
        if (seen[p]) continue;
        seen[p] = 1;
        for (let s = 0; s < seeds; s++) out.push(p * seeds + s);
      }
    }
  }
  return out;
}
