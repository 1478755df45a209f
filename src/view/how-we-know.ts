/**
 * "How we know": each published result the engine is held against, the lab's own figure, the
 * tolerance and whether it passes — measured live, not copied.
 */
import type { CheckResult } from '../engine/validation.ts';

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : String(Math.round(x * 1e4) / 1e4));

export function renderHowWeKnow(root: HTMLElement, rows: readonly CheckResult[] | null, status: string): void {
  root.replaceChildren();
  const p = document.createElement('p');
  p.className = 'desc';
  p.textContent = status;
  root.append(p);
  if (!rows) return;
  const table = document.createElement('table');
  table.className = 'how-we-know';
  const head = table.createTHead().insertRow();
  for (const h of ['Result', 'Expected', 'This lab', 'Tolerance', '']) head.append(Object.assign(document.createElement('th'), { textContent: h, scope: 'col' }));
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    const claim = document.createElement('th');
    claim.scope = 'row';
    claim.textContent = r.claim;
    const src = document.createElement('small');
    src.textContent = ` ${r.source}`;
    claim.append(document.createElement('br'), src);
    tr.append(claim);
    const unit = r.unit ? ` ${r.unit}` : '';
    tr.insertCell().textContent = `${r.kind === 'atMost' ? '≤ ' : ''}${fmt(r.expected)}${unit} (${r.reference})`;
    tr.insertCell().textContent = `${fmt(r.measured)}${unit}`;
    tr.insertCell().textContent = r.kind === 'atMost' ? `+${r.tolerance * 100} %` : `± ${r.tolerance * 100} %`;
    const verdict = tr.insertCell();
    verdict.textContent = r.pass ? 'pass' : 'FAIL';
    verdict.className = r.pass ? 'pass' : 'fail';
  }
  root.append(table);
}
