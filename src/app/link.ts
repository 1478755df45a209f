/**
 * The run as a link: the built-in models as the link codec's catalog, the link to what is on
 * screen (within the budget servers accept), and the address bar kept on it.
 */
import type { ParamValue } from '../params/registry.ts';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../models/index.ts';
import { clockAt, eventSeconds, secondsAtTimeOfDay } from '../engine/clock.ts';
import { defaultValues, mustLoadModel, type LoadedModel } from '../engine/load-model.ts';
import { formatCount, formatTime } from '../view/format.ts';
import type { LabState, LabStore } from './store.ts';
import { actionToOp, encodeLink, MAX_SHARED_LINK_CHARS, URL_VERSION, type LinkChange, type LinkState, type ModelCatalog } from './url.ts';

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

/** The run as the link codec writes it, or null for a model opened from a file (no link can carry it). */
function linkState(s: LabState, catalog: ModelCatalog): LinkState | null {
  if (!catalog.ids.includes(s.modelId)) return null;
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
  return { model: s.modelId, seed, t, chapter, params, changes, compare: s.compareKey, sweep: s.sweepKey };
}

/** The run as a link: the settings it started with, the changes made during it, the time (however long). */
export function linkQuery(s: LabState, catalog: ModelCatalog): string {
  return queryOf(s, linkState(s, catalog), catalog);
}

function queryOf(s: LabState, state: LinkState | null, catalog: ModelCatalog): string {
  // A model opened from a file cannot travel in a link: the link says so rather than name a built-in model.
  return state ? encodeLink(state, catalog) : `v=${URL_VERSION}&file=${encodeURIComponent(s.model?.id ?? s.modelId)}`;
}

/** A link as the page writes it: within the budget, and what was left out to fit. */
export interface BudgetedLink {
  query: string;
  /** How long the link would be with nothing left out, in characters (with `room`). */
  fullLength: number;
  /** What was left out to fit, in words, or null: the link reproduces the run. */
  leftOut: string | null;
}

/**
 * The one rule for every link the page writes — the address bar, Copy link, the embed code, "Open
 * the full lab": at most MAX_SHARED_LINK_CHARS characters, counting `room` characters around the
 * query (the address, the page's own keys). Servers and proxies cut or refuse longer ones, so what
 * does not fit is left out — the last changes and operator actions first, then the map of the
 * space, then the comparison — and said, rather than a longer link written.
 */
export function budgetedLink(s: LabState, catalog: ModelCatalog, room: number): BudgetedLink {
  const state = linkState(s, catalog);
  const full = queryOf(s, state, catalog);
  const fits = (q: string) => room + q.length <= MAX_SHARED_LINK_CHARS;
  if (fits(full) || !state) return { query: full, fullLength: room + full.length, leftOut: null };
  const changes = state.changes ?? [];
  const query = (kept: number, st: LinkState = state) => encodeLink({ ...st, changes: changes.slice(0, kept) }, catalog);
  // The most changes that fit, kept from the start: the link is the run up to the first left out.
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(query(mid))) lo = mid;
    else hi = mid - 1;
  }
  const parts: string[] = [];
  if (lo < changes.length) {
    const from = formatTime(changes[lo].t, s.model?.clockStart ?? null);
    parts.push(`the last ${formatCount(changes.length - lo)} of its ${formatCount(changes.length)} changes and operator actions (from ${from} on)`);
  }
  let st = state;
  for (const [key, what] of [['sweep', 'the map of the space'], ['compare', 'the comparison']] as const) {
    if (fits(query(lo, st)) || st[key] === undefined) continue;
    st = { ...st, [key]: undefined };
    parts.push(what);
  }
  return { query: query(lo, st), fullLength: room + full.length, leftOut: parts.join(', ') };
}

/** Where the page is, for links to it (nothing in an opaque-origin frame). */
const here = () => `${location.origin === 'null' ? '' : location.origin}${location.pathname}?`;

/** The link that reproduces what is on screen now, within the budget. */
export function currentLink(store: LabStore, catalog: ModelCatalog, extra = ''): string {
  const page = here();
  return `${page}${budgetedLink(store.getState(), catalog, page.length + extra.length).query}${extra}`;
}

/** Whether the link to what is on screen has everything in it; if not, why it was not shared. */
export function linkLeavesOut(store: LabStore, catalog: ModelCatalog): BudgetedLink | null {
  const link = budgetedLink(store.getState(), catalog, here().length);
  return link.leftOut === null ? null : link;
}

/** What the notice says when a link leaves out part of the run. */
export function leftOutNotice(link: BudgetedLink, where: string): string {
  // Nothing left to leave out: a model built in the page is itself too big for a link.
  if (link.leftOut === '') return `${where} holds a link of ${formatCount(link.fullLength)} characters, more than the ${formatCount(MAX_SHARED_LINK_CHARS)} that servers reliably accept: the model built here is too big to travel in a link. Save model saves it as a file to share instead.`;
  return `${where} leaves out ${link.leftOut}: with them this run's link would be ${formatCount(link.fullLength)} characters, more than the ${formatCount(MAX_SHARED_LINK_CHARS)} that servers reliably accept. Download CSV keeps the whole run's numbers and Save model its settings.`;
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
  let said: string | null = null;
  const write = (s: LabState) => {
    if (s.playing || !s.model || !s.recipe) return;
    const own = page + (s.presenter ? '&present=1' : '');
    const link = budgetedLink(s, catalog, here().length + own.length + location.hash.length);
    const q = link.query + own;
    if (q === written) return;
    written = q;
    try {
      window.history.replaceState(null, '', `?${q}${location.hash}`);
    } catch {
      // Sandboxed documents may not touch their history; the link buttons still work.
    }
    // Said once for what is left out (not again at every pause while it stays the same).
    if (link.leftOut !== said) {
      said = link.leftOut;
      if (said !== null) store.getState().sayAlso(leftOutNotice(link, 'The address bar'));
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
