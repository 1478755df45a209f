/**
 * gRPC service config (gRFC A6): `methodConfig[].retryPolicy`, the method's `timeout` (the
 * deadline over all attempts) and the channel's `retryThrottling`. Keys in any case or snake_case,
 * as gRPC's JSON readers accept them.
 */
import { ConfigError, get, isObject, number, otherNames, protoDuration, seconds, shown, whole, type ConfigRead, type Mapped, type ReadOptions, type Tree } from './read.ts';

/** gRPC treats more attempts than this as this many (A6). */
const MAX_GRPC_ATTEMPTS = 5;

export const isGrpc = (doc: Tree) => get(doc, 'methodConfig') !== undefined || get(doc, 'retryThrottling') !== undefined;

/** A method config's names as "service/method", "service" or "*" (every method). */
function namesOf(mc: Tree): string[] {
  const names = get(mc, 'name');
  if (!Array.isArray(names)) return [];
  return names.filter(isObject).map((n) => {
    const service = get(n, 'service');
    const method = get(n, 'method');
    if (typeof service !== 'string' || service === '') return '*';
    return typeof method === 'string' && method !== '' ? `${service}/${method}` : service;
  });
}

export function readGrpc(doc: Tree, options: ReadOptions): ConfigRead {
  const list = get(doc, 'methodConfig') ?? [];
  if (!Array.isArray(list) || !list.every(isObject)) throw new ConfigError('methodConfig is not a list of method configs');
  const configs = list.map((mc, i) => ({ mc, names: namesOf(mc), label: namesOf(mc)[0] ?? `#${i + 1}` }));
  const notes: string[] = [];
  let chosen = configs[0];
  if (options.name !== undefined) {
    const want = options.name.toLowerCase();
    chosen = configs.find((c) => c.label.toLowerCase() === want || c.names.some((n) => n.toLowerCase() === want))!;
    if (!chosen) throw new ConfigError(`no method config named ${shown(options.name)}; the file has ${configs.map((c) => c.label).join(', ') || 'none'}`);
  } else notes.push(...otherNames(configs.slice(1).map((c) => c.label), 'method configs'));

  const settings: Mapped[] = [];
  const policy = chosen ? get(chosen.mc, 'retryPolicy') : undefined;
  const where = chosen ? `methodConfig ${chosen.label}` : 'the file';
  if (policy === undefined) {
    settings.push({ id: 'retry.attempts', value: 0, field: 'retryPolicy', given: 'absent' });
    notes.push(`${where} has no retryPolicy: no retries`);
  } else {
    if (!isObject(policy)) throw new ConfigError('retryPolicy is not an object');
    const p = (k: string) => `retryPolicy.${k}`;
    const attempts = whole(get(policy, 'maxAttempts'), p('maxAttempts'), 2);
    if (attempts > MAX_GRPC_ATTEMPTS) notes.push(`${p('maxAttempts')} ${attempts}: gRPC makes at most ${MAX_GRPC_ATTEMPTS} attempts; ${MAX_GRPC_ATTEMPTS} used`);
    settings.push({ id: 'retry.attempts', value: Math.min(attempts, MAX_GRPC_ATTEMPTS) - 1, field: p('maxAttempts'), given: String(attempts) });
    const rawBase = get(policy, 'initialBackoff');
    const rawMax = get(policy, 'maxBackoff');
    const base = protoDuration(rawBase, p('initialBackoff'));
    const max = protoDuration(rawMax, p('maxBackoff'));
    if (!(base > 0) || !(max > 0)) throw new ConfigError(`${p(base > 0 ? 'maxBackoff' : 'initialBackoff')} must be more than 0 s`);
    const multiplier = number(get(policy, 'backoffMultiplier'), p('backoffMultiplier'));
    if (!(multiplier > 0)) throw new ConfigError(`${p('backoffMultiplier')} ${multiplier}: must be more than 0`);
    settings.push({ id: 'retry.baseDelay', value: base, field: p('initialBackoff'), given: shown(rawBase) });
    if (multiplier === 1) {
      // Every delay is random(0, initialBackoff): the lab's doubling capped at the base is exactly that.
      settings.push({ id: 'retry.maxDelay', value: Math.min(base, max), field: p('backoffMultiplier'), given: '1' });
    } else {
      settings.push({ id: 'retry.maxDelay', value: max, field: p('maxBackoff'), given: shown(rawMax) });
      if (multiplier !== 2) notes.push(`${p('backoffMultiplier')} ${multiplier}: the lab doubles the delay at each retry`);
    }
    settings.push({ id: 'retry.jitter', value: 'full', field: 'retryPolicy (gRPC waits random(0, backoff))' });
    const codes = get(policy, 'retryableStatusCodes');
    if (Array.isArray(codes)) notes.push(`${p('retryableStatusCodes')} ${codes.map(String).join(', ')}: the lab retries every failure`);
  }
  if (chosen && get(chosen.mc, 'hedgingPolicy') !== undefined) notes.push('hedgingPolicy left out: the lab does not hedge');

  const perTry = policy && isObject(policy) ? get(policy, 'perAttemptRecvTimeout') : undefined;
  const deadline = chosen ? get(chosen.mc, 'timeout') : undefined;
  if (perTry !== undefined) {
    settings.push({ id: 'timeout', value: protoDuration(perTry, 'retryPolicy.perAttemptRecvTimeout'), field: 'retryPolicy.perAttemptRecvTimeout', given: shown(perTry) });
    if (deadline !== undefined) notes.push(`timeout ${shown(deadline)}, the deadline over all attempts, left out: the lab times each try on its own`);
  } else if (deadline !== undefined) {
    const s = protoDuration(deadline, 'timeout');
    if (!(s > 0)) throw new ConfigError('timeout must be more than 0 s');
    settings.push({ id: 'timeout', value: s, field: 'timeout', given: shown(deadline) });
    notes.push(`timeout ${seconds(s)} is gRPC's deadline over all attempts: the lab gives each try ${seconds(s)} (a try that times out is retried, where gRPC would stop)`);
  } else notes.push("no timeout: the model's own client timeout applies");

  const throttling = get(doc, 'retryThrottling');
  if (throttling === undefined) settings.push({ id: 'retry.budget', value: 'off', field: 'retryThrottling', given: 'absent' });
  else {
    if (!isObject(throttling)) throw new ConfigError('retryThrottling is not an object');
    const tokens = whole(get(throttling, 'maxTokens'), 'retryThrottling.maxTokens', 1);
    const ratio = number(get(throttling, 'tokenRatio'), 'retryThrottling.tokenRatio');
    if (!(ratio > 0)) throw new ConfigError(`retryThrottling.tokenRatio ${ratio}: must be more than 0`);
    const pct = Number((ratio * 100).toPrecision(12));
    settings.push({ id: 'retry.budget', value: pct, field: 'retryThrottling.tokenRatio', given: String(ratio) });
    notes.push(`retryThrottling (maxTokens ${tokens}, tokenRatio ${ratio}) stops retries while failures outrun ${ratio} per success: approximated by a ${pct} % retry budget; maxTokens left out`);
  }
  settings.push({ id: 'throttle.k', value: 'off', field: 'gRPC has no adaptive throttling' }, { id: 'breaker', value: 'off', field: 'gRPC has no circuit breaker' });
  return { format: 'grpc', name: chosen ? chosen.label : null, settings, notes };
}
