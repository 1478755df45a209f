/**
 * Regions placed by longitude and latitude, each showing its services' health; traffic routed
 * from one region to its pair drawn as an arc whose width follows the routed rate.
 */
import { geoEquirectangular, select } from 'd3';
import { HEALTH_STATES } from '../engine/machines/health.ts';
import { FRAME_METRICS, type Frame, type ModelInfo } from '../worker/protocol.ts';
import { formatRate } from './format.ts';
import { STATE_COLOR } from './palette.ts';

const K = FRAME_METRICS.length;
const W = 760;
const H = 300;
const BOX_W = 150;
const BOX_H = 64;

export interface RegionsView {
  draw(frame: Frame, selected: string): void;
}

export function renderRegions(root: HTMLElement, model: ModelInfo, onSelect: (region: string) => void): RegionsView {
  root.replaceChildren();
  const svg = select(root).append('svg').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'group').attr('aria-label', 'Regions');
  const located = model.regions.filter((r) => r.lat !== undefined && r.lon !== undefined);
  const proj = geoEquirectangular().fitExtent(
    [
      [BOX_W / 2 + 10, BOX_H / 2 + 20],
      [W - BOX_W / 2 - 10, H - BOX_H / 2 - 10],
    ],
    { type: 'MultiPoint', coordinates: located.map((r) => [r.lon!, r.lat!]) },
  );
  const pos = new Map<string, [number, number]>();
  model.regions.forEach((r, k) => {
    const p = r.lat !== undefined && r.lon !== undefined ? proj([r.lon, r.lat])! : [80 + (k % 4) * 170, 60 + Math.floor(k / 4) * 90];
    pos.set(r.id, [p[0], p[1]]);
  });
  spreadOverlaps(pos);
  const S = model.services.length;
  const door = model.services.findIndex((s) => s.door);
  const arcs = svg.append('g').attr('class', 'arcs');
  const pairs = model.regions.filter((r) => r.pair && model.regions.some((o) => o.id === r.pair));
  const arc = arcs
    .selectAll('path')
    .data(pairs)
    .join('path')
    .attr('class', 'arc')
    .attr('d', (r) => {
      const [x1, y1] = pos.get(r.pair!)!;
      const [x2, y2] = pos.get(r.id)!;
      const mx = (x1 + x2) / 2;
      const my = Math.min(y1, y2) - 30 - Math.abs(x2 - x1) * 0.15;
      return `M${x1},${y1} Q${mx},${my} ${x2},${y2}`;
    });
  const boxes = svg
    .append('g')
    .selectAll('g')
    .data(model.regions)
    .join('g')
    .attr('class', 'region')
    .attr('transform', (r) => `translate(${pos.get(r.id)![0] - BOX_W / 2},${pos.get(r.id)![1] - BOX_H / 2})`)
    .attr('tabindex', 0)
    .attr('role', 'button')
    .on('click', (_, r) => onSelect(r.id))
    .on('keydown', (e: KeyboardEvent, r) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(r.id);
      }
    });
  boxes.append('rect').attr('class', 'frame').attr('width', BOX_W).attr('height', BOX_H).attr('rx', 8);
  boxes.append('text').attr('class', 'name').attr('x', 8).attr('y', 16).text((r) => r.label);
  const dots = boxes
    .selectAll('rect.svc')
    .data((r, k) => model.services.map((s, j) => ({ region: r.id, r: k, s: j, label: s.label })))
    .join('rect')
    .attr('class', 'svc')
    .attr('x', (d) => 8 + d.s * ((BOX_W - 16) / S))
    .attr('y', 24)
    .attr('width', (BOX_W - 16) / S - 3)
    .attr('height', 14)
    .attr('rx', 3);
  dots.append('title');
  const status = boxes.append('text').attr('class', 'status').attr('x', 8).attr('y', 54);

  let lastHealth = '';
  let lastSelected = '';
  return {
    draw(frame, selected) {
      drawArcs(frame);
      const health = frame.health.join(',');
      if (health === lastHealth && selected === lastSelected) return;
      lastHealth = health;
      lastSelected = selected;
      boxes.classed('selected', (r) => r.id === selected).attr('aria-pressed', (r) => String(r.id === selected));
      dots
        .attr('fill', (d) => STATE_COLOR[HEALTH_STATES[frame.health[d.r * S + d.s]]])
        .select('title')
        .text((d) => `${d.label}: ${HEALTH_STATES[frame.health[d.r * S + d.s]]}`);
      boxes.attr('aria-label', (r, k) => `${r.label}: ${model.services.map((s, j) => `${s.label} ${HEALTH_STATES[frame.health[k * S + j]]}`).join(', ')}`);
      status.text((_, k) => {
        if (door < 0) return '';
        const i = k * S + door;
        const state = HEALTH_STATES[frame.health[i]];
        return `${model.services[door].label}: ${state}`;
      });
    },
  };

  function drawArcs(frame: Frame): void {
    const routed = (r: { id: string }) => (door >= 0 ? frame.metrics[(model.regions.findIndex((x) => x.id === r.id) * S + door) * K + 7] : 0);
    arc
      .attr('stroke-width', (r) => (routed(r) > 1 ? Math.min(14, 1 + Math.log10(routed(r)) * 2) : 0))
      .attr('opacity', (r) => (routed(r) > 1 ? 0.8 : 0))
      .attr('aria-label', (r) => `${formatRate(routed(r))} req/s routed from ${r.pair} to ${r.id}`);
  }
}

/** Nudges boxes apart where regions sit close together on the map. */
function spreadOverlaps(pos: Map<string, [number, number]>): void {
  const ps = [...pos.values()];
  for (let iter = 0; iter < 50; iter++) {
    let moved = false;
    for (let a = 0; a < ps.length; a++) {
      for (let b = a + 1; b < ps.length; b++) {
        const dx = ps[b][0] - ps[a][0];
        const dy = ps[b][1] - ps[a][1];
        if (Math.abs(dx) < BOX_W + 8 && Math.abs(dy) < BOX_H + 8) {
          const push = (BOX_H + 8 - Math.abs(dy)) / 2 + 1;
          const dir = dy >= 0 ? 1 : -1;
          ps[a][1] -= dir * push;
          ps[b][1] += dir * push;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  for (const p of ps) p[1] = Math.max(BOX_H / 2 + 4, Math.min(H - BOX_H / 2 - 4, p[1]));
}
