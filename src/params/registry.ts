/**
 * The one parameter registry. Every setting a user can change — from a slider, the URL, the
 * CLI's `--set`/`--at`, a model file — is declared here once (common parameters) or in a model's
 * `params` table (model parameters, same shape). Parsing, validation and defaults all come from it.
 */

/** A parameter's value: a number, or a word (an enum option, or `off` for parameters that allow it). */
export type ParamValue = number | string;
export type ParamValues = Readonly<Record<string, ParamValue>>;

export type ParamGroup = 'scenario' | 'retries' | 'server' | 'regions' | 'recovery';

/**
 * What a model parameter changes in the engine. Models bind their own parameters to these knobs,
 * so a new scenario never needs engine code.
 */
export type Knob =
  | { kind: 'source.rate'; source: string } // base rate of new work, req/s (scaled per region)
  | { kind: 'service.capacity'; service: string } // base capacity, req/s (scaled per region)
  | { kind: 'service.quota'; service: string } // per-caller guaranteed share, % of capacity, or off
  | { kind: 'service.errors'; service: string } // % of tries answered with an error at once, whole run
  | { kind: 'service.latency'; service: string } // seconds added to every try, whole run
  | { kind: 'routing.failover' } // % of failed calls retried in the paired region
  | { kind: 'source.release' } // all | batched
  | { kind: 'rollout.preflight' } // on | off
  | { kind: 'rollout.gate' } // blind | sees-vm-failures
  | { kind: 'timeline.group'; group: string } // on | off: scripted events of that group
  | { kind: 'timeline.ref' }; // read by timeline events as "$id"

export interface ParamDef {
  readonly id: string;
  readonly label: string;
  /** Unit shown next to the value: "s", "%", "req/s", "requests", "×", or "" for words. */
  readonly unit: string;
  readonly group: ParamGroup;
  readonly kind: 'number' | 'enum';
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  /** Allowed words of an enum parameter. */
  readonly options?: readonly string[];
  /** A number parameter that can also be switched `off`. */
  readonly off?: boolean;
  /**
   * What a switch turns it on at (unless the page has a value last used): a number, or seconds of
   * the protected service's capacity (a queue limit that holds that many seconds of work).
   */
  readonly onValue?: number | { capacityS: number };
  /**
   * Only whole multiples of this are allowed: a count, or a time the engine counts in whole steps
   * (set from the model's step when it is loaded). Nothing is accepted and then rounded.
   */
  readonly multipleOf?: number;
  /**
   * How the engine uses a time in seconds: `ticks`, counted in whole steps (a timeout, a trigger's
   * length); `delay`, a retry delay, exact in the mean down to one step. The loader derives
   * `multipleOf` and the minimum from the model's step.
   */
  readonly time?: 'ticks' | 'delay';
  readonly default: ParamValue;
  readonly description: string;
  /** Model parameters only: what the value changes. */
  readonly knob?: Knob;
}

export const OFF = 'off';

/**
 * Words the page's links use for themselves: no parameter may take one as its id, or a link could
 * not tell a setting from the page's own keys.
 */
export const RESERVED_IDS: readonly string[] = [
  'v', 'model', 'seed', 't', 'chapter', 'at', 'op', 'compare', 'embed', 'hide', 'controls', 'present',
  'secret', 'speed', 'region', 'service', 'sweep', 'theme', 'lang', 'view', 'm', 'file',
];

/**
 * Names every JavaScript object answers to through its prototype (`constructor`, `__proto__`,
 * `toString`, …). An id spelled like one would be looked up as the language's own member wherever
 * a table is a plain object, so no model id, key or reference may take one: files, links and
 * models built in the page are held to this one rule.
 */
const OBJECT_MEMBERS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether `id` names a member of `Object.prototype` (and so cannot be an id or a key). */
export function namesObjectMember(id: string): boolean {
  return OBJECT_MEMBERS.has(id);
}

/** The sentence every refusal of such an id uses. */
export function objectMemberError(path: string, id: string): string {
  return `${path}: "${id}" is a name every object has built in (like constructor or toString), so it cannot be an id here; choose another`;
}

