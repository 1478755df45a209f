/**
 * One service in one region, as a fluid queue. Requests are kept in cohorts by arrival tick, so
 * every queued request has an age. The two rules that make retry storms possible hold here:
 *  1. the server keeps serving requests whose caller has already given up (wasted work), unless
 *     the deadline discipline or a queue timeout removes them;
 *  2. a caller that times out retries, and the timed-out request still takes capacity when served.
 *
 * Order within a tick: client timeouts and queue timeout (ageing) → front door → refusal (403) →
 * per-caller quota → error fault → bounded queue → enqueue → serve (by discipline).
 *
 * A latency fault of L seconds makes every try take L longer: a try served after waiting w reaches
 * its caller at w + L, so it is in time only if w < T − L. The node therefore judges its queue by
 * the caller's remaining patience (`timeoutTicks` = T − L), and the caller learns every outcome
 * L late (see `FlowState.lateTicks`).
 */
import { resizeRing } from './ring.ts';
import { DEADLINE, FIFO, LIFO, type Settings } from './settings.ts';
import { newShareOf } from './ledger.ts';
import { M, type FlowState, type NodeState } from './state.ts';
import type { NodeInfo } from './topology.ts';

const EMPTY = 1e-9;

/** A node's capacity now, req/s: its share of the service's, less a fault, plus scale-outs landed. */
export function capacityRpsOf(st: Settings, svc: number, share: number, n: NodeState): number {
  return st.capacity_s[svc] * share * n.faultFactor + n.addedRps;
}

/**
 * The share a front door admits of what wants in (what it holds and what arrives, each in the
 * same share): all of it, or its limit's worth; the rest waits outside.
 */
export function admitShare(limit: number, want: number): number {
  return want > limit ? limit / want : 1;
}

/**
 * How many of `enqueued` arrivals a bounded queue takes: the limit is on what still waits after
 * this step's service (`capacityLeft`), and rejecting costs a share `rejectCost` of serving, so each
 * request accepted instead of rejected grows the queue by 1 − rejectCost.
 */
export function queueRoom(limit: number, capacityLeft: number, rejectCost: number, enqueued: number, queued: number): number {
  return (limit + capacityLeft - rejectCost * enqueued - queued) / Math.max(1e-9, 1 - rejectCost);
}

/** Where a ramp puts a node's front door in step `t` (before the ramp's end), a share of capacity. */
export function rampLimitAt(n: NodeState, t: number): number {
  return n.rampFrom + ((n.rampTo - n.rampFrom) * (t - n.rampStart)) / (n.rampEnd - n.rampStart);
}

/**
 * The lowest front-door limit (a share of capacity) node `n` has in any step from now (its door as
 * it is) to the one before `t1`, where a ramp takes it: a straight line, so lowest at one end, then
 * the ramp's target. Infinity when the door is open. `Simulation.runNodeTimers` moves the door.
 */
export function doorFloor(n: NodeState, t1: number): number {
  if (n.doorLimit !== n.doorLimit) return Infinity;
  if (n.rampEnd < 0) return n.doorLimit;
  const last = Math.min(t1 - 1, n.rampEnd - 1);
  const atLast = rampLimitAt(n, last);
  let floor = Math.min(n.doorLimit, atLast);
  if (t1 - 1 >= n.rampEnd) floor = Math.min(floor, n.rampTo);
  return floor;
}

/**
 * The highest front-door limit node `n` has in any step from now to the one before `t1`, if a
 * ramp does not end among them (Infinity if one does, or the door is open).
 */
export function doorCeiling(n: NodeState, t1: number): number {
  if (n.doorLimit !== n.doorLimit) return Infinity;
  if (n.rampEnd < 0) return n.doorLimit;
  if (n.rampEnd < t1) return Infinity;
  return Math.max(n.doorLimit, rampLimitAt(n, t1 - 1));
}

