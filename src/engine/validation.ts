/**
 * How we know: the engine held against results nobody here wrote. Each check runs the real engine
 * headless on a small scenario and compares one figure with a published one (or with the exact
 * per-request simulation in test/des, whose thresholds are kept as a checked fixture), within a
 * stated tolerance. `npm run validate` prints the table; the page computes it live in its worker;
 * the tests assert every row passes.
 */
import des from '../../test/fixtures/des-thresholds.json';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { mustLoadModel, type LoadedModel } from './load-model.ts';
import { Simulation } from './simulation.ts';
import { M } from './state.ts';

export interface CheckResult {
  id: string;
  /** Who published it, where; and what the expected figure is called ("published", "per-request"). */
  source: string;
  reference: string;
  /** What is claimed, in a sentence. */
  claim: string;
  expected: number;
  measured: number;
  /** Allowed gap: relative (a share of `expected`) or, with `atMost`, an upper bound. */
  tolerance: number;
  kind: 'within' | 'atMost';
  unit: string;
  pass: boolean;
}

interface Window {
  demand: number;
  offered: number;
  goodput: number;
  sent: number;
  /** Requests the callers attempted, before any client-side rejection. */
  requests: number;
}

/** Runs `loaded` to `toS` and returns the counters of `service` (first region) over [fromS, toS]. */
function measure(loaded: LoadedModel, params: Record<string, number | string>, service: string, fromS: number, toS: number): Window {
  const sim = new Simulation(loaded, { params, durationS: toS });
  const node = sim.topo.serviceIds.indexOf(service);
  const N = sim.topo.nodes.length;
  const inFlows = sim.topo.nodes[node].inFlows;
  const read = (): Window => {
    const c = sim.state.cum;
    let requests = 0;
    for (const f of inFlows) requests += sim.state.flows[f].sentFirst + sim.state.flows[f].sentRetry;
    return { demand: c[M.demand * N + node], offered: c[M.offered * N + node], goodput: c[M.goodput * N + node], sent: c[M.sent * N + node], requests };
  };
  sim.runTo(fromS);
  const a = read();
  sim.runTo(toS);
  const b = read();
  return { demand: b.demand - a.demand, offered: b.offered - a.offered, goodput: b.goodput - a.goodput, sent: b.sent - a.sent, requests: b.requests - a.requests };
}

/** Three retrying layers over one service (Google SRE ch. 22's example), as a model file holds it. */
export function threeLayersData() {
  return {
    schema: 1, id: 'three-layers', title: 'Three retrying layers', durationS: 600, dtS: 0.5, noise: 0,
    regions: [{ id: 'local', label: 'Local' }],
    services: [
      { id: 'front', label: 'Front', capacityRps: 1e6 },
      { id: 'middle', label: 'Middle', capacityRps: 1e6 },
      { id: 'bottom', label: 'Bottom', capacityRps: 1e6 },
    ],
    calls: [{ from: 'front', to: 'middle' }, { from: 'middle', to: 'bottom' }],
    sources: [{ id: 'users', label: 'Users', service: 'front', rateRps: 10 }],
    params: [{
      id: 'bottom.errors', label: 'Bottom errors', unit: '%', group: 'scenario', kind: 'number', min: 0, max: 100, step: 1, default: 0,
      description: 'Share of tries the bottom service fails at once.', knob: { kind: 'service.errors', service: 'bottom' },
    }],
    timeline: [] as unknown[],
  };
}

function threeLayers(): LoadedModel {
  return mustLoadModel(threeLayersData());
}

const relGap = (measured: number, expected: number) => Math.abs(measured - expected) / Math.abs(expected);

function within(r: Omit<CheckResult, 'pass' | 'kind' | 'reference'> & { reference?: string }): CheckResult {
  return { reference: 'published', ...r, kind: 'within', pass: relGap(r.measured, r.expected) <= r.tolerance };
}


