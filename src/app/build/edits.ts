/**
 * Every edit the builder makes to a model, each a pure function from one draft to the next (the
 * draft is a model file's data; the one given is never changed). Ids are made once, when a part
 * is added, and never change with its name, so links, calls and events that name it stay true.
 */
import type * as v from 'valibot';
import { eventSeconds, resolveNumber } from '../../engine/clock.ts';
import { defaultValues, loadModel } from '../../engine/load-model.ts';
import type { ModelSchema } from '../../engine/model.ts';
import { EVENT_ON_SERVICE, eventFields, eventStartValue, FAILOVER_PARAM } from './fields.ts';

/** A model being built: a model file's data, as the loader reads it. */
export type Draft = v.InferInput<typeof ModelSchema>;
type Service = Draft['services'][number];
type Region = Draft['regions'][number];
type Event = Draft['timeline'][number];

/** A path into the draft, in the loader's own dotted form ("services.2.capacityRps"). */
export type Path = (string | number)[];

export function clone(d: Draft): Draft {
  return structuredClone(d);
}

/** The first `prefix-N` not taken, from 1. */
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/** Sets one field (undefined removes it). */
export function setField(d: Draft, path: Path, value: unknown): Draft {
  const next = clone(d);
  let at: Record<string | number, unknown> = next as unknown as Record<string, unknown>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return next;
}

export function addService(d: Draft): { draft: Draft; id: string } {
  const next = clone(d);
  const id = freshId('service', next.services.map((s) => s.id));
  const n = id.slice('service-'.length);
  next.services.push({ id, label: `Service ${n}`, capacityRps: 1000 });
  return { draft: next, id };
}

/** Removes a service and whatever names it: its calls, the sources that call it, its events, its knobs. */
export function removeService(d: Draft, id: string): Draft {
  const next = clone(d);
  next.services = next.services.filter((s) => s.id !== id);
  next.calls = next.calls.filter((c) => c.from !== id && c.to !== id);
  next.sources = next.sources.filter((s) => s.service !== id);
  next.timeline = next.timeline.filter((e) => !('service' in e) || e.service !== id);
  if (next.focus?.service === id) delete next.focus;
  if (next.rollout && (next.rollout.service === id || next.rollout.gateWatches === id)) {
    delete next.rollout;
    next.timeline = next.timeline.filter((e) => e.type !== 'rollout.start' && e.type !== 'rollout.disable');
  }
  const gone = new Set((next.params ?? []).filter((p) => 'service' in p.knob && p.knob.service === id).map((p) => p.id));
  const goneSources = new Set(d.sources.filter((s) => s.service === id).map((s) => s.id));
  for (const p of next.params) if (p.knob.kind === 'source.rate' && goneSources.has(p.knob.source)) gone.add(p.id);
  dropParams(next, gone);
  for (const c of next.story ?? []) {
    if (c.service === id) delete c.service;
    if (c.highlight) c.highlight = c.highlight.filter((h) => h !== id);
  }
  return next;
}

/** Removes parameters and every setting that names them. */
function dropParams(d: Draft, ids: Set<string>): void {
  if (ids.size === 0) return;
  d.params = d.params.filter((p) => !ids.has(p.id));
  const drop = (r: Record<string, unknown> | undefined) => {
    if (r) for (const k of Object.keys(r)) if (ids.has(k)) delete r[k];
  };
  drop(d.defaults);
  for (const w of d.whatIfs ?? []) drop(w.params);
  for (const c of d.story ?? []) drop(c.params);
}

export function addCall(d: Draft, from: string, to: string): Draft {
  const next = clone(d);
  next.calls.push({ from, to });
  return next;
}

export function removeCall(d: Draft, index: number): Draft {
  const next = clone(d);
  next.calls.splice(index, 1);
  return next;
}

export function addSource(d: Draft, service: string): Draft {
  const next = clone(d);
  const id = freshId('clients', next.sources.map((s) => s.id));
  next.sources.push({ id, label: next.sources.length ? `Clients ${id.slice('clients-'.length)}` : 'Clients', service, rateRps: 100 });
  return next;
}

export function removeSource(d: Draft, index: number): Draft {
  const next = clone(d);
  const [gone] = next.sources.splice(index, 1);
  dropParams(next, new Set(next.params.filter((p) => p.knob.kind === 'source.rate' && p.knob.source === gone?.id).map((p) => p.id)));
  return next;
}

