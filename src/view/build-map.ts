/**
 * The regions being built, on the world map: each region with a place is a marker with its name.
 * A click on the map puts the region chosen beside it there; its latitude and longitude fields,
 * in the form below, say the same and take the keyboard. (selection, data) → void, as the
 * editable graph: the builder's store is told what was done, and draws it again.
 */
import { geoNaturalEarth1, geoPath, type GeoProjection } from 'd3';
import type { Draft } from '../app/build/edits.ts';
import { land } from './regions.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface MapHooks {
  /** The region a click places: the one chosen last, or null. */
  chosen(): string | null;
  choose(region: string): void;
  place(region: string, lat: number, lon: number): void;
}

/** The land's outline for a map of this size (drawn again only when the box's width changes). */
let landFor: { width: number; projection: GeoProjection; d: string } | null = null;

function projectionFor(width: number, height: number): { projection: GeoProjection; d: string } {
  if (landFor?.width === width) return landFor;
  const shape = land();
  const projection = geoNaturalEarth1().fitExtent([[2, 2], [width - 2, height - 2]], shape);
  landFor = { width, projection, d: geoPath(projection)(shape) ?? '' };
  return landFor;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const placed = (r: Draft['regions'][number]) => r.lat !== undefined && r.lon !== undefined;

/** About the width of a character of a 12 px name (a name's room is judged without measuring it). */
const CHAR_W = 6.6;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** A place in words: "37.4° N, 79.4° W". */
export function placeText(lat: number, lon: number): string {
  return `${Math.abs(lat)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lon)}° ${lon >= 0 ? 'E' : 'W'}`;
}

export function drawBuildMap(box: HTMLElement, d: Draft, hooks: MapHooks): void {
  const width = Math.max(240, box.clientWidth || 380);
  const height = Math.round(width * 0.42);
  const { projection, d: landPath } = projectionFor(width, height);
  // The region a click places: the one chosen, while it is there; else the first without a place.
  const before = hooks.chosen();
  const choice = d.regions.some((r) => r.id === before) ? before! : (d.regions.find((r) => !placed(r)) ?? d.regions[0])?.id;

  const select = document.createElement('select');
  select.id = 'build-place';
  for (const r of d.regions) select.append(new Option(r.label, r.id, false, r.id === choice));
  const label = document.createElement('label');
  label.htmlFor = select.id;
  label.textContent = 'Click the map to place';
  const hint = document.createElement('span');
  hint.className = 'build-map-hint';
  hint.textContent = 'or type its latitude and longitude under Regions';
  const row = document.createElement('div');
  row.className = 'build-row';
  row.append(label, select, hint);

  const where = d.regions.map((r) => (placed(r) ? `${r.label} at ${placeText(r.lat!, r.lon!)}` : `${r.label}: no place yet`));
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'build-map-svg', role: 'img', 'aria-label': `Regions on the world map: ${where.join('; ')}` });
  svg.append(el('path', { class: 'build-map-land', d: landPath }));
  // Each name beside its marker where it overlaps no other (the chosen region's first); a name
  // with no room is left to the marker's tooltip.
  const taken: Box[] = [];
  const order = [...d.regions].filter(placed).sort((a, b) => Number(b.id === choice) - Number(a.id === choice));
  for (const r of order) {
    const [x, y] = projection([r.lon!, r.lat!]) ?? [width / 2, height / 2];
    const g = el('g', { class: `build-place${r.id === choice ? ' placing' : ''}`, transform: `translate(${Math.round(x * 10) / 10},${Math.round(y * 10) / 10})`, 'data-region': r.id });
    g.append(el('circle', { r: 5 }), el('title', {}, r.label));
    taken.push({ x: x - 6, y: y - 6, w: 12, h: 12 });
    const w = r.label.length * CHAR_W;
    const spots: [number, number, 'start' | 'end' | 'middle'][] = [[8, 4, 'start'], [-8, 4, 'end'], [0, -9, 'middle'], [0, 17, 'middle']];
    for (const [dx, dy, anchor] of spots) {
      const left = x + dx - (anchor === 'end' ? w : anchor === 'middle' ? w / 2 : 0);
      const box = { x: left, y: y + dy - 11, w, h: 14 };
      if (box.x < 0 || box.x + box.w > width || box.y < 0 || box.y + box.h > height || taken.some((t) => overlaps(t, box))) continue;
      taken.push(box);
      g.append(el('text', { x: dx, y: dy, 'text-anchor': anchor }, r.label));
      break;
    }
    svg.append(g);
  }
  svg.addEventListener('click', (e) => {
    const box = svg.getBoundingClientRect();
    const at = projection.invert?.([e.clientX - box.left, e.clientY - box.top]);
    if (!at || !select.value) return;
    hooks.place(select.value, at[1], at[0]);
  });
  select.addEventListener('change', () => {
    hooks.choose(select.value);
    for (const g of svg.querySelectorAll('.build-place')) g.classList.toggle('placing', g.getAttribute('data-region') === select.value);
  });

  const next = [row, svg];
  // The same map as the one shown (an edit elsewhere): the one shown stays.
  if (box.childElementCount === next.length && next.every((n, k) => n.isEqualNode(box.children[k]))) return;
  box.replaceChildren(...next);
}