/** The published results, measured on the engine. */
export function publishedChecks(): CheckResult[] {
  const single = mustLoadModel(BUILTIN_MODELS['single-service']);
  // Brooker: a server that fails half of all calls at once, with room to spare (no overload).
  const noOverload = { capacity: 10000, load: 700, 'trigger.duration': 0, errors: 50, 'retry.jitter': 'none' };
  const p = 0.5;
  const b3 = measure(single, { ...noOverload, 'retry.attempts': 3 }, 'server', 120, 600);
  // A budget is judged where it matters: a server that fails every call, which 3 retries turn
  // into 4 × the demand; a 10 % budget holds it near 1.1 × (an engine that never retried would
  // pass an upper bound alone).
  const down = { ...noOverload, errors: 100, 'retry.attempts': 3 };
  const unbudgeted = measure(single, down, 'server', 120, 600);
  const budget = measure(single, { ...down, 'retry.budget': 10 }, 'server', 120, 600);
  const layers = threeLayers();
  const top = measure(layers, { 'retry.attempts': 3, 'bottom.errors': 100 }, 'front', 120, 600);
  const bottom = measure(layers, { 'retry.attempts': 3, 'bottom.errors': 100 }, 'bottom', 120, 600);
  // SRE ch. 21: a backend that fails 60 % of requests; no retries, client-side throttling K = 2.
  const K = 2;
  const thr = measure(single, { capacity: 10000, load: 700, 'trigger.duration': 0, errors: 60, 'retry.attempts': 0, 'throttle.k': K }, 'server', 780, 900);
  const rejected = 1 - thr.offered / thr.requests;
  const formula = Math.max(0, (thr.requests - K * thr.goodput) / (thr.requests + 1));
  const brooker = 'Brooker, "Fixing retries with token buckets and circuit breakers" (2022)';
  return [
    within({ id: 'brooker-load', source: brooker, claim: 'A server failing p = 50 % of calls, 3 retries: offered load is 1 + p + p² + p³ times the demand.', expected: 1 + p + p * p + p ** 3, measured: b3.offered / b3.demand, tolerance: 0.02, unit: '×' }),
    within({ id: 'brooker-success', source: brooker, claim: 'The same: the share of requests that succeed is 1 − p⁴.', expected: 1 - p ** 4, measured: b3.goodput / b3.demand, tolerance: 0.01, unit: '' }),
    within({ id: 'brooker-no-budget', source: brooker, claim: 'A server failing every call, 3 retries and no budget: offered load is 4 times the demand.', expected: 4, measured: unbudgeted.offered / unbudgeted.demand, tolerance: 0.02, unit: '×' }),
    within({ id: 'brooker-budget', source: brooker, claim: 'The same server with a 10 % retry budget: the load stays at 1.1 times the demand.', expected: 1.1, measured: budget.offered / budget.demand, tolerance: 0.02, unit: '×' }),
    within({ id: 'sre-layers', source: 'Google SRE book, ch. 22 "Addressing Cascading Failures"', claim: '3 retries at each of 3 layers: 4³ = 64 attempts at the bottom for each request at the top, in a full outage.', expected: 64, measured: bottom.offered / top.demand, tolerance: 0.02, unit: '×' }),
    // The book publishes the formula, not a figure: the expected value is the formula worked out
    // on the run's own counts of requests and accepts (a formula check, said so).
    within({ id: 'sre-throttle', source: 'Google SRE book, ch. 21 "Handling Overload"', reference: 'formula on the run\'s counts', claim: 'Adaptive throttling rejects locally with probability max(0, (requests − K·accepts) / (requests + 1)), K = 2 (over the last 2 minutes).', expected: formula, measured: rejected, tolerance: 0.05, unit: '' }),
  ];
}

// ————————————————————————————————————————————————— the per-request simulation's thresholds

/** A tipping point of the `single-service` model, as the per-request simulation defines it. */
export interface ThresholdCase {
  id: string;
  label: string;
  varies: 'loadShare' | 'outageS';
  loadShare?: number;
  outageS?: number;
  recovers: number;
  stuck: number;
  tolerance: number;
  runS: number;
}

interface DesThreshold {
  id: string;
  label: string;
  varies: 'loadShare' | 'outageS';
  outageS?: number;
  loadShare?: number;
  runS: number;
  tolerance: number;
  median: number;
  min: number;
  max: number;
}

/** The per-request simulation's thresholds (test/fixtures/des-thresholds.json). */
export const DES_THRESHOLDS: readonly DesThreshold[] = (des as unknown as { thresholds: DesThreshold[] }).thresholds;
const DES = des as unknown as { settings: { capacityRps: number; timeoutS: number; retries: number; baseDelayS: number; maxDelayS: number; outage: { atS: number } } };

