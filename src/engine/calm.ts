/**
 * Calm regions, advanced a control interval at a time.
 *
 * Most of a long run, most regions are in a steady state: nothing queues, no retry is pending,
 * every caller's view of its calls (pOk, pDone, pRefused) has settled, and no front door, fault
 * or timer is about to act. There a step is linear in the new work that enters: what each node
 * serves, refuses and sends on is a fixed share of what arrives. Such a region is advanced over
 * the whole interval between two control steps at once, from the sums of its sources' new work;
 * the machines only look at those sums anyway (every `CONTROL_S`).
 *
 * The sources draw their noise from their own streams, step by step, so the work that enters is
 * the very work a step-by-step run sees. What is checked, so that nothing observable is skipped:
 *  - at the interval's start, nothing in the region can change by itself (the state test below),
 *    no event, stage or timer falls inside the interval, and no work can be routed into the
 *    region from a paired region that is not calm (or out of it to one that still holds some);
 *  - over the interval, no node could be short of capacity in any one step (each source's
 *    largest step bounds every step), no per-caller quota is reached, no try fails, and every
 *    caller's view stays where it is (the shares of the sums equal the settled shares).
 * If any of this fails, the region is stepped one tick at a time as usual. Results agree with a
 * step-by-step run to the rounding of a sum (checked by test/engine/calm.test.ts).
 *
 * Client-side protections that keep a running average of every step's traffic (retry budget,
 * adaptive throttling, circuit breaker) switch calm intervals off: their averages need each step.
 */
import { follow, powOf, type FlowRates } from './flow.ts';
import type { Model } from './model.ts';
import { nextUniform } from './rng.ts';
import type { Settings } from './settings.ts';
import { HOLD_WHILE_FAILING, M, type SimState } from './state.ts';
import type { Topology } from './topology.ts';

const EMPTY = 1e-9;
/** A share counts as unchanged when an interval's work moves it by no more than this. */
const STILL = 1e-12;

/** What the kernel reads besides the state: the run's shape and its fixed facts. */
export interface CalmContext {
  topo: Topology;
  model: Model;
  dtS: number;
  rates: FlowRates;
  door_s: Uint8Array;
  rejectCost_s: Float64Array;
  hasPair_f: Uint8Array;
  parks_f: Uint8Array;
  homeRegion_f: Int32Array;
  pairRegion_f: Int32Array;
}

/** When the interval's clock must stop: the next model event, pending event or rollout stage (ticks). */
export interface Horizon {
  nextEventTick: number;
}

export class CalmRegions {
  /** 1 for each region advanced by the interval kernel in the current interval. */
  readonly mask: Uint8Array;
  /** Region-steps advanced calm so far (for the benchmark and the tests). */
  regionSteps = 0;
  private readonly nodesOf_r: number[][];
  private readonly flowsOf_r: number[][];
  private readonly sourcesOf_r: number[][];
  /** Flows homed elsewhere whose failover target is in the region. */
  private readonly pairedInto_r: number[][];
  private readonly savedRng: Int32Array;
  private readonly planned: Uint8Array;
  // Scratch for one interval, by flow: first tries (sum, and a bound on any one step), work
  // created, and outcomes; by node: metric deltas.
  private readonly sum_f: Float64Array;
  private readonly most_f: Float64Array;
  private readonly created_f: Float64Array;
  private readonly succ_f: Float64Array;
  private readonly wait_f: Float64Array;
  private readonly ref_f: Float64Array;
  private readonly pOk_f: Float64Array;
  private readonly pDone_f: Float64Array;
  private readonly pRefused_f: Float64Array;
  private readonly failedShare_k: Float64Array;
  private readonly delta: Float64Array;
  private readonly late_n: Int32Array;

  constructor(private readonly c: CalmContext) {
    const { nodes, flows, sources, serviceOrder, nodesByService, regionIds } = c.topo;
    const R = regionIds.length;
    this.mask = new Uint8Array(R);
    this.planned = new Uint8Array(R);
    this.nodesOf_r = regionIds.map((_, r) => serviceOrder.flatMap((svc) => nodesByService[svc].filter((i) => nodes[i].region === r)));
    this.flowsOf_r = regionIds.map((_, r) => flows.filter((f) => nodes[f.home].region === r).map((f) => f.index));
    this.sourcesOf_r = regionIds.map((_, r) => sources.filter((s) => nodes[flows[s.flow].home].region === r).map((s) => s.index));
    this.pairedInto_r = regionIds.map((_, r) => flows.filter((f) => f.pair >= 0 && nodes[f.pair].region === r).map((f) => f.index));
    this.savedRng = new Int32Array(sources.length);
    const F = flows.length;
    this.sum_f = new Float64Array(F);
    this.most_f = new Float64Array(F);
    this.created_f = new Float64Array(F);
    this.succ_f = new Float64Array(F);
    this.wait_f = new Float64Array(F);
    this.ref_f = new Float64Array(F);
    this.pOk_f = new Float64Array(F);
    this.pDone_f = new Float64Array(F);
    this.pRefused_f = new Float64Array(F);
    this.failedShare_k = new Float64Array(sources.length);
    this.delta = new Float64Array(M.count * nodes.length);
    this.late_n = new Int32Array(nodes.length);
  }

