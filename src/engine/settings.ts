/**
 * Settings: the engine's view of the current parameter values, derived in one place whenever a
 * parameter changes. Nothing here is state: a restored snapshot derives them again.
 */
import { compileDelays, type DelayTable, type Jitter } from './backoff.ts';
import type { Model } from './model.ts';
import { isOff, type ParamDef, type ParamValues } from '../params/registry.ts';
import { callPolicyOf } from './policy.ts';
import { policiesFor } from '../params/presets.ts';

export const FIFO = 0;
export const LIFO = 1;
export const DEADLINE = 2;

/**
 * How a caller calls (docs/model.md §4): the model-wide retry parameters, or a call's own policy
 * where the model gives it one (schema 2).
 */
export interface CallPolicy {
  /** Tries per call: 1 + retries. */
  attempts: number;
  delays: DelayTable;
  /** The caller's timeout, in ticks (every caller of a service waits as long: see `timeoutTicks_s`). */
  timeoutTicks: number;
  /** Retries per first try, NaN = no budget. */
  budget: number;
  /** Adaptive-throttling K, NaN = off. */
  throttleK: number;
  breaker: boolean;
}

export interface Settings {
  /** The model-wide call policy: what every call without its own uses, and every source's new work. */
  call: CallPolicy;
  /** Each flow's policy, by flow (topology order): the model-wide one or its call's own. */
  call_f: CallPolicy[];
  /** Whether any flow has a budget, throttling or a breaker (the calm path steps their averages). */
  protected: boolean;
  /** Whether any flow has a breaker. */
  breakers: boolean;
  /** How long callers of each service wait for an answer, in ticks, by service. */
  timeoutTicks_s: Int32Array;
  /** Server-side queue timeout in ticks, by service; 0 = none. */
  queueTimeoutTicks_s: Int32Array;
  /** Queue limit in requests, by service; Infinity = unbounded. */
  queueLimit_s: Float64Array;
  /** Queue order (FIFO, LIFO, DEADLINE), by service. */
  discipline_s: Uint8Array;
  /** Front-door limit as a fraction of capacity, NaN = off. */
  admission: number;
  /** Share of retries routed to the paired region. */
  failover: number;
  /** Per-caller quota as a fraction of capacity, by service; NaN = off. */
  quota_s: Float64Array;
  /** Share of tries each service answers with an error at once (error fault for the whole run), by service. */
  errors_s: Float64Array;
  /** Seconds added to every try at each service (latency fault for the whole run), by service. */
  latency_s: Float64Array;
  /** The same, in ticks. */
  latencyTicks_s: Int32Array;
  /** Base rate of each model source, req/s. */
  rate_d: Float64Array;
  /** Base capacity of each model service, req/s. */
  capacity_s: Float64Array;
  batchedRelease: boolean;
  preflight: boolean;
  gateSeesFailures: boolean;
  /** Timeline groups switched off. */
  groupsOff: Set<string>;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);
const offable = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/**
 * The settings for `params`. `flowCalls` gives, for each flow of the topology, the index of the
 * model call it makes (-1 for a source's new work): each flow gets that call's policy.
 */
