/**
 * Links that reproduce a run. One codec, driven by the parameter registry, reads and writes the
 * query string (never the hash: some hosts append their own `#…`):
 *
 *   ?v=1&model=azure-2026-02&seed=3&t=01:30&retry.attempts=0&at=00:20:failover=0&op=01:00:admission(identity,eastus,0)
 *
 * Settings are those the run started with (only those that differ from the model's defaults);
 * `at` entries are slider changes made during the run (the CLI's --at syntax), `op` entries
 * operator actions, both at simulated times — so the link reproduces the run exactly. Reading never fails: unknown
 * keys are dropped, out-of-range numbers clamped, malformed values dropped, and each is reported
 * as a notice the page shows.
 */
import { formatValue, parseValue, type ParamDef, type ParamValue } from '../params/registry.ts';

export const URL_VERSION = 1;

/** Keys the page itself uses besides the version, model, seed, time and parameters. */
const PAGE_KEYS = ['embed', 'hide', 'present', 'secret'] as const;

export interface LinkState {
  model: string;
  seed?: number;
  /** Simulated seconds from the start. */
  t?: number;
  /** Story chapter, 1-based. */
  chapter?: number;
  params: Record<string, ParamValue>;
  /** Changes made during the run, in order. */
  changes?: LinkChange[];
  /** The what-if ("w:id") or client policy ("p:id") run B compares with. */
  compare?: string;
}

/** A change during the run: a parameter, or an operator action on one region (or all). */
export type LinkChange =
  | { t: number; id: string; value: ParamValue }
  | { t: number; action: { type: OpType; service?: string; regions?: string[]; args: (number | 'off')[] } };

/** Operator actions a link can carry, with their numeric arguments in order. */
const OPS = {
  admission: ['percent'],
  ramp: ['toPercent', 'durationS'],
  scaleout: ['addPercent', 'delayS'],
  fault: ['capacityPercent', 'durationS'],
  restore: [],
  block: [],
  isolate: [],
  reconnect: [],
  'rollout.disable': [],
} as const;
export type OpType = keyof typeof OPS;

/** A name from a link is looked up as the table's own entry, never through its prototype. */
export function isOpType(name: unknown): name is OpType {
  return typeof name === 'string' && Object.hasOwn(OPS, name);
}

/** The action a link's op stands for, in the engine's vocabulary. */
export function opToAction(op: Extract<LinkChange, { action: unknown }>['action']): Record<string, unknown> & { type: string } {
  const a: Record<string, unknown> & { type: string } = { type: op.type };
  if (op.service) a.service = op.service;
  if (op.regions) a.regions = op.regions;
  OPS[op.type].forEach((name, k) => (a[name] = op.args[k]));
  return a;
}

/** The op for an engine action, or null if links cannot carry it. */
export function actionToOp(a: Record<string, unknown>): Extract<LinkChange, { action: unknown }>['action'] | null {
  const type = a.type as OpType;
  if (!isOpType(type)) return null;
  const regions = a.regions as string[] | undefined;
  if (regions && regions.length > 1) return null;
  return {
    type,
    service: a.service as string | undefined,
    regions,
    args: OPS[type].map((name) => (a[name] === 'off' ? 'off' : Number(a[name]))),
  };
}

export interface PageOptions {
  embed: boolean;
  present: boolean;
  hide: Set<string>;
}

export interface ModelCatalog {
  ids: readonly string[];
  defaultId: string;
  paramsOf(id: string): readonly ParamDef[];
  /** "HH:MM" → seconds for the model's clock, or null if not clocked. */
  timeOf?(id: string, hhmm: string): number | null;
  /** Seconds → the clock's "HH:MM" (for clocked models). */
  clockOf?(id: string, t: number): string | null;
  /** Chapters in the model's story. */
  chaptersOf?(id: string): number;
  servicesOf?(id: string): string[];
  regionsOf?(id: string): string[];
}

export const HIDEABLE = ['controls', 'charts', 'timeline', 'map', 'graph'] as const;

export function encodeLink(s: LinkState, catalog: ModelCatalog): string {
  const q = new URLSearchParams();
  q.set('v', String(URL_VERSION));
  q.set('model', s.model);
  if (s.seed !== undefined) q.set('seed', String(s.seed));
  if (s.t !== undefined && s.t > 0) q.set('t', catalog.clockOf?.(s.model, s.t) ?? String(Math.round(s.t)));
  if (s.chapter !== undefined) q.set('chapter', String(s.chapter));
  if (s.compare) q.set('compare', s.compare);
  const time = (t: number) => catalog.clockOf?.(s.model, t) ?? String(Math.round(t * 1000) / 1000);
  for (const c of s.changes ?? []) {
    if ('action' in c) {
      const a = c.action;
      const args = [a.service ?? '', a.regions?.[0] ?? '*', ...a.args.map(String)];
      q.append('op', `${time(c.t)}:${a.type}(${args.join(',')})`);
    } else q.append('at', `${time(c.t)}:${c.id}=${formatValue(c.value)}`);
  }
  for (const def of catalog.paramsOf(s.model)) {
    const v = s.params[def.id];
    if (v !== undefined && v !== def.default) q.set(def.id, formatValue(v));
  }
  return q.toString();
}

export interface Decoded {
  state: LinkState;
  page: PageOptions;
  /** One sentence per thing that was dropped or changed, for the notice. */
  notices: string[];
}

