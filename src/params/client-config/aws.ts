/**
 * The AWS shared config file (`~/.aws/config`, INI): a profile's `retry_mode` and `max_attempts`
 * (which counts the first try). Parsed with the `ini` package; two rules of the AWS format it does
 * not know are applied first: a dot in a profile's name is part of the name (not nesting), and the
 * indented lines under a key with no value are that key's sub-settings (e.g. `s3 =`), not the profile's.
 */
import { decode } from 'ini';
import { ConfigError, get, isObject, shown, whole, type ConfigRead, type Mapped, type ReadOptions, type Tree } from './read.ts';

/** Standard mode (the AWS SDKs' reference): 1 s base doubling to a 20 s cap, with full jitter. */
const STANDARD = { baseS: 1, maxS: 20, attempts: 3 };
/** Its retry quota: 500 tokens, 5 per retry, 1 back per success, so retries can keep up with a fifth of successes. */
const QUOTA_BUDGET_PCT = 20;
const MODES = ['standard', 'adaptive', 'legacy'] as const;

/** Whether the text reads as INI: its first line that is not blank or a comment is a `[section]`. */
export function looksLikeIni(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => !/^\s*([#;].*)?$/.test(l));
  return first !== undefined && /^\s*\[[^\]\[,{}:"']+\]\s*$/.test(first);
}

export function parseAwsConfig(text: string): Tree {
  const lines: string[] = [];
  let nested = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) {
      nested = false;
      lines.push(line.replace(/\./g, '\\.'));
    } else if (/^\s+\S/.test(line) && nested) continue;
    else {
      nested = /^[^=]+=\s*$/.test(line);
      lines.push(line);
    }
  }
  return decode(lines.join('\n')) as Tree;
}

/** The profile's section: `[default]` or `[profile NAME]`. */
function profiles(doc: Tree): { name: string; section: Tree }[] {
  return Object.keys(doc).flatMap((k) => {
    const v = doc[k];
    if (!isObject(v)) return [];
    if (k === 'default') return [{ name: 'default', section: v }];
    const m = /^profile\s+(.+)$/.exec(k);
    return m ? [{ name: m[1].trim(), section: v }] : [];
  });
}

export const isAws = (doc: Tree) => profiles(doc).length > 0;

export function readAws(doc: Tree, options: ReadOptions): ConfigRead {
  const all = profiles(doc);
  const wanted = options.profile ?? 'default';
  const profile = all.find((p) => p.name === wanted);
  if (!profile) throw new ConfigError(`no profile ${shown(wanted)}; the file has ${all.map((p) => p.name).join(', ')}: pick one with --profile`);
  const p = profile.section;
  const notes: string[] = [];
  const rawMode = get(p, 'retry_mode');
  const mode = rawMode === undefined ? undefined : String(rawMode).trim().toLowerCase();
  if (mode !== undefined && !MODES.includes(mode as (typeof MODES)[number])) throw new ConfigError(`retry_mode ${shown(rawMode)}: expected standard, adaptive or legacy`);
  const rawAttempts = get(p, 'max_attempts');
  const attempts = rawAttempts === undefined ? STANDARD.attempts : whole(rawAttempts, 'max_attempts', 1);
  const settings: Mapped[] = [
    { id: 'retry.attempts', value: attempts - 1, field: 'max_attempts', given: rawAttempts === undefined ? 'absent' : String(attempts) },
    { id: 'retry.baseDelay', value: STANDARD.baseS, field: 'retry_mode', given: mode ?? 'absent' },
    { id: 'retry.maxDelay', value: STANDARD.maxS, field: 'retry_mode', given: mode ?? 'absent' },
    { id: 'retry.jitter', value: 'full', field: 'retry_mode' },
  ];
  if (mode === undefined) notes.push('retry_mode not set: read as standard, the default of current SDKs (some older ones default to legacy)');
  if (mode === 'legacy') {
    notes.push('retry_mode legacy: its errors retried, backoff and quota differ by SDK; read as standard backoff without a retry quota');
    if (rawAttempts === undefined) notes.push('max_attempts not set: legacy defaults differ by SDK (botocore 5, Java 4); 3 used');
    settings.push({ id: 'retry.budget', value: 'off', field: 'retry_mode', given: 'legacy' });
  } else {
    settings.push({ id: 'retry.budget', value: QUOTA_BUDGET_PCT, field: 'retry_mode', given: `${mode ?? 'standard'} (retry quota)` });
    notes.push(`the retry quota (500 tokens, 5 a retry, 10 after a timeout, 1 back per success) approximated by a ${QUOTA_BUDGET_PCT} % retry budget`);
    notes.push('SDKs released from 2026 start standard backoff at 50 ms (1 s when throttled) and charge 14 tokens a transient retry; read with the earlier values');
  }
  if (mode === 'adaptive') notes.push("retry_mode adaptive's client-side rate limiter (it slows sending after throttling errors) left out");
  settings.push({ id: 'throttle.k', value: 'off', field: 'retry_mode' }, { id: 'breaker', value: 'off', field: 'AWS SDKs have no circuit breaker' });
  notes.push("the lab retries every failure, not only AWS's retryable errors; the shared config sets no timeout: the model's own client timeout applies");
  return { format: 'aws', name: profile.name, settings, notes };
}
