/**
 * The dependency graph of one region: where work comes from, which service calls which, every
 * node coloured and labelled by its state, with its offered load, goodput and capacity.
 */
import { select } from 'd3';
import { HEALTH_STATES } from '../engine/machines/health.ts';
import { FRAME_METRICS, type Frame, type ModelInfo } from '../worker/protocol.ts';
import { formatRate } from './format.ts';
import { STATE_COLOR, STATE_TEXT } from './palette.ts';

const K = FRAME_METRICS.length;
const NODE_W = 210;
const NODE_H = 66;

export interface EdgeGeometry {
  from: string;
  to: string;
  /** Cubic Bézier: start, two control points, end (viewBox units). */
  bezier: [number, number, number, number, number, number, number, number];
}

export interface GraphView {
  draw(frame: Frame, region: string, selectedService: string, highlight?: ReadonlySet<string>): void;
  readonly svg: SVGSVGElement;
  readonly edges: EdgeGeometry[];
  readonly size: { width: number; height: number };
}

interface Placed {
  id: string;
  label: string;
  kind: 'source' | 'service';
  x: number;
  y: number;
  service: number;
}

/** Columns by depth: sources, then every service one column right of its deepest caller. */
export function layoutGraph(model: ModelInfo): { nodes: Placed[]; edges: [string, string][]; width: number; height: number } {
  const depth = new Map<string, number>();
  for (const s of model.sources) depth.set(s.service, Math.max(depth.get(s.service) ?? 1, 1));
  for (let pass = 0; pass < model.services.length; pass++) {
    for (const c of model.calls) depth.set(c.to, Math.max(depth.get(c.to) ?? 1, (depth.get(c.from) ?? 1) + 1));
  }
  const columns: Placed[][] = [];
  model.sources.forEach((s) => (columns[0] ??= []).push({ id: `source:${s.id}`, label: s.label, kind: 'source', x: 0, y: 0, service: -1 }));
  model.services.forEach((s, j) => {
    const d = depth.get(s.id) ?? 1;
    (columns[d] ??= []).push({ id: s.id, label: s.label, kind: 'service', x: 0, y: 0, service: j });
  });
  const rows = Math.max(...columns.map((c) => c?.length ?? 0));
  const width = columns.length * (NODE_W + 40);
  const height = rows * (NODE_H + 18) + 10;
  const nodes: Placed[] = [];
  columns.forEach((col, d) =>
    col?.forEach((n, k) => {
      n.x = d * (NODE_W + 40) + 10;
      n.y = (height - col.length * (NODE_H + 18)) / 2 + k * (NODE_H + 18) + 9;
      nodes.push(n);
    }),
  );
  const edges: [string, string][] = [...model.sources.map((s) => [`source:${s.id}`, s.service] as [string, string]), ...model.calls.map((c) => [c.from, c.to] as [string, string])];
  return { nodes, edges, width, height };
}

export function renderGraph(root: HTMLElement, model: ModelInfo, onSelect: (service: string) => void): GraphView {
  root.replaceChildren();
  const { nodes, edges, width, height } = layoutGraph(model);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const bezierOf = ([a, b]: [string, string]): EdgeGeometry['bezier'] => {
    const p = byId.get(a)!;
    const q = byId.get(b)!;
    const x1 = p.x + NODE_W;
    const y1 = p.y + NODE_H / 2;
    const x2 = q.x;
    const y2 = q.y + NODE_H / 2;
    return [x1, y1, x1 + 25, y1, x2 - 25, y2, x2, y2];
  };
  const svg = select(root).append('svg').attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'group').attr('aria-label', 'Dependency graph');
  svg
    .append('defs')
    .append('marker')
    .attr('id', 'arrow')
    .attr('viewBox', '0 0 10 10')
    .attr('refX', 9)
    .attr('refY', 5)
    .attr('markerWidth', 6)
    .attr('markerHeight', 6)
    .attr('orient', 'auto-start-reverse')
    .append('path')
    .attr('d', 'M0,0 L10,5 L0,10 z')
    .attr('fill', '#777');
  const edge = svg
    .append('g')
    .selectAll('path')
    .data(edges)
    .join('path')
    .attr('class', 'edge')
    .attr('marker-end', 'url(#arrow)')
    .attr('d', (e) => {
      const [x1, y1, c1x, c1y, c2x, c2y, x2, y2] = bezierOf(e);
      return `M${x1},${y1} C${c1x},${c1y} ${c2x},${c2y} ${x2},${y2}`;
    });
  const g = svg
    .append('g')
    .selectAll('g')
    .data(nodes)
    .join('g')
    .attr('class', (n) => `gnode ${n.kind}`)
    .attr('transform', (n) => `translate(${n.x},${n.y})`);
  const services = g.filter((n) => n.kind === 'service').attr('tabindex', 0).attr('role', 'button');
  services.on('click', (_, n) => onSelect(n.id)).on('keydown', (e: KeyboardEvent, n) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(n.id);
    }
  });
  g.append('rect').attr('width', NODE_W).attr('height', NODE_H).attr('rx', 6);
  g.append('text').attr('class', 'label').attr('x', 8).attr('y', 19).text((n) => n.label);
  const state = g.append('text').attr('class', 'state').attr('x', 8).attr('y', 38);
  const numbers = g.append('text').attr('class', 'numbers').attr('x', 8).attr('y', 57);

  return {
    svg: svg.node()!,
    edges: edges.map((e) => ({ from: e[0], to: e[1], bezier: bezierOf(e) })),
    size: { width, height },
    draw(frame, region, selectedService, highlight = new Set()) {
      g.classed('highlight', (n) => highlight.has(n.id));
      const r = model.regions.findIndex((x) => x.id === region);
      const S = model.services.length;
      const stateOf = (n: Placed) => (n.kind === 'service' ? HEALTH_STATES[frame.health[r * S + n.service]] : 'source');
      g.select('rect')
        .attr('fill', (n) => (n.kind === 'service' ? STATE_COLOR[stateOf(n)] : '#f2f2f2'))
        .attr('stroke', (n) => (n.id === selectedService ? '#000' : '#666'))
        .attr('stroke-width', (n) => (n.id === selectedService ? 3 : 1));
      g.selectAll<SVGTextElement, Placed>('text').attr('fill', (n) => (n.kind === 'service' ? STATE_TEXT[stateOf(n)] : '#1a1a1a'));
      state.text((n) => (n.kind === 'service' ? stateOf(n) : 'new work'));
      numbers.text((n) => {
        if (n.kind !== 'service') return '';
        const o = (r * S + n.service) * K;
        const m = frame.metrics;
        const wasted = m[o + 6] >= 1 ? ` · ${formatRate(m[o + 6])} wasted` : '';
        return `${formatRate(m[o + 1])} in · ${formatRate(m[o + 2])} ok${wasted}`;
      });
      services.attr('aria-label', (n) => {
        const o = (r * S + n.service) * K;
        return `${n.label}: ${stateOf(n)}, offered ${formatRate(frame.metrics[o + 1])} per second, goodput ${formatRate(frame.metrics[o + 2])}`;
      });
      edge.classed('failing', ([, b]) => {
        const q = byId.get(b)!;
        const s = stateOf(q);
        return s === 'down' || s === 'overloaded';
      });
    },
  };
}
