/** A point of the map in words, for its tooltip: its values, then each seed or the seeds' summary. */
import type { CellResult, SweepSpec } from '../engine/sweep.ts';
import type { ParamValue } from '../params/registry.ts';
import { cellsOf, meanMetric, stuckShare } from './phase.ts';

const h = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...kids);
  return el;
};

/** A point's figures, for the tooltip: its values, then each seed or the seeds' summary. */
export function describePoint(spec: SweepSpec, results: readonly (CellResult | undefined)[], [xi, yi]: [number, number]): HTMLElement[] {
  const nx = spec.x.values.length;
  const rows = cellsOf({ x: spec.x, y: spec.y, seeds: spec.seeds, results })[yi * nx + xi];
  const v = (x: ParamValue) => (typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : x);
  const head = `${spec.x.id} = ${v(spec.x.values[xi])}${spec.y ? `, ${spec.y.id} = ${v(spec.y.values[yi])}` : ''}`;
  const out = [h('strong', { textContent: head })];
  if (!rows) return [...out, h('div', { textContent: 'not run yet' })];
  const n = (x: number | null, unit = '') => (x === null ? '–' : `${Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : Math.round(x * 100) / 100}${unit}`);
  const line = (label: string, text: string) => h('div', {}, `${label}: `, text);
  if (rows.length > 1) out.push(line('stuck', `${Math.round(stuckShare(rows) * 100)} % of ${rows.length} seeds (${rows.map((r) => r.outcome).join(', ')})`));
  else out.push(line('outcome', rows[0].outcome));
  const mean = rows.length > 1 ? ' (mean)' : '';
  out.push(
    line(`in trouble${mean}`, n(meanMetric(rows, 'trouble_s'), ' s')),
    line(`to recover${mean}`, n(meanMetric(rows, 'recovery_s'), ' s')),
    line(`goodput ÷ demand, last tenth${mean}`, n(meanMetric(rows, 'goodput_share'))),
    line(`peak amplification${mean}`, n(meanMetric(rows, 'peak_amplification'), '×')),
    line(`wasted${mean}`, n(meanMetric(rows, 'wasted'))),
    h('div', { className: 'sweep-tip-hint', textContent: `Click to open this run (seed ${rows[0].seed}).` }),
  );
  return out;
}
