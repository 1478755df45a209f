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
import { argRange } from '../params/actions.ts';
import { describeAllowed, formatValue, parseValue, type ParamDef, type ParamValue } from '../params/registry.ts';
import { PANELS, panelNamed } from './panels.ts';
import { decodeSweepKey } from './sweep-link.ts';
import { formatCount } from '../view/format.ts';

/**
 * 2: a link naming no time or chapter opens at the model's `opensAt` (the storm), paused; a
 * version-1 link without a time still opens at the start, as it did.
 */
export const URL_VERSION = 2;

/** Keys the page itself uses besides the version, model, seed, time and parameters. */
export const PAGE_KEYS = ['embed', 'hide', 'controls', 'present', 'secret', 'file', 'm'] as const;

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
  /** What run B compares with: a what-if ("w:id"), a client policy ("p:id") or settings ("s:id=value,…", see settingsKey). */
  compare?: string;
  /** The map of the space shown beside the run (see sweep-link.ts), as the link wrote it. */
  sweep?: string;
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
  errors: ['percent', 'durationS'],
  latency: ['addS', 'durationS'],
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

/** Operator actions that act on a service (the others act on regions or the whole run). */
const ON_SERVICE: ReadonlySet<OpType> = new Set(['admission', 'ramp', 'scaleout', 'fault', 'errors', 'latency', 'restore', 'block']);

/** What each operator argument accepts: the one table of argument ranges (params/actions.ts). */
const argSpec = (type: OpType, name: string, stepS?: number) => argRange(type, name, stepS)!;

/** The action a link's op stands for, in the engine's vocabulary. */
export function opToAction(op: Extract<LinkChange, { action: unknown }>['action']): Record<string, unknown> & { type: string } {
  const a: Record<string, unknown> & { type: string } = { type: op.type };
  if (op.service) a.service = op.service;
  if (op.regions) a.regions = op.regions;
  if (isOpType(op.type)) OPS[op.type].forEach((name, k) => (a[name] = op.args[k]));
  return a;
}

/** The op for an engine action, or null if links cannot carry it. */
export function actionToOp(a: Record<string, unknown>): Extract<LinkChange, { action: unknown }>['action'] | null {
  const type = a.type;
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
  /** Settings shown on the stage of an embed (`controls=retry.attempts,failover`), when there are any. */
  controls?: string[];
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
  /** Length of the model's clock, in seconds. */
  durationOf?(id: string): number;
  /** The model's step, in seconds: the engine counts every time in whole steps. */
  stepOf?(id: string): number;
  /** Where the model opens when a link names no time or chapter (seconds), or null: the start. */
  opensAtOf?(id: string): number | null;
  /** A model built in the page travels in the link itself (`m`, see build/model-link.ts): its encoding. */
  modelLinkOf?(id: string): string | undefined;
  /** The id of a built model, given its data (the data the simulation was given), or undefined. */
  builtIdOf?(data: unknown): string | undefined;
}

/** The views of the run on the stage: a link may hide some of them, not all. */
const STAGE_VIEWS = ['map', 'graph', 'charts', 'timeline'] as const;

/** Parts a link can hide: every panel of the page (panels.ts), and "controls" for the settings. */
export const HIDEABLE: readonly string[] = [...PANELS, 'controls'];

/**
 * Run B with settings of its own (a pasted client config's): `s:` and the settings as `id=value`
 * pairs, comma-separated, e.g. `s:retry.attempts=3,retry.jitter=full`. Ids and values never hold a
 * comma or `=` (ids are letters, digits and dots; values numbers or words).
 */
export function settingsKey(params: Readonly<Record<string, ParamValue>>): string {
  return `s:${Object.entries(params).map(([id, v]) => `${id}=${formatValue(v)}`).join(',')}`;
}

/** Longest comparison with settings of its own that a link is read with (its characters, unencoded). */
export const MAX_SETTINGS_KEY_CHARS = 600;

/**
 * The settings of an `s:` comparison for a model's parameters, each read as a link's setting is:
 * brought into range with a notice, or left out with a notice (unknown, malformed). Null if `key`
 * is not an `s:` comparison.
 */
