/**
 * The dependency graph of one region: where work comes from, which service calls which, every
 * node coloured and labelled by its state, with its offered load and goodput. Laid out in CSS
 * pixels for the box it is given: layers as rows (tall boxes) or columns (wide ones), whichever
 * gives the nodes more room, labels wrapped to fit at the stage's text size.
 */
import { select } from 'd3';
import { HEALTH_STATES } from '../engine/machines/health.ts';
import { FRAME_METRICS, type Frame, type ModelInfo } from '../worker/protocol.ts';
import { formatRate } from './format.ts';
import { stageStacked } from './layout.ts';
import { stateColor, STATE_TEXT } from './palette.ts';
import { stageTextPx, textWidth, widestWord, wrapText } from './text.ts';

const K = FRAME_METRICS.length;

export interface EdgeGeometry {
  from: string;
  to: string;
  /** Cubic Bézier: start, two control points, end (pixels). */
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
  w: number;
  h: number;
  service: number;
  lines: string[];
}

/** Layers by depth: sources, then every service one layer past its deepest caller. */
export function graphLayers(model: ModelInfo): { layers: Omit<Placed, 'x' | 'y' | 'w' | 'h' | 'lines'>[][]; edges: [string, string][] } {
  const depth = new Map<string, number>();
  for (const s of model.sources) depth.set(s.service, Math.max(depth.get(s.service) ?? 1, 1));
  for (let pass = 0; pass < model.services.length; pass++) {
    for (const c of model.calls) depth.set(c.to, Math.max(depth.get(c.to) ?? 1, (depth.get(c.from) ?? 1) + 1));
  }
  const layers: Omit<Placed, 'x' | 'y' | 'w' | 'h' | 'lines'>[][] = [[]];
  model.sources.forEach((s) => layers[0].push({ id: `source:${s.id}`, label: s.label, kind: 'source', service: -1 }));
  model.services.forEach((s, j) => (layers[depth.get(s.id) ?? 1] ??= []).push({ id: s.id, label: s.label, kind: 'service', service: j }));
  const edges: [string, string][] = [...model.sources.map((s) => [`source:${s.id}`, s.service] as [string, string]), ...model.calls.map((c) => [c.from, c.to] as [string, string])];
  return { layers: layers.filter((l) => l && l.length), edges };
}

/** The size of a node's second and third lines: a little smaller, never under 12 px (18 px in presenter mode). */
function smallText(px: number): number {
  return Math.max(px >= 18 ? 18 : 12, Math.round(px * 0.9));
}

/** The height a node needs for its text (sources show their label only). */
function nodeHeight(n: { kind: string; lines: string[] }, px: number, small: number, pad: number, compact: boolean): number {
  const label = n.lines.length * px * 1.2;
  return Math.ceil(n.kind === 'source' ? label + 2 * pad : label + (compact ? small * 1.25 + 1.2 * pad : 2 * small * 1.25 + 1.6 * pad));
}

/**
 * Places the nodes in a `width` × `height` box with text of `px` pixels: layers as rows or as
 * columns, whichever fits (and, if both do, gives the nodes more room). A layer wider than the box
 * allows is split over several rows; the result may then be taller than the box (it scrolls).
 */
