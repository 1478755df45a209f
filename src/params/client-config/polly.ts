/**
 * Polly v8 retry and circuit-breaker options as bound from an appsettings.json section
 * (RetryStrategyOptions, CircuitBreakerStrategyOptions; and, as Microsoft.Extensions.Http.Resilience's
 * standard handler binds them, `AttemptTimeout` and `TotalRequestTimeout`). TimeSpans as hh:mm:ss.
 */
import { COMMON_PARAMS } from '../registry.ts';
import { bool, clean, ConfigError, get, hasAny, keyOf, norm, number, otherNames, pick, seconds, shown, timeSpan, whole, type ConfigRead, type Mapped, type ReadOptions, type Tree } from './read.ts';
import { groupSections, pathName, sectionsOf, type Section } from './sections.ts';

const RETRY_KEYS = ['MaxRetryAttempts', 'BackoffType', 'UseJitter'];
const BREAKER_KEYS = ['FailureRatio', 'MinimumThroughput', 'SamplingDuration', 'BreakDuration'];
/** Polly's defaults (RetryStrategyOptions, CircuitBreakerStrategyOptions). */
const DEFAULTS = { MaxRetryAttempts: 3, DelayS: 2, FailureRatio: 0.1, MinimumThroughput: 100, SamplingDurationS: 30, BreakDurationS: 5 };
const LAB_MAX_DELAY_S = COMMON_PARAMS.find((p) => p.id === 'retry.maxDelay')!.max!;

type Kind = 'retry' | 'breaker' | 'attempt' | 'total';

function kindOf(s: Section): Kind | null {
  if (hasAny(s.obj, RETRY_KEYS)) return 'retry';
  if (hasAny(s.obj, BREAKER_KEYS)) return 'breaker';
  const key = norm(s.path[s.path.length - 1] ?? '');
  if (keyOf(s.obj, 'Timeout') !== undefined && key === 'attempttimeout') return 'attempt';
  if (keyOf(s.obj, 'Timeout') !== undefined && key === 'totalrequesttimeout') return 'total';
  return null;
}

export const isPolly = (doc: Tree) => sectionsOf(doc).some((s) => hasAny(s.obj, RETRY_KEYS) || hasAny(s.obj, BREAKER_KEYS));

const BACKOFF = ['constant', 'linear', 'exponential'] as const;

