/**
 * The run as a link: the built-in models as the link codec's catalog, the link to what is on
 * screen, and the address bar kept on it.
 */
import type { ParamValue } from '../params/registry.ts';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../models/index.ts';
import { clockAt, eventSeconds, secondsAtTimeOfDay } from '../engine/clock.ts';
import { defaultValues, mustLoadModel, type LoadedModel } from '../engine/load-model.ts';
import type { LabState, LabStore } from './store.ts';
import { actionToOp, encodeLink, URL_VERSION, type LinkChange, type ModelCatalog } from './url.ts';

export function builtinCatalog(): ModelCatalog {
  return catalogOver(Object.fromEntries(Object.entries(BUILTIN_MODELS).map(([id, data]) => [id, mustLoadModel(data)])));
}

/** A catalog of the models in `loaded`, which may grow (a model built in the page joins it). */
export function catalogOver(loaded: Record<string, LoadedModel>): ModelCatalog {
  return {
    get ids() {
      return Object.keys(loaded);
    },
    defaultId: DEFAULT_MODEL_ID,
    paramsOf: (id) => loaded[id].params,
    timeOf: (id, hhmm) => secondsAtTimeOfDay(loaded[id].model, hhmm),
    // HH:MM only where it is exact; other times are written in seconds so the run is reproduced.
    clockOf: (id, t) => (loaded[id].model.clock && Number.isInteger(t / 60) ? clockAt(loaded[id].model, t).slice(11, 16) : null),
    chaptersOf: (id) => loaded[id].model.story.length,
    servicesOf: (id) => loaded[id].model.services.map((x) => x.id),
    regionsOf: (id) => loaded[id].model.regions.map((x) => x.id),
    durationOf: (id) => loaded[id].model.durationS,
    stepOf: (id) => loaded[id].model.dtS,
    opensAtOf: (id) => {
      const at = loaded[id].model.opensAt;
      return at === undefined ? null : eventSeconds(loaded[id].model, at, defaultValues(loaded[id].params));
    },
  };
}

/** The run as a link: the settings it started with, the changes made during it, the time. */
export function linkQuery(s: LabState, catalog: ModelCatalog): string {
  // A model opened from a file cannot travel in a link: the link says so rather than name a built-in model.
  if (!catalog.ids.includes(s.modelId)) return `v=${URL_VERSION}&file=${encodeURIComponent(s.model?.id ?? s.modelId)}`;
  const { recipe, seed, t } = s;
  const changes: LinkChange[] = [];
  for (const c of recipe?.changes ?? []) {
    if ('action' in c) {
      const op = actionToOp(c.action as unknown as Record<string, unknown>);
      if (op) changes.push({ t: c.t, action: op });
    } else changes.push({ t: c.t, id: c.id, value: c.value });
  }
  const params = { ...((recipe?.params ?? s.params) as Record<string, ParamValue>) };
  // A change before the run has moved is simply how it starts.
  while (changes.length && changes[0].t === 0 && !('action' in changes[0])) {
    const c = changes.shift() as { id: string; value: ParamValue };
    params[c.id] = c.value;
  }
  const chapter = s.chapter >= 0 ? s.chapter + 1 : undefined;
  return encodeLink({ model: s.modelId, seed, t, chapter, params, changes, compare: s.compareKey, sweep: s.sweepKey }, catalog);
}

/** The link that reproduces what is on screen now. */
export function currentLink(store: LabStore, catalog: ModelCatalog, extra = ''): string {
  return `${location.origin === 'null' ? '' : location.origin}${location.pathname}?${linkQuery(store.getState(), catalog)}${extra}`;
}

/**
 * Keeps the address bar on the current run: the one place that writes it, following the store
 * (not while playing: that would be every frame; once a model has loaded: before, there is no run).
 */
export function followLink(store: LabStore, catalog: ModelCatalog): void {
  // The page's own keys stay as the link gave them (the last of each, as the link was read).
  const keep = new URLSearchParams(location.search);
  const page = ['embed', 'hide', 'controls'].filter((k) => keep.has(k)).map((k) => `&${k}=${encodeURIComponent(keep.getAll(k).pop()!.slice(0, 200))}`).join('');
  let written = '';
  const write = (s: LabState) => {
    if (s.playing || !s.model || !s.recipe) return;
    const q = linkQuery(s, catalog) + page + (s.presenter ? '&present=1' : '');
    if (q === written) return;
    written = q;
    try {
      window.history.replaceState(null, '', `?${q}${location.hash}`);
    } catch {
      // Sandboxed documents may not touch their history; the link buttons still work.
    }
  };
  store.subscribe(write);
  writers.add(() => write(store.getState()));
}

const writers = new Set<() => void>();

/** The catalog's link to a model changed (a built model's `m` is encoded after it starts running): write the address bar again. */
export function catalogLinkChanged(): void {
  for (const w of writers) w();
}