/**
 * Where a region added in Build is put on the world map: places where clouds have regions, in
 * this order (latitude, longitude in degrees). It takes the first at least 10° from every region
 * placed already, so that a model whose regions all have places keeps its map.
 */
export const REGION_PLACES: readonly (readonly [number, number])[] = [
  [38.9, -77.4], [45.6, -121.2], [53.3, -6.3], [50.1, 8.7], [1.3, 103.8], [35.7, 139.7],
  [-23.5, -46.6], [-33.9, 151.2], [19.1, 72.9], [-26.2, 28.0], [43.7, -79.4], [25.2, 55.3],
];

/** The first of REGION_PLACES at least 10° (in latitude or longitude) from every place taken, or the first. */
export function freePlace(taken: readonly { lat?: number; lon?: number }[]): readonly [number, number] {
  const far = ([lat, lon]: readonly [number, number]) => taken.every((r) => r.lat === undefined || r.lon === undefined || Math.abs(r.lat - lat) >= 10 || Math.abs(r.lon - lon) >= 10);
  return REGION_PLACES.find(far) ?? REGION_PLACES[0];
}

export function addRegion(d: Draft): Draft {
  const next = clone(d);
  const id = freshId('region', next.regions.map((r) => r.id));
  const [lat, lon] = freePlace(next.regions);
  next.regions.push({ id, label: `Region ${id.slice('region-'.length)}`, lat, lon } as Region);
  return next;
}

/** Puts a region at a place on the world map (latitude and longitude, to a tenth of a degree). */
export function placeRegion(d: Draft, id: string, lat: number, lon: number): Draft {
  const next = clone(d);
  const r = next.regions.find((x) => x.id === id);
  if (!r) return d;
  // (+ 0: a place on the prime meridian or the equator reads 0, never -0.)
  const tenth = (x: number, max: number) => Math.round(Math.max(-max, Math.min(max, x)) * 10) / 10 + 0;
  r.lat = tenth(lat, 90);
  r.lon = tenth(lon, 180);
  return next;
}

/** Removes a region and whatever names it: pairs, scales, events and the rollout's order. */
export function removeRegion(d: Draft, index: number): Draft {
  const next = clone(d);
  const [gone] = next.regions.splice(index, 1);
  if (!gone) return next;
  const id = gone.id;
  for (const r of next.regions) if (r.pair === id) delete r.pair;
  const unscale = (x: { regionScale?: Record<string, number> }) => {
    if (x.regionScale) delete x.regionScale[id];
  };
  next.services.forEach(unscale);
  next.sources.forEach(unscale);
  for (const c of next.calls) if (c.regionPerRequest) delete c.regionPerRequest[id];
  next.timeline = next.timeline
    .map((e) => (e.regions ? { ...e, regions: e.regions.filter((r) => r !== id) } : e))
    .filter((e) => !e.regions || e.regions.length > 0) as Event[];
  if (next.rollout) next.rollout.order = next.rollout.order.filter((r) => r !== id);
  if (next.focus?.region === id) delete next.focus;
  for (const c of next.story ?? []) if (c.region === id) delete c.region;
  return next;
}

/** Pairs two regions both ways (each takes the other's failed-over calls), or unpairs `a`. */
export function pairRegions(d: Draft, a: string, b: string | undefined): Draft {
  const next = clone(d);
  const ra = next.regions.find((r) => r.id === a);
  if (!ra) return next;
  const old = ra.pair;
  for (const r of next.regions) if (r.pair === a || (old !== undefined && r.id === old && r.pair === a)) delete r.pair;
  if (b === undefined) delete ra.pair;
  else {
    ra.pair = b;
    const rb = next.regions.find((r) => r.id === b);
    if (rb) {
      for (const r of next.regions) if (r.pair === b && r !== ra) delete r.pair;
      rb.pair = a;
    }
  }
  return next;
}

/** A model-wide setting, as the model's default (undefined: the lab's own default). */
export function setDefault(d: Draft, id: string, value: number | string | undefined): Draft {
  const next = clone(d);
  const defaults = { ...(next.defaults ?? {}) };
  if (value === undefined) delete defaults[id];
  else defaults[id] = value;
  next.defaults = defaults;
  return next;
}