export function readSettingsKey(key: string, defs: readonly ParamDef[]): { params: Record<string, ParamValue>; notices: string[] } | null {
  if (!key.startsWith('s:') || key.length > MAX_SETTINGS_KEY_CHARS) return null;
  const byId = new Map(defs.map((d) => [d.id, d]));
  const params: Record<string, ParamValue> = {};
  const notices: string[] = [];
  for (const part of key.slice(2).split(',')) {
    const m = /^([a-zA-Z][\w.]{0,59})=(.{1,40})$/.exec(part);
    const def = m ? byId.get(m[1]) : undefined;
    if (!m || !def) {
      notices.push(`Run B: "${clip(part)}" is not a setting of this model, so it was left out.`);
      continue;
    }
    const r = readSetting(def, m[2]);
    if (r.value !== undefined) params[def.id] = r.value;
    if (r.notice) notices.push(`Run B: ${r.notice}`);
  }
  return { params, notices };
}

/** The longest link the lab shares: common servers and proxies refuse request lines past 8 KB. */
export const MAX_SHARED_LINK_CHARS = 8_000;

/** A number as the reader reads it back: plain decimals (never `1e-7`), to the reader's 9 places. */
export function decimal(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const fixed = n.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}

export function encodeLink(s: LinkState, catalog: ModelCatalog): string {
  const q = new URLSearchParams();
  q.set('v', String(URL_VERSION));
  q.set('model', s.model);
  const built = catalog.modelLinkOf?.(s.model);
  if (built) q.set('m', built);
  if (s.seed !== undefined) q.set('seed', String(s.seed));
  // Always written, the start too: a link without a time opens at the model's own moment.
  if (s.t !== undefined) q.set('t', catalog.clockOf?.(s.model, s.t) ?? decimal(s.t));
  if (s.chapter !== undefined) q.set('chapter', String(s.chapter));
  if (s.compare) q.set('compare', s.compare);
  if (s.sweep) q.set('sweep', s.sweep);
  const time = (t: number) => catalog.clockOf?.(s.model, t) ?? decimal(t);
  for (const c of s.changes ?? []) {
    if ('action' in c) {
      const a = c.action;
      const args = [a.service ?? '', a.regions?.[0] ?? '*', ...a.args.map((x) => (typeof x === 'number' ? decimal(x) : x))];
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
  /** The link named no moment: the page opens at the model's `opensAt` (in `state.t`), paused, Play focused. */
  opening: boolean;
}

/** Longest link read, in characters; the rest is left out (with a notice). */
export const MAX_LINK_CHARS = 16_384;
/** Longest value (a setting, a change, an action) read; longer ones are ignored. */
export const MAX_VALUE_CHARS = 200;
/** Notices shown for one link; the rest are counted. */
export const MAX_NOTICES = 8;
/** Changes and actions read from one link. */
export const MAX_CHANGES = 500;
/** Most settings an embed shows on its stage (`controls=`). */
export const MAX_CONTROLS = 16;

/** A number as a link writes it: plain decimals, no exponents, hexadecimal or infinities. */
const DECIMAL = /^-?\d{1,15}(?:\.\d{1,9})?$/;
const SECONDS = /^\d{1,9}(?:\.\d{1,9})?$/;
const HHMM = /^\d{1,2}:\d{2}$/;

/**
 * Reads a link. It never throws and never takes more than linear time: whatever cannot be read is
 * left out with a notice, and the rest of the link is kept.
 */
export function decodeLink(search: string, catalog: ModelCatalog): Decoded {
  const notices = new Notices();
  try {
    return decodeChecked(search, catalog, notices);
  } catch {
    notices.add('This link could not be read, so the lab starts with its defaults.');
    return { state: { model: catalog.defaultId, params: {} }, page: { embed: false, present: false, hide: new Set() }, notices: notices.list(), opening: false };
  }
}

function decodeChecked(search: string, catalog: ModelCatalog, notices: Notices): Decoded {
  let text = search.startsWith('?') ? search.slice(1) : search;
  if (text.length > MAX_LINK_CHARS) {
    notices.add(`This link is ${formatCount(text.length)} characters long; only its first ${formatCount(MAX_LINK_CHARS)} were read.`);
    const cut = text.lastIndexOf('&', MAX_LINK_CHARS);
    text = text.slice(0, cut > 0 ? cut : MAX_LINK_CHARS);
  }
  const q = new URLSearchParams(text);
  // A key the page reads once takes its last value, whichever key it is (`at` and `op` repeat).
  const last = (key: string): string | null => {
    const all = q.getAll(key);
    return all.length ? all[all.length - 1] : null;
  };
  const version = last('v');
  if (version !== null && version !== '1' && version !== String(URL_VERSION)) {
    notices.add(`This link was made by version ${clip(version)} of the lab; it was read as version ${URL_VERSION}.`);
  }
  const file = last('file');
  if (file !== null) notices.add(`This link was made from a model file ("${clip(file)}"), which a link cannot carry: open the file again with Open model….`);
  let model = last('model') ?? catalog.defaultId;
  if (!catalog.ids.includes(model)) {
    notices.add(`Unknown model "${clip(model)}": showing ${catalog.defaultId} instead.`);
    model = catalog.defaultId;
  }
  const duration = catalog.durationOf?.(model) ?? Infinity;
  const clockEnd = () => catalog.clockOf?.(model, duration) ?? `${duration} s`;
  const state: LinkState = { model, params: {} };
  const seed = last('seed');
  if (seed !== null) {
    if (/^\d{1,10}$/.test(seed) && Number(seed) <= 4294967295) state.seed = Number(seed);
    else notices.add(`Seed "${clip(seed)}" is not a whole number from 0 to 4294967295: the model's own seed is used.`);
  }
  // On a model without a clock, HH:MM is read as hours and minutes from the start.
  const clocked = catalog.timeOf?.(model, '00:00') != null;
  const timeIn = (raw: string): number => {
    if (HHMM.test(raw) && !clocked) return Number(raw.slice(-2)) < 60 ? Number(raw.slice(0, -3)) * 3600 + Number(raw.slice(-2)) * 60 : NaN;
    if (HHMM.test(raw)) return catalog.timeOf?.(model, raw) ?? NaN;
    return SECONDS.test(raw) ? Number(raw) : NaN;
  };
  const t = last('t');
  if (t !== null) {
    const secs = timeIn(t);
    if (!Number.isFinite(secs)) notices.add(`Time "${clip(t)}" is not a time on this model's clock: starting at the beginning.`);
    else if (secs > duration) {
      notices.add(`Time "${clip(t)}" is after the end of this model's clock (${clockEnd()}): showing the end.`);
      state.t = duration;
    } else state.t = secs;
  }
  const chapter = last('chapter');
  if (chapter !== null) {
    const n = catalog.chaptersOf?.(model) ?? 0;
    if (/^\d{1,3}$/.test(chapter) && Number(chapter) >= 1 && Number(chapter) <= n) state.chapter = Number(chapter);
    else notices.add(n ? `Chapter "${clip(chapter)}" does not exist: the story has chapters 1 to ${n}.` : `This model has no story, so chapter "${clip(chapter)}" was ignored.`);
  }
  const defs = new Map(catalog.paramsOf(model).map((d) => [d.id, d]));
  const compare = last('compare');
  if (compare !== null) {
    const settings = readSettingsKey(compare, [...defs.values()]);
    if (/^[wp]:[a-z][a-z0-9-]{0,39}$/.test(compare)) state.compare = compare;
    else if (settings && Object.keys(settings.params).length) {
      // Written back as read: in range, the model's own ids.
      state.compare = settingsKey(settings.params);
      for (const n of settings.notices) notices.add(n);
    } else notices.add(`"${clip(compare)}" is not something to compare with, so there is no comparison.`);
  }
  const sweep = last('sweep');
  if (sweep !== null) {
    if (sweep.length <= 600 && /^[\w.=:,;*+-]+$/.test(sweep) && decodeSweepKey(sweep)) state.sweep = sweep;
    else notices.add(`The map "${clip(sweep)}" could not be read, so it was left out.`);
  }
  const lastIndex = new Map<string, number>();
  let k = 0;
  for (const [key] of q) lastIndex.set(key, k++);
  k = 0;
  for (const [key, raw] of q) {
    const index = k++;
    if (key === 'at' || key === 'op' || key === 'v' || key === 'model' || key === 'seed' || key === 't' || key === 'chapter' || key === 'compare' || key === 'sweep') continue;
    if ((PAGE_KEYS as readonly string[]).includes(key)) continue;
    const def = defs.get(key);
    if (!def) notices.add(`Unknown setting "${clip(key)}" was ignored.`);
    else if (lastIndex.get(key) === index) {
      // A setting given twice takes its last value.
      const r = readSetting(def, raw);
      if (r.value !== undefined) state.params[key] = r.value;
      if (r.notice) notices.add(r.notice);
    }
  }
  const changes: LinkChange[] = [];
  const entries = [...q.getAll('at').map((raw) => ['at', raw] as const), ...q.getAll('op').map((raw) => ['op', raw] as const)];
  if (entries.length > MAX_CHANGES) notices.add(`This link has ${formatCount(entries.length)} changes and actions; only the first ${MAX_CHANGES} were read.`);
  for (const [key, raw] of entries.slice(0, MAX_CHANGES)) {
    const what = key === 'at' ? 'change' : 'operator action';
    if (raw.length > MAX_VALUE_CHARS) {
      notices.add(`The ${what} "${clip(raw)}" is too long (${formatCount(raw.length)} characters) and was left out.`);
      continue;
    }
    const r = key === 'at' ? readChange(raw, defs, timeIn) : readOp(raw, model, catalog, timeIn);
    if (!('change' in r)) {
      notices.add(r.notice ?? `The ${what} "${clip(raw)}" could not be read and was left out.`);
      continue;
    }
    if (r.change.t > duration) {
      notices.add(`The ${what} "${clip(raw)}" is after the end of this model's clock (${clockEnd()}) and was left out.`);
      continue;
    }
    // The engine applies a change at a step of the model: one between steps is moved to the nearest, and said.
    const step = catalog.stepOf?.(model);
    if (step) {
      const snapped = Number((Math.round(r.change.t / step) * step).toFixed(9));
      if (Math.abs(snapped - r.change.t) > 1e-9) {
        notices.add(`The ${what} "${clip(raw)}" at ${decimal(r.change.t)} s falls between this model's ${decimal(step)} s steps, so it happens at ${decimal(snapped)} s.`);
        r.change.t = snapped;
      }
    }
    for (const n of r.clamped) notices.add(n);
    changes.push(r.change);
  }
  if (changes.length) state.changes = changes.sort((a, b) => a.t - b.t);
  const hide = new Set<string>();
  const refused: string[] = [];
  for (const part of (last('hide') ?? '').split(',')) {
    const name = part.trim();
    if (!name) continue;
    if (panelNamed(name)) hide.add(name);
    else refused.push(name);
  }
  if (refused.length) {
    const shown = refused.slice(0, 3).map((x) => `"${clip(x)}"`).join(', ');
    const more = refused.length > 3 ? ` and ${formatCount(refused.length - 3)} more` : '';
    notices.add(`${shown}${more} cannot be hidden; parts that can: ${HIDEABLE.join(', ')}.`);
  }
  // A link that hides every view of the run would open an empty page: the views stay.
  const multiRegion = (catalog.regionsOf?.(state.model).length ?? 2) > 1;
  if (STAGE_VIEWS.every((v) => hide.has(v) || (v === 'map' && !multiRegion))) {
    for (const v of STAGE_VIEWS) hide.delete(v);
    notices.add(`This link hides every view of the run (${STAGE_VIEWS.join(', ')}), which would leave an empty page, so they are shown.`);
  }
  // Settings an embed shows on its stage: `controls=retry.attempts,failover`.
  const controls: string[] = [];
  const asked = [...new Set((last('controls') ?? '').split(',').map((x) => x.trim()).filter(Boolean))];
  for (const id of asked) {
    if (!defs.has(id)) notices.add(`"${clip(id)}" is not a setting of this model, so it is not shown.`);
    else if (controls.length < MAX_CONTROLS) controls.push(id);
  }
  const over = asked.filter((id) => defs.has(id)).length - controls.length;
  if (over > 0) notices.add(`An embed shows at most ${MAX_CONTROLS} settings; the first ${MAX_CONTROLS} are shown and ${formatCount(over)} more are not.`);
  const page: PageOptions = { embed: last('embed') === '1', present: last('present') === '1', hide };
  if (controls.length) page.controls = controls;
  // No moment named: the one the model opens at (a version-1 link meant the start).
  const opensAt = state.t === undefined && state.chapter === undefined && version !== '1' ? catalog.opensAtOf?.(model) ?? null : null;
  if (opensAt !== null) state.t = opensAt;
  return { state, page, notices: notices.list(), opening: opensAt !== null };
}

/** A setting's value: valid, clamped into range (with a notice), or ignored (with a notice). */
function readSetting(def: ParamDef, raw: string): { value?: ParamValue; notice?: string } {
  if (raw.length > MAX_VALUE_CHARS) return { notice: `${def.label}: a value of ${formatCount(raw.length)} characters is too long and was ignored.` };
  const parsed = parseValue(def, raw);
  if (parsed.ok) return { value: parsed.value };
  const text = raw.trim();
  if (def.kind === 'number' && /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i.test(text) && Number.isFinite(Number(text))) {
    const n = Number(text);
    const clamped = Math.min(def.max!, Math.max(def.min!, n));
    // Only a value out of range is brought into it; one in range the parameter refuses (not a whole number, not a multiple of the step) is not rounded.
    if (clamped !== n && parseValue(def, clamped).ok) return { value: clamped, notice: `${def.label}: ${clip(raw)} is out of range, so ${clamped}${def.unit ? ' ' + def.unit : ''} is used.` };
    return { notice: `${def.label}: ${clip(raw)} is not allowed (${describeAllowed(def)}) and was ignored.` };
  }
  return { notice: `${def.label}: "${clip(raw)}" is not a valid value and was ignored.` };
}

type Read = { change: LinkChange; clamped: string[] } | { notice?: string };

function readChange(raw: string, defs: Map<string, ParamDef>, timeIn: (s: string) => number): Read {
  const m = /^(\d{1,2}:\d{2}|\d{1,9}(?:\.\d{1,9})?):([^=\s:]{1,60})=(.*)$/.exec(raw);
  if (!m) return {};
  const def = defs.get(m[2]);
  const t = timeIn(m[1]);
  const parsed = def ? parseValue(def, m[3]) : null;
  if (!def || !Number.isFinite(t) || !parsed?.ok) return {};
  return { change: { t, id: def.id, value: parsed.value }, clamped: [] };
}

function readOp(raw: string, model: string, catalog: ModelCatalog, timeIn: (s: string) => number): Read {
  const m = /^(\d{1,2}:\d{2}|\d{1,9}(?:\.\d{1,9})?):([a-z.]{1,20})\(([^)]*)\)$/.exec(raw);
  if (!m || !isOpType(m[2])) return {};
  const type = m[2];
  const t = timeIn(m[1]);
  const parts = m[3].split(',');
  const names = OPS[type];
  if (!Number.isFinite(t) || parts.length !== 2 + names.length) return {};
  const [service, region] = parts;
  const services = catalog.servicesOf?.(model);
  const regions = catalog.regionsOf?.(model);
  if (ON_SERVICE.has(type) ? !service || (services && !services.includes(service)) : service !== '') return {};
  if (region !== '*' && (!region || (regions && !regions.includes(region)))) return {};
  const args: (number | 'off')[] = [];
  const clamped: string[] = [];
  for (let k = 0; k < names.length; k++) {
    const spec = argSpec(type, names[k], catalog.stepOf?.(model));
    const text = parts[2 + k];
    if (text === 'off' && spec.off) {
      args.push('off');
      continue;
    }
    if (!DECIMAL.test(text)) return { notice: `The operator action "${clip(raw)}" was left out: its ${spec.label} "${clip(text)}" is not a number of ${spec.unit}.` };
    const n = Number(text);
    let v = Math.min(spec.max, Math.max(spec.min, n));
    if (v !== n) clamped.push(`The operator action "${clip(raw)}": ${spec.label} ${clip(text)} ${spec.unit} is outside ${spec.min} to ${spec.max} ${spec.unit}, so ${v} ${spec.unit} is used.`);
    // The engine counts a fault's latency and length in whole steps (to the nearest): say so where
    // that changes the number (0.3 s of latency in 1 s steps would otherwise be none at all,
    // without a word). A scale-out's delay is not rounded: it lands on the first step after it.
    const step = names[k] === 'addS' || names[k] === 'durationS' ? catalog.stepOf?.(model) : undefined;
    const snapped = step ? Math.max(spec.min, Number((Math.round(v / step) * step).toFixed(9))) : v;
    if (Math.abs(snapped - v) > 1e-9) {
      clamped.push(`The operator action "${clip(raw)}": ${spec.label} ${v} s is not a whole number of this model's ${step} s steps, so ${snapped} s is used.`);
      v = snapped;
    }
    args.push(v);
  }
  return { change: { t, action: { type, service: service || undefined, regions: region === '*' ? undefined : [region], args } }, clamped };
}

/** Notices for one link: the first few in full, then how many more there were. */
class Notices {
  private readonly shown: string[] = [];
  private more = 0;
  add(text: string): void {
    if (this.shown.length < MAX_NOTICES) this.shown.push(text);
    else this.more++;
  }
  list(): string[] {
    return this.more ? [...this.shown, `${formatCount(this.more)} more things in the link were ignored.`] : [...this.shown];
  }
}

/** Text from a URL is shown to people: keep it short and printable (it is only ever rendered as text). */
export function clip(s: string): string {
  const printable = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '');
  return printable.length > 40 ? printable.slice(0, 37) + '…' : printable;
}