/** Work held at a node's front door, from home and from a paired region. */
export function heldAtDoor(info: NodeInfo, flows: readonly FlowState[]): number {
  let held = 0;
  for (let p = 0; p < info.inFlows.length; p++) {
    const f = flows[info.inFlows[p]];
    held += info.inPorts[p] === 0 ? f.held0 : f.held1;
  }
  return held;
}

/** How late every outcome of a node reaches its callers (a latency fault), in ticks: at most the timeout. */
export function lateTicksOf(st: Settings, svc: number, n: NodeState): number {
  return Math.min(st.timeoutTicks_s[svc], st.latencyTicks_s[svc] + n.latencyTicks);
}

/** Records a node's lateness, on the node and on the flows it answers at home. */
export function setLateTicks(n: NodeState, info: NodeInfo, flows: FlowState[], late: number): void {
  if (late === n.lateTicks) return;
  n.lateTicks = late;
  for (let p = 0; p < info.inFlows.length; p++) if (info.inPorts[p] === 0) flows[info.inFlows[p]].lateTicks = late;
}

/** Grows the cohort ring to the ages the settings need (never shrinks). */
export function fitNodeRing(n: NodeState, svc: number, st: Settings, tick: number): void {
  const need = Math.max(st.timeoutTicks_s[svc], st.queueTimeoutTicks_s[svc]) + 1;
  if (need <= n.W) return;
  n.init = resizeRing(n.init, 1, n.W, 1, need, tick);
  n.rem = resizeRing(n.rem, 1, n.W, 1, need, tick);
  if (n.W > 0 && n.oldest < tick - n.W + 1) n.oldest = tick - n.W + 1;
  n.W = need;
}

/** Everything one node step reads besides its own state. */
export interface NodeStepInput {
  tick: number;
  /** Current capacity, req/s, and per-tick capacity. */
  capacityRps: number;
  /** The callers' patience at this node, in ticks: the client timeout less any latency fault. */
  timeoutTicks: number;
  /** Share of tries answered with an error at once (error fault). */
  errorShare: number;
  dtS: number;
  /** Front-door limit as a fraction of capacity (NaN = open). */
  doorLimit: number;
  /** Per-caller quota, fraction of capacity (NaN = none). */
  quota: number;
  /** The service's queue limit (Infinity = none), queue order and queue timeout in ticks (0 = none). */
  queueLimit: number;
  discipline: number;
  queueTimeoutTicks: number;
  rejectCost: number;
  /**
   * Probability that a request served in time succeeds (pOk, counting calls a front door holds
   * for later), is done now (pDone ≤ pOk), or is refused by its dependencies.
   */
  pOk: number;
  pDone: number;
  pRefused: number;
  flows: FlowState[];
  cum: Float64Array;
  nodeCount: number;
  /** Scratch, one entry per in-port of the largest node. */
  portSum: Float64Array;
  /** Out: the requests served this tick (each makes calls downstream). */
  served: number;
  /** Scratch: capacity left this tick while the queue is served. */
  budget: number;
}

/**
 * Steps one node. Arrivals are read from its flows' `in0`/`in1`; outcomes are written to their
 * `fail`/`succ`/`refused`, and the requests served this tick to `x.served` (a field rather than a
 * return value: a fraction returned from a call that is not inlined is boxed, every call).
 */