export function layoutGraph(model: ModelInfo, width: number, height: number, px: number, compact = false): { nodes: Placed[]; edges: [string, string][]; width: number; height: number; vertical: boolean } {
  const { layers, edges } = graphLayers(model);
  const pad = Math.round(px * 0.55);
  const small = smallText(px);
  // A node holds its widest word, its state and (unless compact) its rates.
  const second = compact ? Math.max(...HEALTH_STATES.map((s) => textWidth(s, small))) : textWidth('999k in · 999k ok', small);
  const minW = Math.ceil(Math.max(...layers.flat().map((n) => widestWord(n.label, px, 700)), second, px * 6) + 2 * pad);
  // Sources show only their label: they may be narrower, so more of them share a row.
  const minWOf = (layer: { kind: string; label: string }[]) =>
    layer.every((n) => n.kind === 'source') ? Math.ceil(Math.max(...layer.map((n) => widestWord(n.label, px, 700)), px * 4) + 2 * pad) : minW;
  const gapX = Math.round(px * 1.1);
  // Compact (a small embed): rows closer together, edges shorter.
  const gapY = Math.round(px * (compact ? 0.8 : 1.5));
  const wrap = (label: string, w: number) => wrapText(label, w - 2 * pad, px, 700, 2) ?? wrapText(label, w - 2 * pad, px, 700, 4) ?? [label];

  // Rows: layers top to bottom, each split so its nodes are at least minW wide. The second row
  // of a split layer, if shorter, sits between the first row's nodes: the edges leaving the first
  // row then pass beside its nodes, not through them.
  const rows = layers.flatMap((l) => {
    const perRow = Math.max(1, Math.floor((width + gapX) / (minWOf(l) + gapX)));
    const chunks = Array.from({ length: Math.ceil(l.length / perRow) }, (_, k) => l.slice(k * perRow, (k + 1) * perRow));
    return chunks.map((nodes, k) => ({ nodes, above: k === 1 && nodes.length < chunks[0].length ? chunks[0].length : 0 }));
  });
  const vNodes: Placed[] = [];
  const rowH: number[] = [];
  for (const { nodes: row, above } of rows) {
    const cellW = (width + gapX) / (above || row.length);
    const w = Math.floor(Math.min(cellW - gapX, Math.max(minWOf(row), px * 16)));
    // Between: centred on a gap of the row above (gaps spread evenly), no wider than a cell.
    const centre = (i: number) => (above ? Math.min(above - 1, Math.max(1, Math.round(((i + 1) * above) / (row.length + 1)))) * cellW - gapX / 2 : i * cellW + (cellW - gapX) / 2);
    const placed = row.map((n, i) => ({ ...n, w, h: 0, x: centre(i) - w / 2, y: 0, lines: wrap(n.label, w) }));
    const h = Math.max(...placed.map((n) => nodeHeight(n, px, small, pad, compact)));
    placed.forEach((n) => (n.h = h));
    rowH.push(h);
    vNodes.push(...placed);
  }
  const vNeed = rowH.reduce((a, b) => a + b, 0) + gapY * (rows.length - 1);

  // Columns: layers left to right.
  const colW = (width + gapX) / layers.length - gapX;
  const hFits = colW >= minW;
  const hNodes: Placed[] = [];
  let hNeed = 0;
  if (hFits) {
    const w = Math.floor(Math.min(colW, px * 16));
    layers.forEach((layer, d) => {
      const placed = layer.map((n) => ({ ...n, w, h: 0, x: d * (colW + gapX) + (colW - w) / 2, y: 0, lines: wrap(n.label, w) }));
      placed.forEach((n) => (n.h = nodeHeight(n, px, small, pad, compact)));
      hNeed = Math.max(hNeed, placed.reduce((a, n) => a + n.h, 0) + gapY * 0.6 * (placed.length - 1));
      hNodes.push(...placed);
    });
  }
  const vW = Math.min(...vNodes.map((n) => n.w));
  const hW = hFits ? Math.min(...hNodes.map((n) => n.w)) : 0;
  const vertical = !hFits || (vNeed <= height && (hNeed > height || vW >= hW * 0.9)) || (vNeed > height && hNeed > height && vNeed <= hNeed);
  if (vertical) {
    // Spare height goes between the rows (edges get longer), up to a point.
    const spare = Math.max(0, height - vNeed);
    const gap = gapY + Math.min(spare / Math.max(1, rows.length - 1), px * 4);
    const total = rowH.reduce((a, b) => a + b, 0) + gap * (rows.length - 1);
    let y = Math.max(0, (height - total) / 2);
    let k = 0;
    rows.forEach(({ nodes: row }, r) => {
      for (let i = 0; i < row.length; i++) vNodes[k++].y = y;
      y += rowH[r] + gap;
    });
    return { nodes: vNodes, edges, width, height: Math.ceil(Math.max(height, total)), vertical: true };
  }
  const total = Math.max(height, hNeed);
  layers.forEach((layer) => {
    const placed = hNodes.filter((n) => layer.some((m) => m.id === n.id));
    const need = placed.reduce((a, n) => a + n.h, 0);
    const gap = placed.length > 1 ? Math.min((total - need) / (placed.length - 1), px * 4) : 0;
    let y = (total - need - gap * (placed.length - 1)) / 2;
    for (const n of placed) {
      n.y = y;
      y += n.h + gap;
    }
  });
  return { nodes: hNodes, edges, width, height: Math.ceil(total), vertical: false };
}