/** Goodput ÷ new demand of the fluid engine's server over the last minute of one run. */
export function fluidEndGoodputShare(loaded: LoadedModel, loadShare: number, outageS: number, runS: number, seed?: number): number {
  const s = DES.settings;
  const step = loaded.model.dtS;
  const sim = new Simulation(loaded, {
    seed,
    durationS: runS,
    params: {
      load: loadShare * s.capacityRps,
      capacity: s.capacityRps,
      'trigger.at': s.outage.atS,
      // The engine counts an outage in whole steps and refuses other lengths.
      'trigger.duration': Math.round(outageS / step) * step,
      'trigger.capacity': 0,
      'retry.attempts': s.retries,
      'retry.baseDelay': s.baseDelayS,
      'retry.maxDelay': s.maxDelayS,
      'retry.jitter': 'none',
      timeout: s.timeoutS,
    },
  });
  const N = sim.topo.nodes.length;
  const node = sim.topo.serviceIds.indexOf('server');
  sim.runTo(runS - 60);
  const d0 = sim.state.cum[M.demand * N + node];
  const g0 = sim.state.cum[M.goodput * N + node];
  sim.runTo(runS);
  const demand = sim.state.cum[M.demand * N + node] - d0;
  return demand > 0 ? (sim.state.cum[M.goodput * N + node] - g0) / demand : 1;
}

/** The lowest value of the varied setting at which the fluid engine ends stuck, by bisection. */
export function fluidThreshold(loaded: LoadedModel, c: Pick<ThresholdCase, 'varies' | 'loadShare' | 'outageS' | 'recovers' | 'stuck' | 'tolerance' | 'runS'>, seed?: number): number {
  const stuckAt = (value: number) => {
    const loadShare = c.varies === 'loadShare' ? value : c.loadShare!;
    const outageS = c.varies === 'outageS' ? value : c.outageS!;
    return fluidEndGoodputShare(loaded, loadShare, outageS, c.runS, seed) < 0.9;
  };
  let lo = c.recovers;
  let hi = c.stuck;
  while (hi - lo > c.tolerance) {
    const mid = (lo + hi) / 2;
    if (stuckAt(mid)) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** The fluid engine's thresholds against the per-request simulation's, within 10 %. */
export function desChecks(): CheckResult[] {
  return Array.from({ length: DES_CASES.length }, (_, k) => desCheck(k));
}

/** The per-request thresholds the fluid engine is held to (the 900-s runs of the fixture). */
const DES_CASES = DES_THRESHOLDS.filter((t) => t.runS === 900);

/** The `k`-th per-request threshold, measured on the fluid engine. */
function desCheck(k: number): CheckResult {
  const single = mustLoadModel(BUILTIN_MODELS['single-service']);
  const t = DES_CASES[k];
  const c = t.varies === 'loadShare'
    ? { varies: t.varies, outageS: t.outageS, recovers: 0.05, stuck: 1, tolerance: 0.002, runS: t.runS }
    : { varies: t.varies, loadShare: t.loadShare, recovers: 0, stuck: 120, tolerance: 0.05, runS: t.runS };
  return within({
    id: `des-${t.id}`,
    source: 'Exact per-request simulation (test/des), thresholds kept as a checked fixture',
    reference: 'per-request',
    claim: `The ${t.label}: per-request ${t.median} (seeds ${t.min}–${t.max}).`,
    expected: t.median,
    measured: fluidThreshold(single, c),
    tolerance: 0.1,
    unit: t.varies === 'loadShare' ? '× capacity' : 's',
  });
}

/**
 * The checks in parts of a second or two each, so that whoever runs them can show how far they
 * have come and tell a part that never ends from a slow machine: the published results, then each
 * per-request threshold.
 */
export const CHECK_PARTS = 1 + DES_CASES.length;

/** Part `k` of the checks (0 ≤ k < CHECK_PARTS). */
export function checksPart(k: number): CheckResult[] {
  return k === 0 ? publishedChecks() : [desCheck(k - 1)];
}

/** Every check, published results first. */
export function allChecks(): CheckResult[] {
  return Array.from({ length: CHECK_PARTS }, (_, k) => checksPart(k)).flat();
}