export function stepNode(n: NodeState, info: NodeInfo, x: NodeStepInput): void {
  const { tick, cum, flows } = x;
  const N = x.nodeCount;
  const i = info.index;
  const inFlows = info.inFlows;
  const inPorts = info.inPorts;
  const P = inFlows.length;
  const perTickCap = x.capacityRps * x.dtS;
  // A latency fault at least as long as the timeout: no try can come back in time.
  const doomed = x.timeoutTicks <= 0;
  const lastDue = doomed ? tick - 1 : tick - x.timeoutTicks;
  if (n.queued > EMPTY) ageQueue(n, info, x, lastDue);
  else if (lastDue > n.timedThrough) n.timedThrough = lastDue;

  // Arrivals and demand (portSum_p: what each in-port brings this tick, as its flow summed it).
  const portSum = x.portSum;
  let arriving = 0;
  let routed = 0;
  let demand = 0;
  let held = 0;
  for (let p = 0; p < P; p++) {
    const f = flows[inFlows[p]];
    const home = inPorts[p] === 0;
    const s = home ? f.sum0 : f.sum1;
    portSum[p] = s;
    arriving += s;
    if (home) {
      demand += f.firstNew;
      held += f.held0;
    } else {
      routed += s;
      held += f.held1;
    }
  }
  cum[M.demand * N + i] += demand;
  if (arriving + held > 0) n.newShare = newShareOf(demand, held, arriving);

  // Front door: work over the limit waits outside (held) and is admitted later as a first try.
  if (x.doorLimit === x.doorLimit || held > 0) {
    const admit = admitShare(x.doorLimit === x.doorLimit ? x.doorLimit * perTickCap : Infinity, held + arriving);
    arriving = 0;
    routed = 0;
    for (let p = 0; p < P; p++) {
      const f = flows[inFlows[p]];
      const home = inPorts[p] === 0;
      const inn = home ? f.in0 : f.in1;
      if (admit < 1) for (let k = 0; k < f.live; k++) inn[k] *= admit;
      const h = home ? f.held0 : f.held1;
      inn[0] += h * admit;
      f.stockOut += h * admit;
      const s = portSum[p];
      // Calls newly held are accepted for later: their callers stop retrying them.
      f.deferred += s * (1 - admit);
      if (home) f.held0 = (h + s) * (1 - admit);
      else f.held1 = (h + s) * (1 - admit);
      portSum[p] = (h + s) * admit;
      arriving += portSum[p];
      if (!home) routed += portSum[p];
    }
  }
  cum[M.offered * N + i] += arriving;
  cum[M.routed * N + i] += routed;

  // Refusal (403), per-caller quota, bounded queue: rejected at once, cheaply.
  let rejectedCount = 0;
  // Quota rejections come from a throttling tier in front of the service: they cost it nothing.
  let throttled = 0;
  let enqueued = 0;
  let overShare = 1;
  const quotaCap = x.quota === x.quota ? x.quota * perTickCap : Infinity;
  // A share of the service's accounts may refuse every request (403): those callers are refused.
  const blocked = n.blocked;
  if (blocked > 0) {
    for (let p = 0; p < P; p++) {
      const s = portSum[p];
      if (s <= 0) continue;
      const f = flows[inFlows[p]];
      const inn = inPorts[p] === 0 ? f.in0 : f.in1;
      // Not retryable: the caller learns its dependency is missing.
      f.refused += s * blocked;
      rejectedCount += s * blocked;
      for (let k = 0; k < f.live; k++) inn[k] *= 1 - blocked;
      portSum[p] = s * (1 - blocked);
    }
  }
  if (quotaCap < Infinity && blocked < 1) {
    // Each caller is guaranteed its quota; above it, only while the service has room.
    let guaranteed = 0;
    let over = 0;
    for (let p = 0; p < P; p++) {
      const g = Math.min(portSum[p], quotaCap);
      guaranteed += g;
      over += portSum[p] - g;
    }
    const room = Math.max(0, perTickCap - n.queued - guaranteed);
    overShare = over > room ? room / over : 1;
  }
  for (let p = 0; p < P && overShare < 1; p++) {
    const s = portSum[p];
    if (s <= 0) continue;
    const f = flows[inFlows[p]];
    const inn = inPorts[p] === 0 ? f.in0 : f.in1;
    if (s > quotaCap) {
      const allowed = quotaCap + (s - quotaCap) * overShare;
      const keep = allowed / s;
      for (let k = 0; k < f.live; k++) {
        f.fail[k] += inn[k] * (1 - keep);
        inn[k] *= keep;
      }
      throttled += s - allowed;
      portSum[p] = allowed;
    }
  }
  // Error fault: a share of tries is answered with an error at once, cheaply; callers retry.
  let errored = 0;
  if (x.errorShare > 0 && blocked < 1) {
    const e = x.errorShare;
    for (let p = 0; p < P; p++) {
      if (portSum[p] <= 0) continue;
      const f = flows[inFlows[p]];
      const inn = inPorts[p] === 0 ? f.in0 : f.in1;
      for (let k = 0; k < f.live; k++) {
        f.fail[k] += inn[k] * e;
        inn[k] *= 1 - e;
      }
      errored += portSum[p] * e;
      portSum[p] *= 1 - e;
    }
  }
  for (let p = 0; p < P; p++) enqueued += portSum[p];
  // Bounded queue: the limit is on what still waits after this tick's service. Rejecting costs a
  // share c of serving, so each request accepted instead of rejected grows the queue by 1 − c.
  const c = x.rejectCost;
  const budget0 = Math.max(0, perTickCap - (rejectedCount + errored) * c);
  let fit = 1;
  if (x.queueLimit < Infinity && enqueued > 0) {
    const room = queueRoom(x.queueLimit, budget0, c, enqueued, n.queued);
    if (enqueued > room) fit = Math.max(0, room) / enqueued;
  }
  if (fit < 1) {
    rejectedCount += enqueued * (1 - fit);
    enqueued *= fit;
  }
  const W = n.W;
  const cslot = tick % W;
  let budget = Math.max(0, perTickCap - (rejectedCount + errored) * c);
  cum[M.capacity * N + i] += perTickCap;
  cum[M.rejected * N + i] += rejectedCount + throttled;
  cum[M.throttled * N + i] += throttled;
  cum[M.errored * N + i] += errored;

  if (n.queued <= EMPTY && fit === 1 && enqueued <= budget && !doomed) {
    // Fast path (most nodes, most of the time): nothing waits, everything is served at once.
    n.queued = 0;
    n.stale = 0;
    n.init[cslot] = 0;
    n.rem[cslot] = 0;
    n.oldest = tick + 1;
    if (enqueued > 0) serveNow(info, x, enqueued);
    x.served = enqueued;
    return;
  }

  // Enqueue: one cohort for this tick; each in-port remembers its share by attempt.
  for (let p = 0; p < P; p++) {
    const f = flows[inFlows[p]];
    f.failHi = f.rows;
    const home = inPorts[p] === 0;
    const inn = home ? f.in0 : f.in1;
    const arr = home ? f.arr0 : f.arr1;
    const Wp = f.Wp;
    const aslot = tick % Wp;
    for (let k = 0; k < f.rows; k++) {
      let v = inn[k];
      if (fit < 1 && v > 0) {
        f.fail[k] += v * (1 - fit);
        v *= fit;
      }
      arr[k * Wp + aslot] = v;
      inn[k] = 0;
    }
  }
  if (doomed) {
    // Every caller will have given up before its answer could arrive: they retry, and what they
    // sent joins the abandoned work at once.
    n.init[cslot] = enqueued;
    n.rem[cslot] = enqueued;
    if (enqueued > 0) failCohort(n, info, x, tick);
    n.init[cslot] = 0;
    n.rem[cslot] = 0;
    n.stale += enqueued;
    cum[M.timedOut * N + i] += enqueued;
    n.timedThrough = tick;
  } else {
    n.init[cslot] = enqueued;
    n.rem[cslot] = enqueued;
  }
  n.queued += enqueued;

  // Serve by discipline: FIFO takes the abandoned pool (the oldest work) first, LIFO last.
  x.budget = budget;
  x.served = 0;
  if (x.discipline === FIFO) serveStale(n, x, i);
  if (x.budget > 0 && n.queued - n.stale > EMPTY) {
    if (x.discipline === LIFO) {
      for (let a = tick; a >= n.oldest && x.budget > 0; a--) serveCohort(n, info, x, a);
    } else {
      for (let a = n.oldest; a <= tick && x.budget > 0; a++) serveCohort(n, info, x, a);
    }
  }
  if (x.discipline === LIFO) serveStale(n, x, i);
  const served = x.served;
  n.queued -= served;
  cum[M.served * N + i] += served;

  while (n.oldest <= tick && n.rem[n.oldest % W] <= EMPTY) n.oldest++;
  // Nothing left in any cohort nor in the pool: the queue is empty, whatever the running total
  // kept of the rounding of billions of requests.
  if (n.queued < EMPTY || (n.oldest > tick && n.stale <= EMPTY)) n.queued = 0;
}

