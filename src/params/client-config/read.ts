/**
 * What every format reader returns, and the small readers of values they share: a key looked up
 * whatever its case or underscores (proto JSON, .NET binding and Envoy's YAML all allow variants),
 * numbers written as numbers or strings, and durations as each project writes them.
 * Pure: no Node or DOM APIs, so the page can read a pasted config with the same code.
 */

/** The lab settings a client config can set, in the order they are printed. */
export const POLICY_IDS = ['retry.attempts', 'retry.baseDelay', 'retry.maxDelay', 'retry.jitter', 'retry.budget', 'throttle.k', 'breaker', 'timeout'] as const;
export type PolicyId = (typeof POLICY_IDS)[number];

/** One lab setting as the config gives it, before it is fitted to a model. */
export interface Mapped {
  id: PolicyId;
  value: number | string;
  /** The config's field it comes from, as the file names it, for notes and refusals. */
  field: string;
  /** The value as the file wrote it ("0.025s", "00:00:02", 5), when it differs from `value`; "absent" when the library's default is used. */
  given?: string;
}

export type FormatId = 'grpc' | 'envoy' | 'polly' | 'aws' | 'azure-core';

export const FORMAT_LABELS: Record<FormatId, string> = {
  grpc: 'gRPC service config',
  envoy: 'Envoy retry policy',
  polly: 'Polly v8 options',
  aws: 'AWS shared config',
  'azure-core': 'Azure.Core RetryOptions',
};

/** A client config read: the settings it maps to and what it could not say exactly. */
export interface ConfigRead {
  format: FormatId;
  /** The method config, route, section or profile read, when the file has several kinds of them. */
  name: string | null;
  settings: Mapped[];
  notes: string[];
}

/** What the caller chose: `--name` (a method config, route or section) and `--profile` (AWS). */
export interface ReadOptions {
  name?: string;
  profile?: string;
}

/** A file that cannot be read as the format it looks like: the message names what was wrong. */
export class ConfigError extends Error {}

export type Tree = Record<string, unknown>;

export const isObject = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A key as the formats compare them: case and underscores ignored (maxAttempts, MaxAttempts, max_attempts). */
export const norm = (key: string) => key.replace(/_/g, '').toLowerCase();

/** The own key of `obj` matching `key` (normalised), or undefined. Prototype keys never match a name. */
export function keyOf(obj: Tree, key: string): string | undefined {
  const want = norm(key);
  return Object.keys(obj).find((k) => norm(k) === want);
}

/** The value at `key` (normalised), or undefined. */
export function get(obj: Tree, key: string): unknown {
  const k = keyOf(obj, key);
  return k === undefined ? undefined : obj[k];
}

/** Whether `obj` has any of `keys`. */
export const hasAny = (obj: Tree, keys: readonly string[]) => keys.some((k) => keyOf(obj, k) !== undefined);

/**
 * A message as shown to a user, whatever the file held: no control characters, escape sequences or
 * direction overrides, and at most `max` characters.
 */
export function printable(text: string, max = 400): string {
  const s = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** How a value is quoted in a message: short, printable. */
export function shown(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? (Array.isArray(v) ? 'a list' : 'an object') : String(v);
  return printable(s, 60);
}

/** A number, written as a number or as a decimal string (.NET binds strings, INI has nothing else). */
export function number(v: unknown, field: string): number {
  if (v === undefined || v === null) throw new ConfigError(`${field} is missing`);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/.test(v)) return Number(v);
  throw new ConfigError(`${field} ${shown(v)} is not a number`);
}

/** A whole number of at least `min`. */
export function whole(v: unknown, field: string, min: number): number {
  const n = number(v, field);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${field} ${shown(v)}: expected a whole number of at least ${min}`);
  return n;
}

export function bool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^\s*(true|false)\s*$/i.test(v)) return v.trim().toLowerCase() === 'true';
  throw new ConfigError(`${field} ${shown(v)}: expected true or false`);
}

/** A number without binary noise (0.1 + 0.2 is 0.3 here). */
export const clean = (x: number) => Number(x.toPrecision(12));

/**
 * A protobuf JSON Duration ("1.5s", ".01s", "25ms" is not one) or, as Envoy's YAML also allows,
 * `{ seconds, nanos }`. Seconds, at least 0.
 */
export function protoDuration(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const m = /^\s*(\d*)(\.\d{1,9})?s\s*$/.exec(v);
    if (m && (m[1] || m[2])) return clean(Number(`${m[1] || '0'}${m[2] ?? ''}`));
  } else if (isObject(v) && hasAny(v, ['seconds', 'nanos'])) {
    const s = get(v, 'seconds');
    const n = get(v, 'nanos');
    return clean((s === undefined ? 0 : whole(s, `${field}.seconds`, 0)) + (n === undefined ? 0 : whole(n, `${field}.nanos`, 0)) / 1e9);
  }
  throw new ConfigError(`${field} ${shown(v)} is not a duration; expected seconds with an "s", e.g. "0.1s" or "2s"`);
}

/** A .NET TimeSpan as configuration binds it: `[d.]hh:mm[:ss[.fffffff]]`, or a whole number of days. Seconds. */
export function timeSpan(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const m = /^\s*(?:(\d{1,8})\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d{1,7})?)?\s*$/.exec(v);
    if (m && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4] ?? 0) < 60) {
      return clean(Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(`${m[4] ?? 0}${m[5] ?? ''}`));
    }
    if (/^\s*\d{1,8}\s*$/.test(v)) return Number(v) * 86400;
  }
  throw new ConfigError(`${field} ${shown(v)} is not a TimeSpan; expected hh:mm:ss, e.g. "00:00:02"`);
}

/** A duration in seconds as a note shows it: "25 ms", "1.5 s". */
export const seconds = (s: number) => (s > 0 && s < 1 ? `${clean(s * 1000)} ms` : `${clean(s)} s`);

/** The names of things the caller did not pick, as a note: "also in the file: b, c (pick one with --name)". */
export function otherNames(others: readonly string[], what: string, flag = '--name'): string[] {
  if (others.length === 0) return [];
  const list = others.length > 8 ? `${others.slice(0, 8).join(', ')} and ${others.length - 8} more` : others.join(', ');
  return [`the file has other ${what}: ${list} (pick one with ${flag})`];
}

/** Picks the named item (case-insensitive), or the first; an unknown name is an error listing the names. */
export function pick<T>(items: readonly T[], nameOf: (t: T) => string, wanted: string | undefined, what: string): { item: T; others: string[] } {
  const names = items.map(nameOf);
  if (wanted === undefined) return { item: items[0], others: names.slice(1) };
  const i = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
  if (i < 0) throw new ConfigError(`no ${what} named ${shown(wanted)}; the file has ${names.map((n) => shown(n)).join(', ')}`);
  return { item: items[i], others: [] };
}