/**
 * Sets one field of a call's or a service's own policy (undefined: the model-wide setting again).
 * A model with a policy is a version-2 model; a policy left empty is removed.
 */
export function setPolicy(d: Draft, part: 'calls' | 'services', index: number, id: string, value: number | string | undefined): Draft {
  const next = clone(d);
  const item = next[part][index] as { policy?: Record<string, number | string> };
  const policy = { ...(item.policy ?? {}) };
  if (value === undefined) delete policy[id];
  else policy[id] = value;
  if (Object.keys(policy).length === 0) delete item.policy;
  else {
    item.policy = policy;
    next.schema = 2;
  }
  return next;
}

/** The failover share, as the default of the model's routing parameter (made if there is none). */
export function setFailoverShare(d: Draft, percent: number | undefined): Draft {
  const next = clone(d);
  const param = next.params.find((p) => p.knob.kind === 'routing.failover');
  if (param) {
    if (percent !== undefined) param.default = percent;
  } else if (percent !== undefined) {
    next.params.push(structuredClone({ ...FAILOVER_PARAM, default: percent }) as unknown as Draft['params'][number]);
  }
  return next;
}

export function failoverShare(d: Draft): number | undefined {
  const param = d.params.find((p) => p.knob.kind === 'routing.failover');
  if (!param) return undefined;
  const own = d.defaults && Object.hasOwn(d.defaults, param.id) ? d.defaults[param.id] : undefined;
  return typeof own === 'number' ? own : typeof param.default === 'number' ? param.default : undefined;
}

/** Adds an event of `type` at `at` seconds, on the first service where it acts on one. */
export function addEvent(d: Draft, type: string, at: number): Draft {
  const next = clone(d);
  const ev: Record<string, unknown> = { at, type };
  if (EVENT_ON_SERVICE.has(type)) ev.service = next.services[0]?.id ?? '';
  for (const f of eventFields(type, next.dtS)) if (f.key !== 'at' && f.key !== 'service' && f.key !== 'label') ev[f.key] = eventStartValue(type, f.key);
  next.timeline.push(ev as Event);
  return next;
}

export function removeEvent(d: Draft, index: number): Draft {
  const next = clone(d);
  next.timeline.splice(index, 1);
  return next;
}

/** Sets an event's type, keeping its time, service and label and starting its arguments afresh. */
export function setEventType(d: Draft, index: number, type: string): Draft {
  const old = d.timeline[index] as Record<string, unknown>;
  const next = clone(d);
  const ev: Record<string, unknown> = { at: old.at, type };
  if (EVENT_ON_SERVICE.has(type)) ev.service = typeof old.service === 'string' ? old.service : next.services[0]?.id ?? '';
  for (const f of eventFields(type, next.dtS)) if (f.key !== 'at' && f.key !== 'service' && f.key !== 'label') ev[f.key] = eventStartValue(type, f.key);
  if (old.label !== undefined) ev.label = old.label;
  if (old.regions !== undefined) ev.regions = old.regions;
  next.timeline[index] = ev as Event;
  return next;
}

export type { Service };

/**
 * Gives an event's time or argument that reads a setting ("$trigger.at") a value of its own: the
 * value the setting has by default (a time of day as it is, seconds on a step of the model), so
 * that it can be edited here. A draft the loader refuses, or a setting that is off, is left as it is.
 */
export function fixEventValue(d: Draft, index: number, key: string): Draft {
  const ref = (d.timeline[index] as Record<string, unknown> | undefined)?.[key];
  if (typeof ref !== 'string' || !ref.startsWith('$')) return d;
  const loaded = loadModel(d);
  if (!loaded.ok) return d;
  const values = defaultValues(loaded.value.params);
  const value = key === 'at' ? eventSeconds(loaded.value.model, ref, values) : resolveNumber(ref, values);
  if (!Number.isFinite(value)) return d;
  const next = clone(d);
  // A time of day stays one ("21:18"), as the model file writes it; seconds go on a step.
  const own = values[ref.slice(1)];
  (next.timeline[index] as Record<string, unknown>)[key] = key !== 'at' ? value : typeof own === 'string' ? own : Math.round(value / d.dtS) * d.dtS;
  return next;
}