/**
 * Ages the queue before this tick's arrivals: callers of requests that have waited the client
 * timeout give up (and retry); the server drops what has waited its queue timeout. Also tidies up
 * after settings changes (a shorter timeout, a queue timeout switched off, deadline switched on).
 */
function ageQueue(n: NodeState, info: NodeInfo, x: NodeStepInput, lastDue: number): void {
  const { tick, cum } = x;
  const N = x.nodeCount;
  const i = info.index;
  const W = n.W;
  const Q = x.queueTimeoutTicks;
  const deadline = x.discipline === DEADLINE;
  if (n.queued > EMPTY) {
    for (let a = Math.max(n.timedThrough + 1, n.oldest); a <= lastDue; a++) {
      const s = a % W;
      const r = n.rem[s];
      if (r <= EMPTY) continue;
      failCohort(n, info, x, a);
      cum[M.timedOut * N + i] += r;
    }
  }
  if (lastDue > n.timedThrough) n.timedThrough = lastDue;
  if (n.queued <= EMPTY) return;
  if (deadline || Q === 0) {
    // Requests nobody waits for: the deadline discipline drops them; without a queue timeout
    // they leave the ring for the pool of abandoned work that FIFO serves first.
    for (let a = n.oldest; a <= n.timedThrough; a++) {
      const s = a % W;
      const r = n.rem[s];
      if (r <= EMPTY) continue;
      n.rem[s] = 0;
      if (deadline) {
        n.queued -= r;
        cum[M.dropped * N + i] += r;
      } else n.stale += r;
    }
  }
  if ((deadline || Q > 0) && n.stale > 0) {
    cum[M.dropped * N + i] += n.stale;
    n.queued -= n.stale;
    n.stale = 0;
  }
  if (Q > 0) {
    for (let a = n.oldest; a <= tick - Q; a++) {
      const s = a % W;
      const r = n.rem[s];
      if (r <= EMPTY) continue;
      // Callers still waiting get an error now and retry; the others are long gone.
      if (a > n.timedThrough) failCohort(n, info, x, a);
      n.rem[s] = 0;
      n.queued -= r;
      cum[M.dropped * N + i] += r;
    }
  }
  while (n.oldest < tick && n.rem[n.oldest % W] <= EMPTY) n.oldest++;
  if (n.queued < EMPTY) n.queued = 0;
}

