/**
 * The world map: Natural Earth land (world-atlas, bundled), each region a marker at its own
 * longitude and latitude, coloured and glowing by the state of the service the lab judges, ringed
 * by the state of every service there; calls routed to the paired region drawn as animated arcs
 * whose width follows the routed rate. Drawn in CSS pixels at the size of its box, labels
 * placed so they do not overlap.
 */
import { geoNaturalEarth1, geoPath, select } from 'd3';
import { feature } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';
import land110m from 'world-atlas/land-110m.json';
import { HEALTH_STATES } from '../engine/machines/health.ts';
import { FRAME_METRICS, type Frame, type ModelInfo } from '../worker/protocol.ts';
import { stateAlarm, stateColor, stateLegend } from './palette.ts';
import { stageTextPx, textWidth } from './text.ts';

const K = FRAME_METRICS.length;
const ROUTED = FRAME_METRICS.indexOf('routed');

/** Below this width or height the map's labels are set smaller. */
const SMALL_MAP = { width: 480, height: 140 };

export interface RegionsView {
  draw(frame: Frame, selected: string): void;
}

/** Whether a model's regions can go on a map (every one has coordinates). */
export function hasMap(model: ModelInfo): boolean {
  return model.regions.length > 1 && model.regions.every((r) => r.lat !== undefined && r.lon !== undefined);
}

type Land = GeoJSON.Feature<GeoJSON.MultiPolygon>;
let landCache: Land | null = null;

