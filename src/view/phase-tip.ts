/** A point of the map in words: its name (values and outcome), and its figures for the tooltip. */
import type { CellResult, SweepSpec } from '../engine/sweep.ts';
import type { ParamValue } from '../params/registry.ts';
import { cellsOf, meanMetric, stuckShare } from './phase.ts';
import { clockDuration, formatCount } from './format.ts';

const h = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...kids);
  return el;
};

const v = (x: ParamValue) => (typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : x);

/** A point's values, as the sweep's command names them: "load = 800, trigger.duration = 40". */
export function pointValues(spec: SweepSpec, [xi, yi]: [number, number]): string {
  return `${spec.x.id} = ${v(spec.x.values[xi])}${spec.y ? `, ${spec.y.id} = ${v(spec.y.values[yi])}` : ''}`;
}

/** How a point's seeds ended: the outcome they share, or the share that stuck and each outcome. */
function outcomeOf(rows: CellResult[]): string {
  if (rows.length === 1) return rows[0].outcome;
  if (rows.every((r) => r.outcome === rows[0].outcome)) return `${rows[0].outcome} (all ${rows.length} seeds)`;
  return `${Math.round(stuckShare(rows) * 100)} % of ${rows.length} seeds stuck (${rows.map((r) => r.outcome).join(', ')})`;
}

/**
 * A point's accessible name: its values and how it ended, or "pending" while any of its seeds is
 * still to run. `rows` are the point's results, as `cellsOf` gives them.
 */
export function pointName(spec: SweepSpec, p: [number, number], rows: CellResult[] | null): string {
  return `${pointValues(spec, p)}: ${rows ? outcomeOf(rows) : 'pending'}`;
}

/** A point's figures, for the tooltip: its values, then each seed or the seeds' summary. */
export function describePoint(spec: SweepSpec, results: readonly (CellResult | undefined)[], [xi, yi]: [number, number], clocked = false): HTMLElement[] {
  const nx = spec.x.values.length;
  const rows = cellsOf({ x: spec.x, y: spec.y, seeds: spec.seeds, results })[yi * nx + xi];
  const out = [h('strong', { textContent: pointValues(spec, [xi, yi]) })];
  if (!rows) return [...out, h('div', { textContent: 'not run yet' })];
  const n = (x: number | null, unit = '') => (x === null ? '–' : `${Math.abs(x) >= 1000 ? formatCount(x) : Math.round(x * 100) / 100}${unit}`);
  const line = (label: string, text: string) => h('div', {}, `${label}: `, text);
  // On a clocked model times read as the clock writes them (h:min); the CSV keeps seconds.
  const time = (x: number | null) => (x === null ? '–' : clocked ? `${clockDuration(x)} (h:min)` : n(x, ' s'));
  if (rows.length > 1) out.push(line('stuck', `${Math.round(stuckShare(rows) * 100)} % of ${rows.length} seeds (${rows.map((r) => r.outcome).join(', ')})`));
  else out.push(line('outcome', rows[0].outcome));
  const mean = rows.length > 1 ? ' (mean)' : '';
  out.push(
    line(`in trouble${mean}`, time(meanMetric(rows, 'trouble_s'))),
    line(`to recover${mean}`, time(meanMetric(rows, 'recovery_s'))),
    line(`goodput ÷ demand, last tenth${mean}`, n(meanMetric(rows, 'goodput_share'))),
    line(`peak amplification${mean}`, n(meanMetric(rows, 'peak_amplification'), '×')),
    line(`wasted${mean}`, n(meanMetric(rows, 'wasted'))),
    h('div', { className: 'sweep-tip-hint', textContent: `Click, or press Enter, to open this run (seed ${rows[0].seed}).` }),
  );
  return out;
}
