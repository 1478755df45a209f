/** The models `npm run bench` measures cost against: the incident with its regions copied, and single-service scaled. */
import { mustLoadModel, type LoadedModel } from '../engine/load-model.ts';
import type { Model } from '../engine/model.ts';

/**
 * The incident model with every region copied `k` times (pairs kept within each copy), each copy
 * living the same incident: every event that names a region names its copies too, and the rollout
 * reaches a region's copies one after another within the time it took to reach the region, locking
 * each region's accounts at once (so `withRegions(model, 1)` is the incident with that rollout).
 */
export function withRegions(base: Model, k: number): LoadedModel {
  const m = structuredClone(base) as Model;
  m.id = `${base.id}-x${k}`;
  const sfx = (c: number) => (c === 0 ? '' : `-c${c}`);
  const copies = (ids: readonly string[]) => Array.from({ length: k }, (_, c) => ids.map((id) => id + sfx(c))).flat();
  m.regions = [];
  for (let c = 0; c < k; c++) for (const r of base.regions) m.regions.push({ ...r, id: r.id + sfx(c), pair: r.pair ? r.pair + sfx(c) : undefined });
  const byRegion = <T,>(map: Record<string, T> | undefined) =>
    map && Object.fromEntries(Object.entries(map).flatMap(([id, v]) => Array.from({ length: k }, (_, c) => [id + sfx(c), v] as const)));
  m.timeline = m.timeline.map((e) => ('regions' in e && e.regions ? { ...e, regions: copies(e.regions) } : e)) as Model['timeline'];
  if (m.rollout) {
    m.rollout.order = m.rollout.order.flatMap((id) => Array.from({ length: k }, (_, c) => id + sfx(c)));
    m.rollout.stageIntervalS = Math.max(m.dtS, Math.round(m.rollout.stageIntervalS / k / m.dtS) * m.dtS);
    // Each region's accounts locked at once when the rollout reaches it: locked a step at a time on
    // one clock for all, copies reached a few minutes apart would lock different shares.
    m.rollout.growS = 0;
  }
  m.calls = m.calls.map((call) => ({ ...call, regionPerRequest: byRegion(call.regionPerRequest) }));
  m.sources = m.sources.map((src) => ({ ...src, regionScale: byRegion(src.regionScale) }));
  m.services = m.services.map((svc) => ({ ...svc, regionScale: byRegion(svc.regionScale) }));
  return mustLoadModel(m);
}

/** The single-service model at `factor` × its load and capacity. */
export function atScale(base: Model, factor: number): LoadedModel {
  const m = structuredClone(base) as Model;
  m.sources = m.sources.map((s) => ({ ...s, rateRps: s.rateRps * factor }));
  m.services = m.services.map((s) => ({ ...s, capacityRps: s.capacityRps * factor }));
  m.params = m.params.filter((p) => p.id !== 'load' && p.id !== 'capacity');
  return mustLoadModel(m);
}
