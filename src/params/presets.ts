/**
 * Real client retry policies as presets (published defaults, docs/model.md §4), expressed with the
 * lab's parameters. Where a library's mechanism differs from the lab's (token-bucket retry quotas,
 * gRPC retry throttling), the nearest lab mechanism is named in `note`.
 */
import { isMultipleOf, type ParamDef, type ParamValue } from './registry.ts';

export interface ClientPolicy {
  id: string;
  label: string;
  note: string;
  params: Record<string, ParamValue>;
}

const NONE = { 'retry.budget': 'off', 'throttle.k': 'off', breaker: 'off' } as const;

export const CLIENT_POLICIES: readonly ClientPolicy[] = [
  { id: 'azure-identity', label: 'Azure Identity SDK', note: '5 retries from 800 ms, doubling, up to 60 s', params: { ...NONE, 'retry.attempts': 5, 'retry.baseDelay': 0.8, 'retry.maxDelay': 60, 'retry.jitter': 'none' } },
  { id: 'imds', label: 'IMDS guidance', note: '5 retries, about 2, 6, 14, 30 and 62 s after a failure that comes at once (delays doubling from 2 s, at most 60 s)', params: { ...NONE, 'retry.attempts': 5, 'retry.baseDelay': 2, 'retry.maxDelay': 60, 'retry.jitter': 'none' } },
  { id: 'azure-core', label: 'Azure.Core (.NET)', note: '3 retries from 0.8 s, up to 60 s, ×0.8–1.2 jitter (as equal jitter)', params: { ...NONE, 'retry.attempts': 3, 'retry.baseDelay': 0.8, 'retry.maxDelay': 60, 'retry.jitter': 'equal' } },
  { id: 'aws-standard', label: 'AWS SDK standard', note: '3 attempts, full jitter, 20 s cap; its 500-token retry quota approximated by a 20 % retry budget', params: { ...NONE, 'retry.attempts': 2, 'retry.baseDelay': 1, 'retry.maxDelay': 20, 'retry.jitter': 'full', 'retry.budget': 20 } },
  { id: 'grpc', label: 'gRPC with retry throttling', note: '4 attempts, 0.1 s to 1 s, full jitter; retryThrottling approximated by a 10 % retry budget', params: { ...NONE, 'retry.attempts': 3, 'retry.baseDelay': 0.1, 'retry.maxDelay': 1, 'retry.jitter': 'full', 'retry.budget': 10 } },
  { id: 'finagle', label: 'Finagle retry budget', note: 'retries at most 20 % of requests', params: { ...NONE, 'retry.attempts': 3, 'retry.baseDelay': 0.05, 'retry.maxDelay': 1, 'retry.jitter': 'full', 'retry.budget': 20 } },
  { id: 'envoy', label: 'Envoy', note: '1 retry, 25 ms base, 250 ms max, budget 20 %', params: { ...NONE, 'retry.attempts': 1, 'retry.baseDelay': 0.025, 'retry.maxDelay': 0.25, 'retry.jitter': 'full', 'retry.budget': 20 } },
  { id: 'polly', label: 'Polly v8 retries with a breaker', note: '3 retries with jitter, and the lab’s circuit breaker (opens when half of at least 20 calls fail; Polly’s own defaults differ: 10 % of 100 calls, 5 s open)', params: { ...NONE, 'retry.attempts': 3, 'retry.baseDelay': 1, 'retry.maxDelay': 30, 'retry.jitter': 'full', breaker: 'on' } },
  { id: 'sre', label: 'Google SRE adaptive throttling', note: 'at most 3 attempts, retries ≤ 10 %, client-side throttling with K = 2', params: { ...NONE, 'retry.attempts': 2, 'retry.baseDelay': 1, 'retry.maxDelay': 30, 'retry.jitter': 'full', 'retry.budget': 10, 'throttle.k': 2 } },
];

/**
 * The policies as they apply to a model: a delay shorter than the model's step cannot be told
 * apart from one step, so it is raised to the step and the note says so — nothing is accepted
 * and then silently rounded.
 */
export function policiesFor(defs: readonly ParamDef[]): ClientPolicy[] {
  return CLIENT_POLICIES.map((p) => {
    const params: Record<string, ParamValue> = { ...p.params };
    const changed: string[] = [];
    for (const [id, value] of Object.entries(params)) {
      const def = defs.find((d) => d.id === id);
      if (!def || def.kind !== 'number' || typeof value !== 'number') continue;
      let v = Math.min(def.max ?? value, Math.max(def.min ?? value, value));
      if (def.multipleOf && !isMultipleOf(v, def.multipleOf)) v = Math.ceil(v / def.multipleOf) * def.multipleOf;
      if (v !== value) {
        params[id] = v;
        changed.push(`${def.label.toLowerCase()} ${value} ${def.unit} is ${v} ${def.unit} here`);
      }
    }
    const stepS = defs.find((d) => d.id === 'retry.baseDelay')?.min;
    return changed.length ? { ...p, params, note: `${p.note}; ${changed.join(', ')} (the model steps ${stepS} s at a time)` } : p;
  });
}
