/**
 * A call's own policy and a service's own policy (model schema 2, docs/model.md §4): where a
 * model gives one, its values apply to that call or service instead of the model-wide parameters
 * of the same names; where it gives none, the model-wide parameters apply as they always have.
 *
 * A call may name a real client's preset (`"preset": "grpc"`) and set any of the retry
 * parameters over it; a service may set its own queue limit, queue order, queue timeout and
 * per-caller quota.
 */
import * as v from 'valibot';
import { CLIENT_POLICIES, type ClientPolicy } from '../params/presets.ts';
import { COMMON_PARAMS, type ParamDef, type ParamValue } from '../params/registry.ts';

/** The parameters a call may set for itself: the model-wide retry parameters' ids. */
export const CALL_POLICY_IDS = ['retry.attempts', 'retry.baseDelay', 'retry.maxDelay', 'retry.jitter', 'retry.budget', 'throttle.k', 'breaker', 'timeout'] as const;
/** The parameters a service may set for itself. */
export const SERVICE_POLICY_IDS = ['queue.limit', 'queue.discipline', 'queueTimeout', 'quota'] as const;

const Value = v.union([v.pipe(v.number(), v.finite()), v.pipe(v.string(), v.maxLength(40))]);
const optionalValues = <const K extends readonly string[]>(ids: K) => Object.fromEntries(ids.map((id) => [id, v.optional(Value)])) as { [P in K[number]]: v.OptionalSchema<typeof Value, undefined> };

export const CallPolicySchema = v.strictObject({
  /** A real client's retry policy (`CLIENT_POLICIES`), which the other fields refine. */
  preset: v.optional(v.picklist(CLIENT_POLICIES.map((p) => p.id) as [string, ...string[]])),
  ...optionalValues(CALL_POLICY_IDS),
});
export const ServicePolicySchema = v.strictObject(optionalValues(SERVICE_POLICY_IDS));

export type CallPolicyDef = v.InferOutput<typeof CallPolicySchema>;
export type ServicePolicyDef = v.InferOutput<typeof ServicePolicySchema>;

/** A service's per-caller quota: a share of its capacity each caller may use, or off. */
const QUOTA: ParamDef = {
  id: 'quota', label: 'Per-caller quota', unit: '%', group: 'server', kind: 'number',
  min: 1, max: 100, step: 1, off: true, default: 'off',
  description: 'Each caller may use at most this share of the service\'s capacity; beyond it, its requests are refused at once.',
};

/** The definition a policy's value is checked against (range, options, the model's step). */
export function policyParam(id: string): ParamDef | undefined {
  return id === 'quota' ? QUOTA : COMMON_PARAMS.find((p) => p.id === id);
}

/**
 * A call's own settings, its preset's expanded under the ones it sets; undefined when it has none.
 * `presets` are the presets as they apply to the model (`policiesFor`: delays raised to its step).
 */
export function callPolicyOf(call: { policy?: CallPolicyDef }, presets: readonly ClientPolicy[] = CLIENT_POLICIES): Record<string, ParamValue> | undefined {
  const p = call.policy;
  if (!p) return undefined;
  const out: Record<string, ParamValue> = {};
  if (p.preset) {
    const preset = presets.find((c) => c.id === p.preset)!;
    for (const [id, value] of Object.entries(preset.params)) if ((CALL_POLICY_IDS as readonly string[]).includes(id)) out[id] = value;
  }
  for (const id of CALL_POLICY_IDS) if (p[id] !== undefined) out[id] = p[id]!;
  return out;
}