export function decodeLink(search: string, catalog: ModelCatalog): Decoded {
  const q = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const notices: string[] = [];
  const version = q.get('v');
  if (version !== null && version !== String(URL_VERSION)) {
    notices.push(`This link was made by version ${clip(version)} of the lab; it was read as version ${URL_VERSION}.`);
  }
  let model = q.get('model') ?? catalog.defaultId;
  if (!catalog.ids.includes(model)) {
    notices.push(`Unknown model "${clip(model)}": showing ${catalog.defaultId} instead.`);
    model = catalog.defaultId;
  }
  const state: LinkState = { model, params: {} };
  const seed = q.get('seed');
  if (seed !== null) {
    if (/^\d{1,10}$/.test(seed) && Number(seed) <= 4294967295) state.seed = Number(seed);
    else notices.push(`Seed "${clip(seed)}" is not a whole number from 0 to 4294967295: the model's own seed is used.`);
  }
  const t = q.get('t');
  if (t !== null) {
    const hhmm = /^\d{1,2}:\d{2}$/.test(t) ? (catalog.timeOf?.(model, t) ?? null) : null;
    const secs = hhmm ?? (/^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN);
    if (Number.isFinite(secs)) state.t = secs;
    else notices.push(`Time "${clip(t)}" is not a time on this model's clock: starting at the beginning.`);
  }
  const chapter = q.get('chapter');
  if (chapter !== null) {
    const n = catalog.chaptersOf?.(model) ?? 0;
    if (/^\d{1,3}$/.test(chapter) && Number(chapter) >= 1 && Number(chapter) <= n) state.chapter = Number(chapter);
    else notices.push(n ? `Chapter "${clip(chapter)}" does not exist: the story has chapters 1 to ${n}.` : `This model has no story, so chapter "${clip(chapter)}" was ignored.`);
  }
  const defs = new Map(catalog.paramsOf(model).map((d) => [d.id, d]));
  for (const [key, raw] of q) {
    if (key === 'at' || key === 'op') continue;
    if (key === 'compare') {
      if (/^[wp]:[a-z][a-z0-9-]{0,39}$/.test(raw)) state.compare = raw;
      else notices.push(`"${clip(raw)}" is not something to compare with, so there is no comparison.`);
      continue;
    }
    if (key === 'v' || key === 'model' || key === 'seed' || key === 't' || key === 'chapter' || (PAGE_KEYS as readonly string[]).includes(key)) continue;
    const def = defs.get(key);
    if (!def) {
      notices.push(`Unknown setting "${clip(key)}" was ignored.`);
      continue;
    }
    const parsed = parseValue(def, raw);
    if (parsed.ok) {
      state.params[key] = parsed.value;
      continue;
    }
    const n = Number(raw);
    if (def.kind === 'number' && raw.trim() !== '' && Number.isFinite(n)) {
      const clamped = Math.min(def.max!, Math.max(def.min!, n));
      state.params[key] = clamped;
      notices.push(`${def.label}: ${clip(raw)} is out of range, so ${clamped}${def.unit ? ' ' + def.unit : ''} is used.`);
    } else {
      notices.push(`${def.label}: "${clip(raw)}" is not a valid value and was ignored.`);
    }
  }
  const changes: LinkChange[] = [];
  const timeIn = (text: string): number => {
    if (/^\d{1,2}:\d{2}$/.test(text)) return catalog.timeOf?.(model, text) ?? NaN;
    return /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  };
  for (const raw of q.getAll('at')) {
    const m = /^(\d{1,2}:\d{2}|\d+(?:\.\d+)?):([^=\s:]+)=(.*)$/.exec(raw);
    const def = m ? defs.get(m[2]) : undefined;
    const t = m ? timeIn(m[1]) : NaN;
    const parsed = def ? parseValue(def, m![3]) : null;
    if (!m || !def || !Number.isFinite(t) || !parsed?.ok) {
      notices.push(`The change "${clip(raw)}" could not be read and was left out.`);
      continue;
    }
    changes.push({ t, id: def.id, value: parsed.value });
  }
  for (const raw of q.getAll('op')) {
    const m = /^(\d{1,2}:\d{2}|\d+(?:\.\d+)?):([a-z.]+)\(([^)]*)\)$/.exec(raw);
    const type = m?.[2] as OpType | undefined;
    const t = m ? timeIn(m[1]) : NaN;
    const parts = m ? m[3].split(',') : [];
    const names = type && isOpType(type) ? OPS[type] : null;
    const args = names ? parts.slice(2).map((x) => (x === 'off' ? 'off' : Number(x))) : [];
    const knownService = !parts[0] || (catalog.servicesOf?.(model) ?? [parts[0]]).includes(parts[0]);
    const knownRegion = parts[1] === '*' || (catalog.regionsOf?.(model) ?? [parts[1]]).includes(parts[1]);
    if (!m || !names || !Number.isFinite(t) || parts.length !== 2 + names.length || args.some((x) => x !== 'off' && !Number.isFinite(x)) || !knownService || !knownRegion) {
      notices.push(`The operator action "${clip(raw)}" could not be read and was left out.`);
      continue;
    }
    changes.push({ t, action: { type: type!, service: parts[0] || undefined, regions: parts[1] === '*' ? undefined : [parts[1]], args } });
  }
  if (changes.length) state.changes = changes.sort((a, b) => a.t - b.t);
  const hide = new Set<string>();
  for (const part of (q.get('hide') ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    if ((HIDEABLE as readonly string[]).includes(part)) hide.add(part);
    else notices.push(`"${clip(part)}" cannot be hidden; parts that can: ${HIDEABLE.join(', ')}.`);
  }
  return { state, page: { embed: q.get('embed') === '1', present: q.get('present') === '1', hide }, notices };
}

/** Text from a URL is shown to people: keep it short (it is only ever rendered as text). */
function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '…' : s;
}