export function readPolly(doc: Tree, options: ReadOptions): ConfigRead {
  const found = sectionsOf(doc).flatMap((section) => {
    const kind = kindOf(section);
    return kind ? [{ section, kind }] : [];
  });
  const groups = groupSections(found).filter((g) => g.parts.some((p) => p.kind === 'retry' || p.kind === 'breaker'));
  const { item: group, others } = pick(groups, (g) => g.name, options.name, 'section');
  const notes = otherNames(others, 'sections');
  const part = (k: Kind) => group.parts.find((p) => p.kind === k);
  const settings: Mapped[] = [];

  const retry = part('retry');
  if (retry) {
    const o = retry.section.obj;
    const at = pathName(retry.section.path);
    const f = (k: string) => (retry.section.path.length ? `${at}:${k}` : k);
    const rawN = get(o, 'MaxRetryAttempts');
    const n = rawN === undefined ? DEFAULTS.MaxRetryAttempts : whole(rawN, f('MaxRetryAttempts'), 1);
    settings.push({ id: 'retry.attempts', value: n, field: f('MaxRetryAttempts'), given: rawN === undefined ? 'absent' : undefined });
    const rawDelay = get(o, 'Delay');
    const delay = rawDelay === undefined ? DEFAULTS.DelayS : timeSpan(rawDelay, f('Delay'));
    const rawMax = get(o, 'MaxDelay');
    const maxDelay = rawMax === undefined || rawMax === null ? null : timeSpan(rawMax, f('MaxDelay'));
    const rawType = get(o, 'BackoffType');
    const type = rawType === undefined ? 'constant' : typeof rawType === 'number' || /^\s*\d+\s*$/.test(String(rawType)) ? BACKOFF[number(rawType, f('BackoffType'))] : String(rawType).trim().toLowerCase();
    if (!BACKOFF.includes(type as (typeof BACKOFF)[number])) throw new ConfigError(`${f('BackoffType')} ${shown(rawType)}: expected Constant, Linear or Exponential`);
    const rawJitter = get(o, 'UseJitter');
    const jitter = rawJitter === undefined ? false : bool(rawJitter, f('UseJitter'));
    const givenDelay = rawDelay === undefined ? 'absent' : shown(rawDelay);
    settings.push({ id: 'retry.baseDelay', value: delay, field: f('Delay'), given: givenDelay });
    if (type === 'constant') {
      // A constant delay is the lab's doubling capped at the base.
      settings.push({ id: 'retry.maxDelay', value: maxDelay === null ? delay : Math.min(delay, maxDelay), field: f('BackoffType'), given: 'Constant' });
      settings.push({ id: 'retry.jitter', value: jitter ? 'equal' : 'none', field: f('UseJitter') });
      if (jitter) notes.push(`${f('UseJitter')} with a constant delay spreads each delay by ±25 %: the lab's equal jitter (50–100 %) is the nearest`);
    } else {
      const largest = type === 'linear' ? delay * n : delay * 2 ** (n - 1);
      let cap = maxDelay ?? clean(largest);
      if (maxDelay === null && cap > LAB_MAX_DELAY_S) {
        cap = LAB_MAX_DELAY_S;
        notes.push(`${f('MaxDelay')} not set: Polly does not cap the delay (${seconds(clean(largest))} at the last retry); the lab's longest cap, ${LAB_MAX_DELAY_S} s, used`);
      }
      settings.push({ id: 'retry.maxDelay', value: type === 'linear' ? Math.min(cap, clean(largest)) : cap, field: f('MaxDelay'), given: maxDelay === null ? 'absent' : shown(rawMax) });
      if (type === 'linear') notes.push(`${f('BackoffType')} Linear (${seconds(delay)} × n): the lab doubles from ${seconds(delay)} up to the last linear delay, ${seconds(Math.min(cap, clean(largest)))}`);
      if (type === 'exponential' && jitter) notes.push(`${f('UseJitter')} with Exponential is Polly's decorrelated jitter (V2, median ${seconds(delay)} × 2ⁿ): as the lab's decorrelated jitter, U(base, 3 × previous)`);
      if (type === 'linear' && jitter) notes.push(`${f('UseJitter')} with a linear delay spreads each delay by ±25 %: the lab's equal jitter (50–100 %) is the nearest`);
      settings.push({ id: 'retry.jitter', value: !jitter ? 'none' : type === 'exponential' ? 'decorrelated' : 'equal', field: f('UseJitter') });
    }
  } else {
    settings.push({ id: 'retry.attempts', value: 0, field: 'retry options', given: 'absent' });
    notes.push(`${group.name} has no retry options: no retries`);
  }
  settings.push({ id: 'retry.budget', value: 'off', field: 'Polly has no retry budget' }, { id: 'throttle.k', value: 'off', field: 'Polly has no adaptive throttling' });

  const breaker = part('breaker');
  if (breaker) {
    const o = breaker.section.obj;
    const f = (k: string) => (breaker.section.path.length ? `${pathName(breaker.section.path)}:${k}` : k);
    const value = (k: string, read: (v: unknown, field: string) => number, d: number) => {
      const v = get(o, k);
      return v === undefined ? d : read(v, f(k));
    };
    const ratio = value('FailureRatio', number, DEFAULTS.FailureRatio);
    if (!(ratio > 0 && ratio <= 1)) throw new ConfigError(`${f('FailureRatio')} ${ratio}: expected more than 0 and at most 1`);
    const min = value('MinimumThroughput', (v, fld) => whole(v, fld, 2), DEFAULTS.MinimumThroughput);
    const sampling = value('SamplingDuration', timeSpan, DEFAULTS.SamplingDurationS);
    const open = value('BreakDuration', timeSpan, DEFAULTS.BreakDurationS);
    settings.push({ id: 'breaker', value: 'on', field: pathName(breaker.section.path) });
    notes.push(
      `circuit breaker (opens at ${clean(ratio * 100)} % failures of at least ${min} calls in ${seconds(sampling)}, for ${seconds(open)}): the lab's breaker is on, and opens at 50 % of at least 20 calls in 10 s, for 30 s`,
    );
  } else settings.push({ id: 'breaker', value: 'off', field: 'no circuit-breaker options' });

  const attempt = part('attempt');
  if (attempt) {
    const field = `${pathName(attempt.section.path)}:Timeout`;
    const raw = get(attempt.section.obj, 'Timeout');
    settings.push({ id: 'timeout', value: timeSpan(raw, field), field, given: shown(raw) });
  } else notes.push("no AttemptTimeout: the model's own client timeout applies");
  const total = part('total');
  if (total) notes.push(`${pathName(total.section.path)}:Timeout ${shown(get(total.section.obj, 'Timeout'))}, over all tries, left out: the lab times each try on its own`);
  return { format: 'polly', name: groups.length > 1 ? group.name : null, settings, notes };
}