  /**
   * Finds the regions that are calm for ticks [t0, t0 + K) and advances them over the whole
   * interval, setting `mask` for them. The caller steps every other region tick by tick.
   */
  advance(s: SimState, st: Settings, t0: number, K: number, horizon: Horizon): boolean {
    this.mask.fill(0);
    if (st.budget === st.budget || st.throttleK === st.throttleK || st.breaker) return false;
    if (horizon.nextEventTick < t0 + K) return false;
    const R = this.mask.length;
    for (let r = 0; r < R; r++) this.mask[r] = this.isSteady(s, st, r) ? 1 : 0;
    this.closeOverPairs(s, st);
    // Plan each candidate; a region that fails its plan leaves, which may unsettle its pair.
    let changed = true;
    const planned = this.planned.fill(0);
    while (changed) {
      changed = false;
      for (let r = 0; r < R; r++) {
        if (this.mask[r] !== 1 || planned[r] === 1) continue;
        if (this.plan(s, st, r, K)) planned[r] = 1;
        else {
          this.unplan(s, r);
          this.mask[r] = 0;
          changed = true;
        }
      }
      if (changed && this.closeOverPairs(s, st)) {
        for (let r = 0; r < R; r++) if (planned[r] === 1 && this.mask[r] === 0) this.unplan(s, r);
      }
    }
    let any = false;
    for (let r = 0; r < R; r++) {
      if (this.mask[r] !== 1) continue;
      this.commit(s, st, r, t0, K);
      this.regionSteps += K;
      any = true;
    }
    return any;
  }

  clear(): void {
    this.mask.fill(0);
  }

  /** Nothing in region `r` can change by itself: no queue, retry, held work, release, door, fault or timer. */
  private isSteady(s: SimState, st: Settings, r: number): boolean {
    const { door_s } = this.c;
    for (const f of this.flowsOf_r[r]) {
      const fl = s.flows[f];
      if (fl.dueTotal !== 0 || fl.held0 !== 0 || fl.held1 !== 0 || fl.first !== 0) return false;
    }
    for (const i of this.nodesOf_r[r]) {
      const n = s.nodes[i];
      const info = this.c.topo.nodes[i];
      const svc = info.service;
      // Nothing held at its door, from home or from a paired region.
      for (let p = 0; p < info.inFlows.length; p++) {
        const f = s.flows[info.inFlows[p]];
        if ((info.inPorts[p] === 0 ? f.held0 : f.held1) !== 0) return false;
      }
      if (n.queued > EMPTY || n.doorLimit === n.doorLimit || n.rampEnd >= 0) return false;
      if (n.faultEnd >= 0 || n.errorEnd >= 0 || n.latencyEnd >= 0) return false;
      if (door_s[svc] === 1 && st.admission === st.admission) return false;
      if (n.errorShare > 0 || st.errors_s[svc] > 0) return false;
    }
    for (const k of this.sourcesOf_r[r]) {
      const src = s.sources[k];
      if (src.parked > 0 && src.failedShare < HOLD_WHILE_FAILING) return false;
    }
    return true;
  }

  /**
   * Leaves out a calm region that work could be routed into (a paired caller that is not calm may
   * fail over to it), or whose own earlier failovers may still wait in a paired queue. Returns
   * whether any region left.
   */
  private closeOverPairs(s: SimState, st: Settings): boolean {
    const { homeRegion_f, pairRegion_f, hasPair_f, topo } = this.c;
    let left = false;
    let changed = true;
    while (changed) {
      changed = false;
      for (let r = 0; r < this.mask.length; r++) {
        if (this.mask[r] !== 1) continue;
        let ok = true;
        for (const f of this.pairedInto_r[r]) {
          const home = homeRegion_f[f];
          const routable = hasPair_f[f] === 1 && s.isolated[home] === 0 && s.isolated[r] === 0;
          if (this.mask[home] !== 1 && routable && st.failover > 0) ok = false;
        }
        for (const f of this.flowsOf_r[r]) {
          const pair = topo.flows[f].pair;
          if (pair >= 0 && this.mask[pairRegion_f[f]] !== 1 && s.nodes[pair].queued > EMPTY) ok = false;
        }
        if (!ok) {
          this.mask[r] = 0;
          changed = left = true;
        }
      }
    }
    return left;
  }