/** The land, without Antarctica (nothing runs there, and it would take a fifth of the height). */
export function land(): Land {
  if (landCache) return landCache;
  const topo = land110m as unknown as Topology<{ land: GeometryObject }>;
  const all = feature(topo, topo.objects.land) as unknown as GeoJSON.FeatureCollection<GeoJSON.MultiPolygon> | Land;
  const polys = ('features' in all ? all.features.flatMap((f) => f.geometry.coordinates) : all.geometry.coordinates).filter((p) =>
    p[0].some(([, lat]) => lat > -60),
  );
  landCache = { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: polys } };
  return landCache;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function renderRegions(root: HTMLElement, model: ModelInfo, onSelect: (region: string) => void): RegionsView {
  root.replaceChildren();
  const width = Math.max(200, root.clientWidth);
  const height = Math.max(120, root.clientHeight);
  // A small map (a small embed) has little room between its regions: smaller labels, never under 12 px.
  const px = Math.max(12, stageTextPx(root) - (width < SMALL_MAP.width || height < SMALL_MAP.height ? 2 : 0));
  const small = Math.max(12, px - 1);
  const uid = Math.random().toString(36).slice(2, 8);
  const svg = select(root).append('svg').attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'map').attr('role', 'group').attr('aria-label', 'Regions on a world map');
  const shape = land();
  const proj = geoNaturalEarth1().fitExtent(
    [
      [4, 4],
      [width - 4, height - 4],
    ],
    extentAround(model),
  );
  // The land is drawn once, on a canvas under the live drawing: what moves (arcs, glows) is then
  // painted again without the coastlines.
  const landCanvas = document.createElement('canvas');
  landCanvas.className = 'map-land';
  landCanvas.setAttribute('aria-hidden', 'true');
  const dpr = window.devicePixelRatio || 1;
  landCanvas.width = Math.round(width * dpr);
  landCanvas.height = Math.round(height * dpr);
  landCanvas.style.width = `${width}px`;
  landCanvas.style.height = `${height}px`;
  root.prepend(landCanvas);
  const lctx = landCanvas.getContext('2d');
  if (lctx) {
    lctx.scale(dpr, dpr);
    lctx.beginPath();
    geoPath(proj, lctx)(shape);
    lctx.fillStyle = '#d9dee3';
    lctx.fill();
    lctx.strokeStyle = '#ffffff';
    lctx.lineWidth = 0.5;
    lctx.stroke();
  }
  const S = model.services.length;
  const focusId = model.focus?.service ?? model.services.find((s) => s.door)?.id ?? model.services[0].id;
  const focus = Math.max(0, model.services.findIndex((s) => s.id === focusId));
  const radius = Math.max(7, Math.min(16, Math.min(width, height) / 36)) * (px / 14);
  const pos = spread(
    model.regions.map((r) => proj([r.lon ?? 0, r.lat ?? 0]) ?? [width / 2, height / 2]),
    radius * 1.5 + 3,
  );

  // Arcs first, under the markers: from the region whose calls fail over to the one they reach.
  const pairs = model.regions.map((r, k) => ({ r, k, pair: model.regions.findIndex((o) => o.id === r.pair) })).filter((p) => p.pair >= 0);
  const arcs = svg.append('g').attr('class', 'arcs').attr('aria-hidden', 'true');
  const arc = arcs
    .selectAll<SVGPathElement, unknown>('path')
    .data(pairs)
    .join('path')
    .attr('class', 'arc')
    .attr('d', ({ k, pair }) => {
      const [x1, y1] = pos[k];
      const [x2, y2] = pos[pair];
      const dx = x2 - x1;
      const dy = y2 - y1;
      const len = Math.hypot(dx, dy) || 1;
      // Bend to the left of the direction of travel, so A→B and B→A are two arcs, not one.
      const bend = Math.max(18, len * 0.28);
      const cx = (x1 + x2) / 2 + (dy / len) * bend;
      const cy = (y1 + y2) / 2 - (dx / len) * bend;
      return `M${x1},${y1} Q${cx},${cy} ${x2},${y2}`;
    });

  // Glows under the markers, in their own layer: their pulse must not move what people click. A
  // radial gradient per state (no blur filter: it would be painted again every frame).
  const defs = svg.append('defs');
  const gradientId = (state: string) => `glow-${state}-${uid}`;
  for (const { state, color } of stateLegend()) {
    const g = defs.append('radialGradient').attr('id', gradientId(state));
    g.append('stop').attr('offset', '0%').attr('stop-color', color).attr('stop-opacity', 0.9);
    g.append('stop').attr('offset', '45%').attr('stop-color', color).attr('stop-opacity', 0.45);
    g.append('stop').attr('offset', '100%').attr('stop-color', color).attr('stop-opacity', 0);
  }
  const glow = svg
    .append('g')
    .attr('aria-hidden', 'true')
    .selectAll('circle')
    .data(model.regions)
    .join('circle')
    .attr('class', 'glow')
    .attr('cx', (_, k) => pos[k][0])
    .attr('cy', (_, k) => pos[k][1])
    .attr('r', radius * 2.4);
  const markers = svg
    .append('g')
    .selectAll('g')
    .data(model.regions)
    .join('g')
    .attr('class', 'region')
    .attr('transform', (_, k) => `translate(${pos[k][0]},${pos[k][1]})`)
    .attr('tabindex', 0)
    .attr('role', 'button')
    .on('click', (_, r) => onSelect(r.id))
    .on('keydown', (e: KeyboardEvent, r) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(r.id);
      }
    });

  const ring = markers
    .selectAll('path.svc')
    .data((_, k) => model.services.map((s, j) => ({ k, j, label: s.label })))
    .join('path')
    .attr('class', 'svc')
    .attr('d', (d) => ringSegment(radius + 2, radius + 2 + radius * 0.45, d.j, S));
  const core = markers.append('circle').attr('class', 'core').attr('r', radius);
  markers.append('circle').attr('class', 'ring').attr('r', radius + 3 + radius * 0.45);

  // Labels: the region's name and the judged service's state, placed where they overlap nothing.
  const lineH = px * 1.2;
  const boxes = placeLabels(
    model.regions.map((r, k) => ({ x: pos[k][0], y: pos[k][1], w: Math.max(textWidth(r.label, px, 700), textWidth('overloaded', small)) + 4, h: lineH + small * 1.2 })),
    radius * 1.6,
    width,
    height,
  );
  const labels = svg
    .append('g')
    .attr('class', 'region-labels')
    .attr('aria-hidden', 'true')
    .selectAll('g')
    .data(model.regions)
    .join('g')
    .attr('class', 'region-label')
    .on('click', (_, r) => onSelect(r.id));
  labels
    .filter((_, k) => boxes[k].leader)
    .append('line')
    .attr('class', 'leader')
    .attr('x1', (_, k) => pos[k][0])
    .attr('y1', (_, k) => pos[k][1])
    .attr('x2', (_, k) => boxes[k].x + boxes[k].w / 2)
    .attr('y2', (_, k) => boxes[k].y + boxes[k].h / 2);
  labels
    .append('rect')
    .attr('class', 'label-bg')
    .attr('x', (_, k) => boxes[k].x)
    .attr('y', (_, k) => boxes[k].y)
    .attr('width', (_, k) => boxes[k].w)
    .attr('height', (_, k) => boxes[k].h)
    .attr('rx', 3);
  labels
    .append('text')
    .attr('class', 'name')
    .attr('font-size', px)
    .attr('x', (_, k) => boxes[k].x + 2)
    .attr('y', (_, k) => boxes[k].y + px)
    .text((r) => r.label);
  const status = labels
    .append('text')
    .attr('class', 'status')
    .attr('font-size', small)
    .attr('x', (_, k) => boxes[k].x + 2)
    .attr('y', (_, k) => boxes[k].y + lineH + small);

  let lastHealth = '';
  let lastSelected = '';
  return {
    draw(frame, selected) {
      drawArcs(frame);
      const health = frame.health.join(',');
      if (health === lastHealth && selected === lastSelected) return;
      lastHealth = health;
      lastSelected = selected;
      const state = (k: number, j: number) => HEALTH_STATES[frame.health[k * S + j]] ?? 'unknown';
      markers.classed('selected', (r) => r.id === selected).attr('aria-pressed', (r) => String(r.id === selected));
      labels.classed('selected', (r) => r.id === selected);
      core.attr('fill', (_, k) => stateColor(state(k, focus)));
      glow
        .attr('fill', (_, k) => `url(#${gradientId(HEALTH_STATES.includes(state(k, focus) as never) ? state(k, focus) : 'healthy')})`)
        .attr('opacity', (_, k) => 0.35 + 0.65 * stateAlarm(state(k, focus)))
        .classed('alarm', (_, k) => stateAlarm(state(k, focus)) >= 1);
      ring.attr('fill', (d) => stateColor(state(d.k, d.j)));
      status.text((_, k) => state(k, focus));
      markers.attr('aria-label', (r, k) => `${r.label}: ${model.services.map((s, j) => `${s.label} ${state(k, j)}`).join(', ')}`);
    },
  };

  function drawArcs(frame: Frame): void {
    arc.each(function (this: SVGPathElement, { pair }) {
      // The routed rate is reported where the calls arrive: at the pair, from this region's failed calls.
      const routed = frame.metrics[(pair * S + focus) * K + ROUTED];
      const on = routed > 1;
      this.setAttribute('stroke-width', on ? String(Math.min(14, 1.5 + Math.log10(routed) * 2)) : '0');
      this.setAttribute('opacity', on ? '0.85' : '0');
    });
  }
}

