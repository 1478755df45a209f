/**
 * "How we know": each published result the engine is held against, the lab's own figure, the
 * tolerance and whether it passes — measured live, not copied. A list rather than a table, so it
 * reads in a narrow side panel too.
 */
import type { CheckResult } from '../engine/validation.ts';

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : String(Math.round(x * 1e4) / 1e4));

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderHowWeKnow(root: HTMLElement, rows: readonly CheckResult[] | null, status: string): void {
  root.replaceChildren(el('p', 'desc', status));
  if (!rows) return;
  const list = el('ul', 'how-we-know');
  for (const r of rows) {
    const item = el('li', r.pass ? 'check pass' : 'check fail');
    const unit = r.unit ? ` ${r.unit}` : '';
    const figures = el('p', 'figures');
    figures.append(
      el('span', '', `${r.reference}: ${r.kind === 'atMost' ? '≤ ' : ''}${fmt(r.expected)}${unit}`),
      ' · ',
      el('span', '', `this lab: ${fmt(r.measured)}${unit}`),
      ' · ',
      el('span', '', `tolerance ${r.kind === 'atMost' ? `+${r.tolerance * 100} %` : `± ${r.tolerance * 100} %`}`),
      ' · ',
      el('strong', 'verdict', r.pass ? 'pass' : 'FAIL'),
    );
    item.append(el('p', 'claim', r.claim), figures, el('p', 'source', r.source));
    list.append(item);
  }
  root.append(list);
}