  /** Works out region `r`'s interval into the scratch arrays; false if it would not stay calm. */
  private plan(s: SimState, st: Settings, r: number, K: number): boolean {
    const { topo, model, dtS, door_s, rejectCost_s, parks_f, rates } = this.c;
    const { nodes, flows, sources } = topo;
    const N = nodes.length;
    const flowsHere = this.flowsOf_r[r];
    for (const f of flowsHere) {
      this.sum_f[f] = this.most_f[f] = this.created_f[f] = 0;
      this.succ_f[f] = this.wait_f[f] = this.ref_f[f] = 0;
    }
    // New work, drawn step by step from each source's own stream.
    const noise = model.noise;
    const spread = noise * Math.sqrt(3);
    for (const k of this.sourcesOf_r[r]) {
      const info = sources[k];
      const src = s.sources[k];
      this.savedRng[k] = src.rng;
      const perTick = st.rate_d[info.def] * info.baseShare * dtS;
      let sum = 0;
      let most = 0;
      for (let j = 0; j < K; j++) {
        const factor = noise > 0 ? 1 + spread * (2 * nextUniform(src) - 1) : 1;
        const fresh = Math.max(0, perTick * factor);
        sum += fresh;
        if (fresh > most) most = fresh;
      }
      this.sum_f[info.flow] += sum;
      this.most_f[info.flow] += most;
      this.created_f[info.flow] += sum;
    }
    // Services in call order: each serves all it is sent, at once, and calls on.
    for (const i of this.nodesOf_r[r]) {
      const info = nodes[i];
      const svc = info.service;
      const n = s.nodes[i];
      let pOk = 1;
      let pDone = 1;
      let pRefused = 0;
      const deps = info.depFlows;
      for (let d = 0; d < deps.length; d++) {
        const df = s.flows[deps[d]];
        const k = flows[deps[d]].perRequest;
        if (df.pRefused !== 0) pRefused += pOk * (k === 1 ? df.pRefused : 1 - powOf(1 - df.pRefused, k));
        pOk *= powOf(df.pOk, k);
        pDone *= powOf(df.pDone, k);
      }
      pDone = Math.min(pDone, pOk);
      // Anything served that fails would be retried: not calm.
      if (1 - pOk - pRefused > 0) return false;
      const lateTicks = Math.min(st.timeoutTicks, st.latencyTicks_s[svc] + n.latencyTicks);
      if (st.timeoutTicks - lateTicks <= 0) return false;
      this.late_n[i] = lateTicks;
      const perTickCap = (st.capacity_s[svc] * topo.capacityShare_n[i] * n.faultFactor + n.addedRps) * dtS;
      let arriving = 0;
      let most = 0;
      for (let p = 0; p < info.inFlows.length; p++) {
        if (info.inPorts[p] !== 0) continue; // nothing is routed into a calm region
        arriving += this.sum_f[info.inFlows[p]];
        most += this.most_f[info.inFlows[p]];
      }
      const b = n.blocked;
      const quotaCap = st.quota_s[svc] * perTickCap;
      if (quotaCap === quotaCap && b < 1) {
        for (let p = 0; p < info.inFlows.length; p++) if (info.inPorts[p] === 0 && this.most_f[info.inFlows[p]] * (1 - b) > quotaCap) return false;
      }
      const served = arriving * (1 - b);
      const mostServed = most * (1 - b);
      // Room in every step: what is refused costs a share of serving, at most the largest step's refusals.
      const cost = rejectCost_s[svc];
      const room = Math.max(0, perTickCap - most * b * cost);
      if (mostServed > room) return false;
      if (st.queueLimit < Infinity && mostServed > (st.queueLimit + room - cost * mostServed) / Math.max(1e-9, 1 - cost)) return false;
      if (door_s[svc] === 1 && st.admission === st.admission) return false;
      const dm = this.delta;
      dm[M.demand * N + i] = arriving;
      dm[M.offered * N + i] = arriving;
      dm[M.capacity * N + i] = perTickCap * K;
      dm[M.rejected * N + i] = arriving * b;
      dm[M.served * N + i] = served;
      dm[M.goodput * N + i] = served * pDone;
      dm[M.waiting * N + i] = served * (pOk - pDone);
      dm[M.failed * N + i] = served * (1 - pOk);
      for (let p = 0; p < info.inFlows.length; p++) {
        if (info.inPorts[p] !== 0) continue;
        const f = info.inFlows[p];
        const got = this.sum_f[f] * (1 - b);
        this.succ_f[f] += got * pDone;
        this.wait_f[f] += got * (pOk - pDone);
        this.ref_f[f] += this.sum_f[f] * b + got * pRefused;
      }
      // Every request served makes its calls downstream.
      let reach = 1;
      for (let d = 0; d < deps.length; d++) {
        const f = deps[d];
        const k = flows[f].perRequest;
        this.sum_f[f] += served * k * reach;
        this.most_f[f] += mostServed * k * reach;
        this.created_f[f] += served * k * reach;
        reach *= powOf(s.flows[f].pOk, k);
      }
    }
    // Callers learn their outcomes: their view must not move, and held backlogs must stay held.
    for (const f of flowsHere) {
      const fl = s.flows[f];
      const succ = this.succ_f[f];
      const wait = this.wait_f[f];
      const ref = this.ref_f[f];
      const done = succ + wait + ref;
      let pOk = fl.pOk;
      let pDone = fl.pDone;
      let pRefused = fl.pRefused;
      if (done > EMPTY) {
        pOk = follow(pOk, (succ + wait) / done, rates.alphaOutcome);
        pDone = follow(pDone, succ / done, rates.alphaOutcome);
        pRefused = follow(pRefused, ref / done, rates.alphaOutcome);
        if (!still(pOk, fl.pOk) || !still(pDone, fl.pDone) || !still(pRefused, fl.pRefused)) return false;
      }
      this.pOk_f[f] = pOk;
      this.pDone_f[f] = pDone;
      this.pRefused_f[f] = pRefused;
      const k = flows[f].source;
      if (k < 0) continue;
      const src = s.sources[k];
      let share = src.failedShare;
      if (done > EMPTY) {
        share = follow(share, ref / done, rates.alphaOutcome);
        if (!still(share, src.failedShare)) return false;
      }
      // A backlog that grows or waits must be held all along (a release is not calm).
      if (parks_f[f] === 1 && (src.parked > 0 || ref > 0) && !(share >= HOLD_WHILE_FAILING + STILL && src.failedShare >= HOLD_WHILE_FAILING + STILL)) return false;
      this.failedShare_k[k] = share;
    }
    return true;
  }