export function deriveSettings(model: Model, defs: readonly ParamDef[], params: ParamValues, dtS: number, flowCalls: ArrayLike<number> = []): Settings {
  const call = callPolicy(params, dtS);
  // Each call's own policy: its values over the model-wide ones (and the same object where it has none).
  const presets = policiesFor(defs);
  const call_c = model.calls.map((c) => {
    const own = callPolicyOf(c, presets);
    return own ? callPolicy({ ...params, ...own }, dtS) : call;
  });
  const S = model.services.length;
  const s: Settings = {
    call,
    call_f: Array.from(flowCalls, (c) => (c >= 0 ? call_c[c] : call)),
    protected: false,
    breakers: false,
    timeoutTicks_s: new Int32Array(S).fill(call.timeoutTicks),
    queueTimeoutTicks_s: new Int32Array(S),
    queueLimit_s: new Float64Array(S),
    discipline_s: new Uint8Array(S),
    admission: offable(params['admission']) / 100,
    failover: 0,
    quota_s: new Float64Array(S).fill(NaN),
    errors_s: new Float64Array(S),
    latency_s: new Float64Array(S),
    latencyTicks_s: new Int32Array(S),
    rate_d: Float64Array.from(model.sources.map((x) => x.rateRps)),
    capacity_s: Float64Array.from(model.services.map((x) => x.capacityRps)),
    batchedRelease: false,
    preflight: false,
    gateSeesFailures: false,
    groupsOff: new Set(),
  };
  // A call's own timeout is how long its service's callers wait (the loader lets only calls that
  // agree set one, into services no source enters).
  model.calls.forEach((c, k) => {
    if (c.policy?.timeout !== undefined) s.timeoutTicks_s[model.services.findIndex((x) => x.id === c.to)] = call_c[k].timeoutTicks;
  });
  for (const p of s.call_f) {
    if (p.budget === p.budget || p.throttleK === p.throttleK || p.breaker) s.protected = true;
    if (p.breaker) s.breakers = true;
  }
  for (const def of defs) {
    const knob = def.knob;
    if (!knob) continue;
    const value = Object.hasOwn(params, def.id) ? params[def.id] : undefined;
    switch (knob.kind) {
      case 'source.rate':
        model.sources.forEach((src, d) => src.id === knob.source && (s.rate_d[d] = num(value, src.rateRps)));
        break;
      case 'service.capacity':
        model.services.forEach((svc, i) => svc.id === knob.service && (s.capacity_s[i] = num(value, svc.capacityRps)));
        break;
      case 'service.quota':
        model.services.forEach((svc, i) => svc.id === knob.service && (s.quota_s[i] = value === undefined || isOff(value) ? NaN : num(value, NaN) / 100));
        break;
      case 'service.errors':
        model.services.forEach((svc, i) => svc.id === knob.service && (s.errors_s[i] = Math.min(1, Math.max(0, num(value, 0) / 100))));
        break;
      case 'service.latency':
        model.services.forEach((svc, i) => svc.id === knob.service && (s.latency_s[i] = Math.max(0, num(value, 0))));
        break;
      case 'routing.failover':
        s.failover = num(value, 0) / 100;
        break;
      case 'source.release':
        s.batchedRelease = value === 'batched';
        break;
      case 'rollout.preflight':
        s.preflight = value === 'on';
        break;
      case 'rollout.gate':
        s.gateSeesFailures = value === 'sees-vm-failures';
        break;
      case 'timeline.group':
        if (value === 'off') s.groupsOff.add(knob.group);
        break;
      case 'timeline.ref':
        break;
      default: {
        const never: never = knob;
        throw new Error(`unknown knob ${JSON.stringify(never)}`);
      }
    }
  }
  s.latency_s.forEach((sec, i) => (s.latencyTicks_s[i] = Math.round(sec / dtS)));
  // Each service's queue: its own policy's values over the model-wide ones.
  const wide = queuePolicy(params, dtS);
  model.services.forEach((svc, i) => {
    const q = svc.policy ? queuePolicy({ ...params, ...svc.policy }, dtS) : wide;
    s.queueLimit_s[i] = q.queueLimit;
    s.discipline_s[i] = q.discipline;
    s.queueTimeoutTicks_s[i] = q.queueTimeoutTicks;
    if (svc.policy?.quota !== undefined) s.quota_s[i] = typeof svc.policy.quota === 'number' ? svc.policy.quota / 100 : NaN;
  });
  return s;
}

/** A service's queue from parameter values (the model-wide ones, or a service's own over them). */
function queuePolicy(v: ParamValues, dtS: number): { queueLimit: number; discipline: number; queueTimeoutTicks: number } {
  const qt = v['queueTimeout'];
  const limit = v['queue.limit'];
  const order = v['queue.discipline'];
  return {
    queueLimit: typeof limit === 'number' ? limit : Infinity,
    discipline: order === 'lifo' ? LIFO : order === 'deadline' ? DEADLINE : FIFO,
    queueTimeoutTicks: typeof qt === 'number' ? Math.max(1, Math.round(qt / dtS)) : 0,
  };
}

/** A call policy from parameter values (the model-wide ones, or a call's own over them). */
function callPolicy(params: ParamValues, dtS: number): CallPolicy {
  const retries = Math.round(num(params['retry.attempts'], 0));
  const baseS = num(params['retry.baseDelay'], 1);
  const maxS = Math.max(baseS, num(params['retry.maxDelay'], 30));
  return {
    attempts: retries + 1,
    delays: compileDelays({ baseS, maxS, jitter: (params['retry.jitter'] as Jitter) ?? 'none' }, Math.max(1, retries), dtS),
    timeoutTicks: Math.max(1, Math.round(num(params['timeout'], 5) / dtS)),
    budget: offable(params['retry.budget']) / 100,
    throttleK: offable(params['throttle.k']),
    breaker: params['breaker'] === 'on',
  };
}
