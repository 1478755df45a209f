/**
 * Azure.Core `RetryOptions` as bound from appsettings.json (Microsoft.Extensions.Azure): a client's
 * `Retry` section, with `AzureDefaults:Retry` under it for what the client's own leaves out.
 */
import { ConfigError, get, hasAny, number, otherNames, pick, seconds, shown, timeSpan, whole, type ConfigRead, type Mapped, type ReadOptions, type Tree } from './read.ts';
import { pathName, sectionsOf, type Section } from './sections.ts';

/** Keys only RetryOptions has (Delay and MaxDelay are Polly's too). */
const AZURE_KEYS = ['MaxRetries', 'Mode', 'NetworkTimeout'];
/** Azure.Core's defaults: 3 retries, 0.8 s, doubling to 1 minute, exponential, 100 s a try. */
const DEFAULTS = { MaxRetries: 3, DelayS: 0.8, MaxDelayS: 60 };
const MODES = ['fixed', 'exponential'] as const;

/** A file is Azure.Core's when it has one of AZURE_KEYS; then a `Retry` section with only delays is one too. */
export const isAzureCore = (doc: Tree) => sectionsOf(doc).some((s) => hasAny(s.obj, AZURE_KEYS));
const isRetryOptions = (s: Section) => hasAny(s.obj, AZURE_KEYS) || (/^retry$/i.test(s.path[s.path.length - 1] ?? '') && hasAny(s.obj, ['Delay', 'MaxDelay']));

/** A section's name: the client's (the parent of its `Retry`), or the path of the options themselves. */
const nameOf = (s: Section) => pathName(s.path.length > 1 && /^retry$/i.test(s.path[s.path.length - 1]) ? s.path.slice(0, -1) : s.path);

export function readAzureCore(doc: Tree, options: ReadOptions): ConfigRead {
  const found = sectionsOf(doc).filter(isRetryOptions);
  const { item, others } = pick(found, nameOf, options.name, 'client section');
  const notes = otherNames(others, 'client sections');
  const defaults = found.find((s) => /^azuredefaults$/i.test(s.path[0] ?? '') && s !== item);
  const f = (s: Section, k: string) => (s.path.length ? `${pathName(s.path)}:${k}` : k);
  /** The client's value, else AzureDefaults', else undefined; with the field it came from. */
  const read = (k: string): { v: unknown; field: string } => {
    const own = get(item.obj, k);
    if (own !== undefined || !defaults) return { v: own, field: f(item, k) };
    return { v: get(defaults.obj, k), field: f(defaults, k) };
  };
  if (defaults && AZURE_KEYS.concat(['Delay', 'MaxDelay']).some((k) => get(item.obj, k) === undefined && get(defaults.obj, k) !== undefined)) {
    notes.push(`what ${nameOf(item)} leaves out is read from ${pathName(defaults.path)}`);
  }
  const n = read('MaxRetries');
  const delay = read('Delay');
  const max = read('MaxDelay');
  const mode = read('Mode');
  const retries = n.v === undefined ? DEFAULTS.MaxRetries : whole(n.v, n.field, 0);
  const delayS = delay.v === undefined ? DEFAULTS.DelayS : timeSpan(delay.v, delay.field);
  const maxS = max.v === undefined ? DEFAULTS.MaxDelayS : timeSpan(max.v, max.field);
  const modeWord = mode.v === undefined ? 'exponential' : typeof mode.v === 'number' || /^\s*\d+\s*$/.test(String(mode.v)) ? MODES[number(mode.v, mode.field)] : String(mode.v).trim().toLowerCase();
  if (!MODES.includes(modeWord as (typeof MODES)[number])) throw new ConfigError(`${mode.field} ${shown(mode.v)}: expected Exponential or Fixed`);
  const settings: Mapped[] = [
    { id: 'retry.attempts', value: retries, field: n.field, given: n.v === undefined ? 'absent' : undefined },
    { id: 'retry.baseDelay', value: delayS, field: delay.field, given: delay.v === undefined ? 'absent' : shown(delay.v) },
  ];
  if (modeWord === 'fixed') {
    settings.push({ id: 'retry.maxDelay', value: Math.min(delayS, maxS), field: mode.field, given: 'Fixed' }, { id: 'retry.jitter', value: 'none', field: mode.field });
  } else {
    settings.push({ id: 'retry.maxDelay', value: maxS, field: max.field, given: max.v === undefined ? 'absent' : shown(max.v) }, { id: 'retry.jitter', value: 'equal', field: mode.field });
    notes.push("Mode Exponential spreads each delay by ×0.8–1.2: the lab's equal jitter (50–100 %) is the nearest");
  }
  settings.push(
    { id: 'retry.budget', value: 'off', field: 'Azure.Core has no retry budget' },
    { id: 'throttle.k', value: 'off', field: 'Azure.Core has no adaptive throttling' },
    { id: 'breaker', value: 'off', field: 'Azure.Core has no circuit breaker' },
  );
  const timeout = read('NetworkTimeout');
  if (timeout.v !== undefined) {
    const s = timeSpan(timeout.v, timeout.field);
    settings.push({ id: 'timeout', value: s, field: timeout.field, given: shown(timeout.v) });
    notes.push(`${timeout.field} ${seconds(s)} bounds each network operation: the lab's client timeout, per try`);
  } else notes.push("NetworkTimeout not set (Azure.Core's default is 100 s a try): the model's own client timeout applies");
  notes.push('the lab retries every failure, not only the status codes Azure.Core retries (408, 429, 500, 502, 503, 504)');
  return { format: 'azure-core', name: found.length > 1 ? nameOf(item) : null, settings, notes };
}