  /** Gives back the noise a plan drew for a region that is stepped after all. */
  private unplan(s: SimState, r: number): void {
    for (const k of this.sourcesOf_r[r]) s.sources[k].rng = this.savedRng[k];
  }

  /** Writes region `r`'s planned interval into the state. */
  private commit(s: SimState, st: Settings, r: number, t0: number, K: number): void {
    const { topo, parks_f } = this.c;
    const { nodes, flows } = topo;
    const N = nodes.length;
    const cum = s.cum;
    const dm = this.delta;
    const last = t0 + K - 1;
    for (const i of this.nodesOf_r[r]) {
      const n = s.nodes[i];
      const info = nodes[i];
      for (const m of CALM_METRICS) cum[m * N + i] += dm[m * N + i];
      const late = this.late_n[i];
      if (late !== n.lateTicks) {
        n.lateTicks = late;
        for (let p = 0; p < info.inFlows.length; p++) if (info.inPorts[p] === 0) s.flows[info.inFlows[p]].lateTicks = late;
      }
      const lastDue = last - (st.timeoutTicks - late);
      if (lastDue > n.timedThrough) n.timedThrough = lastDue;
      for (let t = t0; t <= last; t++) {
        const slot = t % n.W;
        n.init[slot] = 0;
        n.rem[slot] = 0;
      }
      n.queued = 0;
      n.stale = 0;
      n.oldest = last + 1;
    }
    for (const f of this.flowsOf_r[r]) {
      const fl = s.flows[f];
      const sum = this.sum_f[f];
      const home = flows[f].home;
      cum[M.sent * N + home] += sum;
      cum[M.tries * N + home] += sum;
      fl.sentFirst += sum;
      fl.created += this.created_f[f];
      fl.sentNow = fl.firstNow = sum / K;
      fl.first = 0;
      fl.firstNew = 0;
      fl.live = 1;
      fl.failHi = 1;
      fl.succeeded += this.succ_f[f];
      fl.waited += this.wait_f[f];
      fl.pOk = this.pOk_f[f];
      fl.pDone = this.pDone_f[f];
      fl.pRefused = this.pRefused_f[f];
      const ref = this.ref_f[f];
      const k = flows[f].source;
      if (k < 0) {
        fl.refusedDone += ref;
        continue;
      }
      const src = s.sources[k];
      src.failedShare = this.failedShare_k[k];
      if (parks_f[f] === 1) {
        src.parked += ref;
        src.parkedTotal += ref;
      } else {
        fl.refusedDone += ref;
        cum[M.abandoned * N + home] += ref;
      }
    }
  }
}

/** The metrics a calm interval moves (the others stay as they are: nothing waits, fails or is dropped). */
const CALM_METRICS = [M.demand, M.offered, M.capacity, M.rejected, M.served, M.goodput, M.waiting, M.failed];

function still(a: number, b: number): boolean {
  return Math.abs(a - b) <= STILL;
}