export function renderGraph(root: HTMLElement, model: ModelInfo, onSelect: (service: string) => void): GraphView {
  root.querySelector(':scope > svg')?.remove();
  let px = stageTextPx(root);
  // A margin of 4 px keeps the thick outline of a selected or highlighted node inside the box.
  const box = { width: Math.max(160, root.clientWidth - 8), height: Math.max(120, root.clientHeight - 8) };
  // The stage's text size if the graph fits; otherwise a little smaller, never below the floor.
  const floor = px >= 18 ? 18 : 12;
  let laid = layoutGraph(model, box.width, box.height, px);
  for (let p = px - 1; laid.height > box.height && p >= floor; p--) {
    const smaller = layoutGraph(model, box.width, box.height, p);
    laid = smaller;
    px = p;
  }
  // Still too tall (a small embed): the rates go to each node's tooltip and name, the rest stays.
  const compact = laid.height > box.height && !stageStacked(root);
  if (compact) laid = layoutGraph(model, box.width, box.height, px, true);
  for (const n of laid.nodes) {
    n.x += 4;
    n.y += 4;
  }
  const { nodes, edges, vertical } = laid;
  const width = laid.width + 8;
  const height = laid.height + 8;
  const small = smallText(px);
  const pad = Math.round(px * 0.55);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const bezierOf = ([a, b]: [string, string]): EdgeGeometry['bezier'] => {
    const p = byId.get(a)!;
    const q = byId.get(b)!;
    if (vertical) {
      const x1 = p.x + p.w / 2;
      const y1 = p.y + p.h;
      const x2 = q.x + q.w / 2;
      const y2 = q.y;
      const bend = Math.max(20, (y2 - y1) / 2);
      return [x1, y1, x1, y1 + bend, x2, y2 - bend, x2, y2];
    }
    const x1 = p.x + p.w;
    const y1 = p.y + p.h / 2;
    const x2 = q.x;
    const y2 = q.y + q.h / 2;
    const bend = Math.max(20, (x2 - x1) / 2);
    return [x1, y1, x1 + bend, y1, x2 - bend, y2, x2, y2];
  };
  const svg = select(root)
    .insert('svg', ':first-child')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('class', 'graph-svg')
    .attr('role', 'group')
    .attr('aria-label', 'Dependency graph');
  const marker = `arrow-${Math.random().toString(36).slice(2, 8)}`;
  svg
    .append('defs')
    .append('marker')
    .attr('id', marker)
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
    .attr('aria-hidden', 'true')
    .selectAll('path')
    .data(edges)
    .join('path')
    .attr('class', 'edge')
    .attr('marker-end', `url(#${marker})`)
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
  g.filter((n) => n.kind === 'source').attr('aria-hidden', 'true');
  g.append('rect').attr('width', (n) => n.w).attr('height', (n) => n.h).attr('rx', 6);
  const titles = g.append('title').text((n) => n.label);
  const lineH = px * 1.2;
  // The text block (label lines, state, numbers) is centred in the node.
  const top = (n: Placed) => (n.h - (n.lines.length * lineH + (n.kind === 'source' ? 0 : (compact ? 1 : 2) * small * 1.25))) / 2 + px * 0.95;
  g.each(function (n) {
    const t = select(this).append('text').attr('class', 'label').attr('font-size', px);
    n.lines.forEach((line, k) => t.append('tspan').attr('x', pad).attr('y', top(n) + k * lineH).text(line));
  });
  const state = g
    .append('text')
    .attr('class', 'state')
    .attr('font-size', small)
    .attr('x', pad)
    .attr('y', (n) => top(n) + n.lines.length * lineH + small * 0.15);
  const numbers = g
    .append('text')
    .attr('class', 'numbers')
    .attr('font-size', small)
    .attr('x', pad)
    .attr('y', (n) => top(n) + n.lines.length * lineH + small * 1.4);
  // Each service is a button: a transparent target over the node, named in words (the drawing is the picture).
  const services = g
    .filter((n) => n.kind === 'service')
    .append('rect')
    .attr('class', 'hit')
    .attr('width', (n) => n.w)
    .attr('height', (n) => n.h)
    .attr('rx', 6)
    .attr('tabindex', 0)
    .attr('role', 'button')
    .on('click', (_, n) => onSelect(n.id))
    .on('keydown', (e: KeyboardEvent, n) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(n.id);
      }
    });
  g.selectAll('text').attr('aria-hidden', 'true');

  return {
    svg: svg.node()!,
    edges: edges.map((e) => ({ from: e[0], to: e[1], bezier: bezierOf(e) })),
    size: { width, height },
    draw(frame, region, selectedService, highlight = new Set()) {
      g.classed('highlight', (n) => highlight.has(n.id));
      const r = model.regions.findIndex((x) => x.id === region);
      const S = model.services.length;
      const stateOf = (n: Placed) => (n.kind === 'service' ? (HEALTH_STATES[frame.health[r * S + n.service]] ?? 'unknown') : 'source');
      g.select('rect:not(.hit)')
        .attr('fill', (n) => (n.kind === 'service' ? stateColor(stateOf(n)) : '#f2f2f2'))
        .attr('stroke', (n) => (n.id === selectedService ? '#000' : '#666'))
        .attr('stroke-width', (n) => (n.id === selectedService ? 4 : 1));
      g.selectAll<SVGTextElement, Placed>('text').attr('fill', (n) => (n.kind === 'service' ? STATE_TEXT : '#1a1a1a'));
      state.text((n) => (n.kind === 'service' ? stateOf(n) : ''));
      const numbersOf = (n: Placed) => {
        const o = (r * S + n.service) * K;
        return `${formatRate(frame.metrics[o + 1])} in · ${formatRate(frame.metrics[o + 2])} ok`;
      };
      numbers.text((n) => (n.kind === 'service' && !compact ? numbersOf(n) : ''));
      if (compact) titles.text((n) => (n.kind === 'service' ? `${n.label}: ${numbersOf(n)}` : n.label));
      services.attr('aria-pressed', (n) => String(n.id === selectedService));
      // The accessible name starts with what the node shows, then says it in words.
      services.attr('aria-label', (n) => `${n.label}: ${stateOf(n)}, ${numbersOf(n)} (offered and goodput per second)`);
      edge.classed('failing', ([, b]) => {
        const s = stateOf(byId.get(b)!);
        return s === 'down' || s === 'overloaded';
      });
    },
  };
}