/** Parameters every model has. Models may override their defaults (`defaults` in the model file). */
export const COMMON_PARAMS: readonly ParamDef[] = [
  {
    id: 'retry.attempts', label: 'Retries', unit: '', group: 'retries', kind: 'number',
    min: 0, max: 10, step: 1, multipleOf: 1, default: 3,
    description: 'Retries after the first try, at every layer that calls another service. Layers multiply: 3 retries at 3 layers is up to 64 calls at the bottom.',
  },
  {
    id: 'retry.baseDelay', label: 'Backoff base', unit: 's', group: 'retries', kind: 'number',
    min: 0, max: 30, step: 0.05, time: 'delay', default: 1,
    description: 'Delay before the first retry; each further retry doubles it (exponential backoff), up to the maximum. At least one step of the model (1 s on the incident).',
  },
  {
    id: 'retry.maxDelay', label: 'Backoff cap', unit: 's', group: 'retries', kind: 'number',
    min: 0, max: 600, step: 1, time: 'delay', default: 30,
    description: 'Longest delay between two tries.',
  },
  {
    id: 'retry.jitter', label: 'Jitter', unit: '', group: 'retries', kind: 'enum',
    options: ['none', 'full', 'equal', 'decorrelated'], default: 'none',
    description: 'How retry delays are randomised: none (b·2ⁿ), full U(0, b·2ⁿ), equal (half fixed, half random), decorrelated U(base, 3·previous). Spreads retries in time; does not reduce total work.',
  },
  {
    id: 'retry.budget', label: 'Retry budget', unit: '%', group: 'retries', kind: 'number',
    min: 0, max: 100, step: 1, off: true, default: OFF, onValue: 10,
    description: 'Retries allowed as a share of first tries (a token bucket over about 10 s, as in Finagle and Envoy). Beyond it a failed call is given up instead of retried.',
  },
  {
    id: 'throttle.k', label: 'Adaptive throttling K', unit: '×', group: 'retries', kind: 'number',
    min: 1, max: 10, step: 0.1, off: true, default: OFF, onValue: 2,
    description: 'Client-side adaptive throttling (Google SRE): reject locally with p = max(0, (requests − K·accepts) / (requests + 1)) over 2 minutes. K = 2 is the book’s value.',
  },
  {
    id: 'breaker', label: 'Circuit breaker', unit: '', group: 'retries', kind: 'enum',
    options: ['on', 'off'], default: 'off',
    description: 'Each caller opens a breaker when half its calls fail (over 10 s, at least 20 calls): calls fail fast for 30 s, then a few probes decide whether to close it.',
  },
  {
    id: 'timeout', label: 'Client timeout', unit: 's', group: 'retries', kind: 'number',
    min: 0.25, max: 120, step: 0.25, time: 'ticks', default: 5,
    description: 'How long a caller waits for an answer before it gives up on that try (and retries). The server cannot tell: it keeps working on the request.',
  },
  {
    id: 'queue.limit', label: 'Queue limit', unit: 'requests', group: 'server', kind: 'number',
    min: 1, max: 1e9, step: 1, off: true, default: OFF, onValue: { capacityS: 30 },
    description: 'Bounded queue: requests arriving at a full queue are rejected at once (cheaply) instead of waiting.',
  },
  {
    id: 'queue.discipline', label: 'Queue order', unit: '', group: 'server', kind: 'enum',
    options: ['fifo', 'lifo', 'deadline'], default: 'fifo',
    description: 'fifo serves the oldest request first; lifo the newest; deadline serves in order but drops requests whose caller has already given up, so no work is wasted on them.',
  },
  {
    id: 'queueTimeout', label: 'Server queue timeout', unit: 's', group: 'server', kind: 'number',
    min: 0.25, max: 600, step: 0.25, time: 'ticks', off: true, default: OFF, onValue: 2,
    description: 'The server drops requests that have waited longer than this. Shorter than the client timeout, the caller gets an error (and retries) sooner.',
  },
  {
    id: 'admission', label: 'Front-door admission', unit: '%', group: 'recovery', kind: 'number',
    min: 0, max: 200, step: 1, off: true, default: OFF, onValue: 100,
    description: 'Front-door limit on the protected service, as a share of its capacity. Work not admitted waits outside, in the backlog, and is admitted later; it is not failed or retried.',
  },
];

export function isOff(value: ParamValue): boolean {
  return value === OFF;
}

/** Formats a value the way the CLI, URL and labels print it. */
export function formatValue(value: ParamValue): string {
  return typeof value === 'number' ? String(value) : value;
}

/** One sentence naming what a parameter accepts, used in every error message about it. */
export function describeAllowed(def: ParamDef): string {
  if (def.kind === 'enum') return `one of ${def.options!.join(', ')}`;
  const q = def.multipleOf;
  const what = def.time === 'ticks' && q ? `a multiple of ${q} s (the model's step)` : q === 1 ? 'a whole number' : q ? `a multiple of ${q}` : 'a number';
  const range = `${what} from ${def.min} to ${def.max}${def.unit ? ` (${def.unit})` : ''}`;
  return def.off ? `${range}, or off` : range;
}

/** Whether `x` is a whole multiple of `q` (to within rounding of the decimal it was written as). */
export function isMultipleOf(x: number, q: number): boolean {
  const k = x / q;
  return Math.abs(k - Math.round(k)) <= 1e-9 * Math.max(1, Math.abs(k));
}

/** A parameter as it applies to a model that steps `dtS` seconds at a time. */
export function fitToStep(def: ParamDef, dtS: number): ParamDef {
  if (def.kind !== 'number' || !def.time) return def;
  const min = Math.max(def.min ?? 0, def.time === 'ticks' && (def.min ?? 0) === 0 ? 0 : dtS);
  const multipleOf = def.time === 'ticks' ? dtS : def.multipleOf;
  const step = def.time === 'ticks' && (def.step === undefined || def.step < dtS || !isMultipleOf(def.step, dtS)) ? dtS : def.step;
  return { ...def, min, step, multipleOf };
}

export type Parsed = { ok: true; value: ParamValue } | { ok: false; error: string };

/** Parses and validates one value given as text (CLI, URL) or as JSON (model files). */
export function parseValue(def: ParamDef, raw: unknown): Parsed {
  // The value as it was given, a few dozen characters of it (a number too large to read is not "null").
  const given = typeof raw === 'string' ? JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}…` : raw) + (raw.length > 40 ? ` (${raw.length} characters)` : '') : String(raw);
  const bad = (): Parsed => ({
    ok: false,
    error: `${def.id}: ${given} is not allowed; expected ${describeAllowed(def)}`,
  });
  if (def.kind === 'enum') {
    const word = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
    return typeof word === 'string' && def.options!.includes(word) ? { ok: true, value: word } : bad();
  }
  if (typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (text === OFF) return def.off ? { ok: true, value: OFF } : bad();
    if (!/^[-+]?(\d+(?:\.\d*)?|\.\d+)(e[-+]?\d+)?$/.test(text)) return bad();
    raw = Number(text);
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad();
  if (raw < def.min! || raw > def.max!) return bad();
  if (def.multipleOf && !isMultipleOf(raw, def.multipleOf)) return bad();
  return { ok: true, value: raw };
}
