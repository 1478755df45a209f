/**
 * The dependency graph being built, drawn to be edited: sources on top, each service on the row
 * below its deepest caller, calls as arrows. Drag from one service to another to add a call;
 * click a service (or Enter on it) to select it. (selection, data) → void: the builder's store
 * is told what was done, and draws it again.
 */
import type { Draft } from '../app/build/edits.ts';

const NODE_W = 112;
const NODE_H = 30;
const ROW_H = 58;
const SVG_NS = 'http://www.w3.org/2000/svg';

export interface GraphHooks {
  addCall(from: string, to: string): void;
  select(service: string): void;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Each service's row: one below its deepest caller (a cycle, which the loader refuses, stops at the number of services). */
export function rowsOf(d: Draft): Map<string, number> {
  const row = new Map(d.services.map((s) => [s.id, 0]));
  for (let pass = 0; pass < d.services.length; pass++) {
    let moved = false;
    for (const c of d.calls) {
      const want = (row.get(c.from) ?? 0) + 1;
      if (row.has(c.to) && want > row.get(c.to)! && want <= d.services.length) {
        row.set(c.to, want);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return row;
}

export function drawBuildGraph(box: HTMLElement, d: Draft, selected: string | null, hooks: GraphHooks): void {
  const width = Math.max(240, box.clientWidth || 400);
  const rows = rowsOf(d);
  const byRow: string[][] = [];
  for (const s of d.services) (byRow[rows.get(s.id)! + 1] ??= []).push(s.id);
  byRow[0] = d.sources.map((s) => `source:${s.id}`);
  const pos = new Map<string, { x: number; y: number }>();
  byRow.forEach((ids, r) => {
    (ids ?? []).forEach((id, k) => pos.set(id, { x: ((k + 0.5) * width) / ids.length, y: 8 + r * ROW_H + NODE_H / 2 }));
  });
  const height = Math.max(2, byRow.length) * ROW_H;
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'build-graph-svg', role: 'group', 'aria-label': 'Services and calls: drag from one service to another to add a call' });
  const defs = el('defs', {});
  const marker = el('marker', { id: 'build-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(el('path', { d: 'M0,0L10,5L0,10z', fill: '#555' }));
  defs.append(marker);
  svg.append(defs);
  const edge = (a: string, b: string, cls: string) => {
    const p = pos.get(a);
    const q = pos.get(b);
    if (!p || !q) return;
    svg.append(el('line', { x1: p.x, y1: p.y + NODE_H / 2, x2: q.x, y2: q.y - NODE_H / 2 - 2, class: cls, 'marker-end': 'url(#build-arrow)' }));
  };
  for (const s of d.sources) edge(`source:${s.id}`, s.service, 'build-edge source-edge');
  for (const c of d.calls) edge(c.from, c.to, 'build-edge');
  const drag = el('line', { class: 'build-drag', x1: 0, y1: 0, x2: 0, y2: 0, visibility: 'hidden' });
  for (const s of d.sources) {
    const p = pos.get(`source:${s.id}`)!;
    const g = el('g', { class: 'build-node source', transform: `translate(${p.x - NODE_W / 2},${p.y - NODE_H / 2})` });
    g.append(el('rect', { width: NODE_W, height: NODE_H, rx: 15 }), labelIn(s.label));
    svg.append(g);
  }
  for (const s of d.services) {
    const p = pos.get(s.id)!;
    const g = el('g', {
      class: `build-node service${s.id === selected ? ' selected' : ''}`,
      transform: `translate(${p.x - NODE_W / 2},${p.y - NODE_H / 2})`,
      'data-service': s.id,
      tabindex: 0,
      role: 'button',
      'aria-label': `${s.label}: show its fields`,
    });
    g.append(el('rect', { width: NODE_W, height: NODE_H, rx: 4 }), labelIn(s.label));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        hooks.select(s.id);
      }
    });
    svg.append(g);
  }
  svg.append(drag);
  // A drag from a service draws a line; let go over another service and the call is made.
  let from: string | null = null;
  let moved = false;
  const local = (e: PointerEvent) => {
    const r = svg.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  svg.addEventListener('pointerdown', (e) => {
    const g = (e.target as Element).closest('[data-service]');
    if (!g) return;
    from = g.getAttribute('data-service');
    moved = false;
    const p = pos.get(from!)!;
    drag.setAttribute('x1', String(p.x));
    drag.setAttribute('y1', String(p.y));
    const q = local(e);
    drag.setAttribute('x2', String(q.x));
    drag.setAttribute('y2', String(q.y));
    svg.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  svg.addEventListener('pointermove', (e) => {
    if (from === null) return;
    const q = local(e);
    moved = true;
    drag.setAttribute('visibility', 'visible');
    drag.setAttribute('x2', String(q.x));
    drag.setAttribute('y2', String(q.y));
  });
  const end = (e: PointerEvent) => {
    if (from === null) return;
    const start = from;
    from = null;
    drag.setAttribute('visibility', 'hidden');
    svg.releasePointerCapture?.(e.pointerId);
    const under = document.elementFromPoint(e.clientX, e.clientY)?.closest('[data-service]')?.getAttribute('data-service');
    if (!moved || under === start) hooks.select(start);
    else if (under) hooks.addCall(start, under);
  };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointercancel', () => {
    from = null;
    drag.setAttribute('visibility', 'hidden');
  });
  // The same drawing as the one shown (an edit of a value): the one shown stays.
  if (!box.firstElementChild?.isEqualNode(svg)) box.replaceChildren(svg);
}

/** A box's label, clipped at its edges. */
function labelIn(text: string): SVGSVGElement {
  const box = el('svg', { width: NODE_W, height: NODE_H, overflow: 'hidden' });
  box.append(el('text', { x: NODE_W / 2, y: NODE_H / 2 + 5, 'text-anchor': 'middle' }, text));
  return box;
}