/*
 * The queue's helpers below take the capacity left (`x.budget`) and add what they serve to
 * `x.served`, rather than pass fractions in and out: V8 boxes a fraction passed to or returned
 * from a call it does not inline, every call.
 */

/** Serves what it can from the pool of abandoned requests: all of it wasted work. */
function serveStale(n: NodeState, x: NodeStepInput, i: number): void {
  if (n.stale <= 0 || x.budget <= 0) return;
  const s = Math.min(n.stale, x.budget);
  n.stale -= s;
  x.cum[M.wasted * x.nodeCount + i] += s;
  x.budget -= s;
  x.served += s;
}

/** Serves this tick's arrivals on arrival (age 0): outcomes straight from the in-ports. */
function serveNow(info: NodeInfo, x: NodeStepInput, amount: number): void {
  const pOk = x.pOk;
  const pRefused = x.pRefused;
  const pFail = Math.max(0, 1 - pOk - pRefused);
  const pWait = pOk - x.pDone;
  const flows = x.flows;
  for (let p = 0; p < info.inFlows.length; p++) {
    const f = flows[info.inFlows[p]];
    const home = info.inPorts[p] === 0;
    const inn = home ? f.in0 : f.in1;
    const aw = home ? f.await0 : f.await1;
    let got = 0;
    for (let k = 0; k < f.live; k++) {
      const v = inn[k];
      if (v <= 0) continue;
      inn[k] = 0;
      got += v;
      if (pFail > 0) f.fail[k] += v * pFail;
      if (pWait > 0) aw[k] += v * pWait;
    }
    f.succ += got * x.pDone;
    f.refused += got * pRefused;
    if (pWait > 0) {
      f.waiting += got * pWait;
      f.awaitTotal += got * pWait;
    }
  }
  const N = x.nodeCount;
  const i = info.index;
  x.cum[M.served * N + i] += amount;
  x.cum[M.goodput * N + i] += amount * x.pDone;
  x.cum[M.waiting * N + i] += amount * (pOk - x.pDone);
  x.cum[M.failed * N + i] += amount * (1 - pOk);
}