/**
 * The part of the world the map shows: the regions with a margin around them (at least a third of
 * the world's width, never past the poles), sampled along its edges so the projection fits it.
 */
function extentAround(model: ModelInfo): GeoJSON.Feature<GeoJSON.MultiPoint> {
  const lons = model.regions.map((r) => r.lon!);
  const lats = model.regions.map((r) => r.lat!);
  let w = Math.min(...lons) - 25;
  let e = Math.max(...lons) + 25;
  if (e - w < 120) {
    const mid = (e + w) / 2;
    w = mid - 60;
    e = mid + 60;
  }
  w = Math.max(-180, w);
  e = Math.min(180, e);
  const s = Math.max(-56, Math.min(...lats) - 15);
  const n = Math.min(78, Math.max(...lats) + 18);
  const points: [number, number][] = [];
  for (let k = 0; k <= 16; k++) {
    const lon = w + ((e - w) * k) / 16;
    points.push([lon, s], [lon, n]);
  }
  for (let k = 0; k <= 8; k++) {
    const lat = s + ((n - s) * k) / 8;
    points.push([w, lat], [e, lat]);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: points } };
}

/** Markers of regions close together (Amsterdam and Dublin) nudged apart just enough to be told apart. */
function spread(points: [number, number][], minDist: number): [number, number][] {
  const p = points.map(([x, y]) => [x, y] as [number, number]);
  for (let iter = 0; iter < 30; iter++) {
    let moved = false;
    for (let a = 0; a < p.length; a++) {
      for (let b = a + 1; b < p.length; b++) {
        const dx = p[b][0] - p[a][0];
        const dy = p[b][1] - p[a][1];
        const d = Math.hypot(dx, dy);
        if (d >= minDist * 2) continue;
        const push = (minDist * 2 - d) / 2 + 0.5;
        const ux = d > 0 ? dx / d : 1;
        const uy = d > 0 ? dy / d : 0;
        p[a][0] -= ux * push;
        p[a][1] -= uy * push;
        p[b][0] += ux * push;
        p[b][1] += uy * push;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return p;
}

/** One of `n` equal segments of a ring between radii `r0` and `r1`, starting at the top. */
function ringSegment(r0: number, r1: number, j: number, n: number): string {
  const gap = n > 1 ? 0.08 : 0;
  const a0 = (j / n) * 2 * Math.PI + gap - Math.PI / 2;
  const a1 = ((j + 1) / n) * 2 * Math.PI - gap - Math.PI / 2;
  const p = (r: number, a: number) => `${(r * Math.cos(a)).toFixed(2)},${(r * Math.sin(a)).toFixed(2)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  if (n === 1) return `M${r1},0 A${r1},${r1} 0 1 1 ${-r1},0 A${r1},${r1} 0 1 1 ${r1},0 M${r0},0 A${r0},${r0} 0 1 0 ${-r0},0 A${r0},${r0} 0 1 0 ${r0},0Z`;
  return `M${p(r1, a0)} A${r1},${r1} 0 ${large} 1 ${p(r1, a1)} L${p(r0, a1)} A${r0},${r0} 0 ${large} 0 ${p(r0, a0)}Z`;
}

/**
 * Label boxes next to points: the first of eight places around each point (then the same further
 * out, with a leader line) that overlaps no other label or point and stays inside the map.
 */
function placeLabels(items: { x: number; y: number; w: number; h: number }[], gap: number, width: number, height: number): (Box & { leader: boolean })[] {
  const placed: Box[] = [];
  const points: Box[] = items.map((p) => ({ x: p.x - gap, y: p.y - gap, w: 2 * gap, h: 2 * gap }));
  const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const order = items.map((_, k) => k).sort((a, b) => items[a].x - items[b].x);
  const out: (Box & { leader: boolean })[] = new Array(items.length);
  for (const k of order) {
    const { x, y, w, h } = items[k];
    const candidates: (Box & { leader: boolean })[] = [];
    for (const far of [0, 1, 2.2]) {
      const d = gap + far * gap * 1.5;
      candidates.push(
        { x: x + d, y: y - h / 2, w, h, leader: far > 0 },
        { x: x - d - w, y: y - h / 2, w, h, leader: far > 0 },
        { x: x - w / 2, y: y - d - h, w, h, leader: far > 0 },
        { x: x - w / 2, y: y + d, w, h, leader: far > 0 },
        { x: x + d * 0.7, y: y - d * 0.7 - h, w, h, leader: far > 0 },
        { x: x + d * 0.7, y: y + d * 0.7, w, h, leader: far > 0 },
        { x: x - d * 0.7 - w, y: y - d * 0.7 - h, w, h, leader: far > 0 },
        { x: x - d * 0.7 - w, y: y + d * 0.7, w, h, leader: far > 0 },
      );
    }
    let best = candidates[0];
    let bestCost = Infinity;
    // Each place is moved inside the map first: near an edge (a small map), a label beside its
    // region is better than one far away.
    for (const c of candidates.map((c) => ({ ...c, x: Math.max(0, Math.min(width - c.w, c.x)), y: Math.max(0, Math.min(height - c.h, c.y)) }))) {
      const cost = placed.reduce((s, b) => s + overlap(b, c), 0) * 10 + points.reduce((s, b) => s + overlap(b, c), 0);
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
        if (cost === 0) break;
      }
    }
    placed.push(best);
    out[k] = best;
  }
  return out;
}
