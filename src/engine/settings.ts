/**
 * Settings: the engine's view of the current parameter values, derived in one place whenever a
 * parameter changes. Nothing here is state: a restored snapshot derives them again.
 */
import { compileDelays, type DelayTable, type Jitter } from './backoff.ts';
import type { Model } from './model.ts';
import { isOff, type ParamDef, type ParamValues } from '../params/registry.ts';

export const FIFO = 0;
export const LIFO = 1;
export const DEADLINE = 2;

export interface Settings {
  /** Tries per call: 1 + retries. */
  attempts: number;
  delays: DelayTable;
  timeoutTicks: number;
  /** 0 = no server-side queue timeout. */
  queueTimeoutTicks: number;
  queueLimit: number;
  discipline: number;
  /** Retries per first try, NaN = no budget. */
  budget: number;
  /** Adaptive-throttling K, NaN = off. */
  throttleK: number;
  breaker: boolean;
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

export function deriveSettings(model: Model, defs: readonly ParamDef[], params: ParamValues, dtS: number): Settings {
  const retries = Math.round(num(params['retry.attempts'], 0));
  const baseS = num(params['retry.baseDelay'], 1);
  const maxS = Math.max(baseS, num(params['retry.maxDelay'], 30));
  const discipline = params['queue.discipline'] === 'lifo' ? LIFO : params['queue.discipline'] === 'deadline' ? DEADLINE : FIFO;
  const toTicks = (s: number) => Math.max(1, Math.round(s / dtS));
  const qt = params['queueTimeout'];
  const s: Settings = {
    attempts: retries + 1,
    delays: compileDelays({ baseS, maxS, jitter: (params['retry.jitter'] as Jitter) ?? 'none' }, Math.max(1, retries), dtS),
    timeoutTicks: toTicks(num(params['timeout'], 5)),
    queueTimeoutTicks: typeof qt === 'number' ? toTicks(qt) : 0,
    queueLimit: typeof params['queue.limit'] === 'number' ? params['queue.limit'] : Infinity,
    discipline,
    budget: offable(params['retry.budget']) / 100,
    throttleK: offable(params['throttle.k']),
    breaker: params['breaker'] === 'on',
    admission: offable(params['admission']) / 100,
    failover: 0,
    quota_s: new Float64Array(model.services.length).fill(NaN),
    errors_s: new Float64Array(model.services.length),
    latency_s: new Float64Array(model.services.length),
    latencyTicks_s: new Int32Array(model.services.length),
    rate_d: Float64Array.from(model.sources.map((x) => x.rateRps)),
    capacity_s: Float64Array.from(model.services.map((x) => x.capacityRps)),
    batchedRelease: false,
    preflight: false,
    gateSeesFailures: false,
    groupsOff: new Set(),
  };
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
  return s;
}