/** Serves what it can of the cohort that arrived at tick `a`. */
function serveCohort(n: NodeState, info: NodeInfo, x: NodeStepInput, a: number): void {
  const s = a % n.W;
  const r = n.rem[s];
  if (r <= EMPTY) return;
  const budget = x.budget;
  const take = r < budget ? r : budget;
  n.rem[s] = r - take;
  x.budget = budget - take;
  x.served += take;
  const N = x.nodeCount;
  const i = info.index;
  if (a <= n.timedThrough) {
    x.cum[M.wasted * N + i] += take;
    return;
  }
  // Served while the caller still waits: succeeds unless a dependency fails it.
  const share = take / n.init[s];
  const pOk = x.pOk;
  const pRefused = x.pRefused;
  const pFail = Math.max(0, 1 - pOk - pRefused);
  const pWait = pOk - x.pDone;
  const flows = x.flows;
  for (let p = 0; p < info.inFlows.length; p++) {
    const f = flows[info.inFlows[p]];
    const home = info.inPorts[p] === 0;
    const arr = home ? f.arr0 : f.arr1;
    const aw = home ? f.await0 : f.await1;
    const Wp = f.Wp;
    const as = a % Wp;
    f.failHi = f.rows;
    let got = 0;
    for (let k = 0; k < f.rows; k++) {
      const v = arr[k * Wp + as] * share;
      if (v <= 0) continue;
      got += v;
      if (pFail > 0) f.fail[k] += v * pFail;
      if (pWait > 0) aw[k] += v * pWait;
    }
    f.succ += got * x.pDone;
    f.refused += got * pRefused;
    if (pWait > 0) {
      f.waiting += got * pWait;
      f.awaitTotal += got * pWait;
    }
  }
  x.cum[M.goodput * N + i] += take * x.pDone;
  x.cum[M.waiting * N + i] += take * (pOk - x.pDone);
  x.cum[M.failed * N + i] += take * (1 - pOk);
}

/** The callers of what remains of cohort `a` see a failure now, by attempt. */
function failCohort(n: NodeState, info: NodeInfo, x: NodeStepInput, a: number): void {
  const s = a % n.W;
  const share = n.rem[s] / n.init[s];
  const flows = x.flows;
  for (let p = 0; p < info.inFlows.length; p++) {
    const f = flows[info.inFlows[p]];
    const arr = info.inPorts[p] === 0 ? f.arr0 : f.arr1;
    const Wp = f.Wp;
    const as = a % Wp;
    f.failHi = f.rows;
    for (let k = 0; k < f.rows; k++) {
      const v = arr[k * Wp + as];
      if (v > 0) f.fail[k] += v * share;
    }
  }
}
