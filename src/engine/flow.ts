/**
 * A flow is one population of callers calling one service in one region, with the caller's retry
 * policy: first tries, retries waiting out their backoff, client-side protections (budget,
 * adaptive throttling, circuit breaker) and what the caller has seen lately (`pOk`).
 *
 * Each tick a flow is prepared (its arrivals for the tick are gathered), its target nodes serve
 * and fill in outcomes, then it is finished (failures become retries or are given up).
 */
import { resizeRing } from './ring.ts';
import type { CallPolicy } from './settings.ts';
import type { FlowState } from './state.ts';

/**
 * Half-open breakers let this many probe calls per second through (all calls, for a caller slower
 * than that), so that a verdict comes within a few probe periods whatever the caller's rate.
 */
export const BREAKER_PROBES_PER_S = 2;
const BREAKER_WINDOW_S = 10;
const THROTTLE_WINDOW_S = 120;
const BUDGET_WINDOW_S = 10;
/** How quickly callers' view of success (pOk) follows outcomes. */
const OUTCOME_TAU_S = 5;
const TINY = 1e-9;
/**
 * A caller's view of a share is exact once it is this close: an average that only ever closes a
 * fraction of the gap would otherwise stop one rounding step short of 1 (or drift through
 * subnormal numbers towards 0) and keep a healthy flow retrying 1e-15 of a request forever.
 * No caller tells a share from one a millionth away; arriving there, rather than 1e-12 away, lets a
 * region settle (and go calm, calm.ts) in about a minute after a change rather than two.
 */
const SETTLED = 1e-6;

/** x^k, skipping the power where it changes nothing (most calls, most of the time). */
export function powOf(x: number, k: number): number {
  return k === 1 || x === 1 || x === 0 ? x : Math.pow(x, k);
}

/** Calls a service's served requests make to a dependency: `perRequest` each, for the share `reach` that gets that far. */
export function callsMade(served: number, perRequest: number, reach: number): number {
  return served * perRequest * reach;
}

/**
 * The share of served requests that go on past a dependency called `perRequest` times: those whose
 * calls all succeed (a failed call fails the request, and it calls nothing further).
 */
export function reachPast(reach: number, pOk: number, perRequest: number): number {
  return reach * powOf(pOk, perRequest);
}

/** What a request served by a node will see from its calls, made in order. */
export interface CallOutlook {
  /** Accepted (done, or held at a front door for later). */
  pOk: number;
  /** Done now (at most pOk). */
  pDone: number;
  /** Refused by a missing dependency. */
  pRefused: number;
}

/** Fills `out` from the callers' views (`pOk`, `pDone`, `pRefused`) of the node's calls `deps` (calls per request by flow: `perRequest_f`). */
export function callOutlook(deps: readonly number[], perRequest_f: Float64Array, fs: readonly FlowState[], out: CallOutlook): void {
  let pOk = 1;
  let pDone = 1;
  let pRefused = 0;
  for (let d = 0; d < deps.length; d++) {
    const df = fs[deps[d]];
    const k = perRequest_f[deps[d]];
    const r = df.pRefused;
    if (r !== 0) pRefused += pOk * (k === 1 ? r : 1 - powOf(1 - r, k));
    pOk *= powOf(df.pOk, k);
    pDone *= powOf(df.pDone, k);
  }
  // Accepted or refused is all there is once the rest is no more than rounding: a caller's views
  // are running averages, and 1 − pOk − pRefused left at 1e-16 would fail (and retry) that much of
  // every request for ever.
  if (pOk + pRefused > 1 - SETTLED) pRefused = 1 - pOk;
  out.pOk = pOk;
  out.pDone = Math.min(pDone, pOk);
  out.pRefused = pRefused;
}

/** Below this many pending retries, a flow's total is summed again from its ring (once a turn). */
const DUE_RESUM = 1e-3;

/** Moves a caller's view `p` of a share a fraction `alpha` towards this step's `share`. */
export function follow(p: number, share: number, alpha: number): number {
  if (share > 1 - SETTLED) share = 1;
  else if (share < SETTLED) share = 0;
  const gap = share - p;
  return gap < SETTLED && gap > -SETTLED ? share : p + gap * alpha;
}

/** What a caller has seen lately of its calls (EWMA over work items): accepted, done, refused. */
export type CallerView = Pick<FlowState, 'pOk' | 'pDone' | 'pRefused'>;

/**
 * A caller sees a step's outcomes of `done` work items: `succ` done, `waiting` accepted for later
 * (held at a door, or waiting on a held call: not retried, not done either), `refused`. The rest
 * failed (given up). Its views move a share `alpha` of the way to this step's shares.
 */
export function seeOutcomes(v: CallerView, succ: number, waiting: number, refused: number, done: number, alpha: number): void {
  if (!(done > TINY)) return;
  v.pOk = follow(v.pOk, (succ + waiting) / done, alpha);
  v.pDone = follow(v.pDone, succ / done, alpha);
  v.pRefused = follow(v.pRefused, refused / done, alpha);
}

/** An orchestrator's share of recent work refused or given up, after a step that ended `done` items, `failed` of them so. */
export function failedShareAfter(share: number, failed: number, done: number, alpha: number): number {
  return done > TINY ? follow(share, failed / done, alpha) : share;
}

/** A caller's running averages for its protections (FlowState's, or a calm kernel's scratch copy). */
export type ProtectionAverages = Pick<FlowState, 'tokens' | 'firstRate' | 'thrReq' | 'thrAcc' | 'brkFail' | 'brkTotal'>;

/** Retry budget: each first try earns `budget` of a retry token; the first-try rate is averaged over the budget's window. */
export function budgetEarns(a: ProtectionAverages, budget: number, first: number, r: FlowRates): void {
  a.tokens += budget * first;
  a.firstRate += (first - a.firstRate) * r.alphaBudget;
}

/** Retry budget: tokens never pile up past the window's worth (plus one). */
export function budgetCaps(a: ProtectionAverages, budget: number, r: FlowRates): void {
  const cap = budget * a.firstRate * r.windowTicksBudget + 1;
  if (a.tokens > cap) a.tokens = cap;
}

/** Adaptive throttling (Google SRE, ch. 21): the average of requests a caller attempts… */
export function throttleSeesRequests(a: ProtectionAverages, requests: number, r: FlowRates): void {
  a.thrReq += (requests - a.thrReq) * r.alphaThrottle;
}

/** …and of those the backend accepted. */
export function throttleSeesAccepts(a: ProtectionAverages, accepted: number, r: FlowRates): void {
  a.thrAcc += (accepted - a.thrAcc) * r.alphaThrottle;
}

/** A closed breaker's window: failures from the backend and all answered calls, averaged over about 10 s. */
export function breakerSees(a: ProtectionAverages, backendFail: number, succ: number, r: FlowRates): void {
  a.brkFail += (backendFail - a.brkFail) * r.alphaBreaker;
  a.brkTotal += (backendFail + succ - a.brkTotal) * r.alphaBreaker;
}

export interface FlowRates {
  dtS: number;
  alphaOutcome: number;
  alphaBreaker: number;
  alphaThrottle: number;
  alphaBudget: number;
  windowTicksThrottle: number;
  windowTicksBreaker: number;
  windowTicksBudget: number;
}

export function flowRates(dtS: number): FlowRates {
  const a = (tau: number) => 1 - Math.exp(-dtS / tau);
  return {
    dtS,
    alphaOutcome: a(OUTCOME_TAU_S),
    alphaBreaker: a(BREAKER_WINDOW_S),
    alphaThrottle: a(THROTTLE_WINDOW_S),
    alphaBudget: a(BUDGET_WINDOW_S),
    windowTicksThrottle: THROTTLE_WINDOW_S / dtS,
    windowTicksBreaker: BREAKER_WINDOW_S / dtS,
    windowTicksBudget: BUDGET_WINDOW_S / dtS,
  };
}

/** Grows the flow's rings to fit the current settings (never shrinks, so nothing in flight is lost). */
export function fitFlowRings(f: FlowState, p: CallPolicy, tick: number): void {
  const rows = Math.max(f.rows, p.attempts);
  const Wp = Math.max(f.Wp, p.timeoutTicks + 1);
  // Outcomes can reach the caller up to a timeout late (a latency fault): retries wait that too.
  const Hd = Math.max(f.Hd, p.delays.maxOffset + p.timeoutTicks + 1);
  if (rows !== f.rows || Wp !== f.Wp) {
    f.arr0 = resizeRing(f.arr0, f.rows, f.Wp, rows, Wp, tick);
    f.arr1 = resizeRing(f.arr1, f.rows, f.Wp, rows, Wp, tick);
  }
  if (rows !== f.rows || Hd !== f.Hd) {
    // The retry ring holds future ticks: keep [tick, tick + Hd - 1].
    f.due = resizeRing(f.due, f.rows, f.Hd, rows, Hd, tick + Math.max(f.Hd, 1) - 1);
  }
  if (rows !== f.rows) {
    f.in0 = new Float64Array(rows);
    f.in1 = new Float64Array(rows);
    const fail = new Float64Array(rows);
    fail.set(f.fail);
    f.fail = fail;
    const await0 = new Float64Array(rows);
    await0.set(f.await0);
    f.await0 = await0;
    const await1 = new Float64Array(rows);
    await1.set(f.await1);
    f.await1 = await1;
  }
  f.rows = rows;
  f.Wp = Wp;
  f.Hd = Hd;
}

/** Client-side rejection share from adaptive throttling (Google SRE, ch. 21). */
export function throttleRejectShare(requests: number, accepts: number, k: number): number {
  return Math.max(0, (requests - k * accepts) / (requests + 1));
}

/**
 * Gathers this tick's attempts: first tries (home only) and retries that are due (split between
 * home and the paired region by the failover share), less what the caller rejects locally.
 * Returns the number rejected locally (they fail at once without reaching the service).
 */
export function prepareFlow(f: FlowState, failover: number, p: CallPolicy, r: FlowRates, tick: number): number {
  const rows = f.rows;
  const in0 = f.in0;
  const in1 = f.in1;
  const due = f.due;
  const Hd = f.Hd;
  const slot = tick % Hd;
  const fo = failover;
  in0[0] = f.first;
  in1[0] = 0;
  f.stockOut = 0;
  let total = f.first;
  // With no retry pending only first tries move: rows above 0 stay untouched (and zero).
  f.live = f.dueTotal > 0 ? rows : 1;
  if (f.failHi < f.live) f.failHi = f.live;
  // What arrives at each end, summed in the order the rows are read (as a node would sum them).
  let sum0 = in0[0];
  let sum1 = 0;
  if (f.live > 1) {
    let read = 0;
    for (let n = 1; n < rows; n++) {
      const i = n * Hd + slot;
      const d = due[i];
      if (d > 0) {
        due[i] = 0;
        const home = d * (1 - fo);
        const pair = d * fo;
        in0[n] = home;
        in1[n] = pair;
        sum0 += home;
        sum1 += pair;
        read += d;
      } else {
        in0[n] = 0;
        in1[n] = 0;
      }
    }
    total += read;
    f.sentRetry += read;
    f.dueTotal -= read;
    // A running total drifts by the rounding of billions of retries: near zero it is summed again
    // from the ring once a turn of the ring, so that an empty ring reads exactly zero (and the
    // caller is seen to settle), and a ring with retries left never reads zero.
    if ((f.dueTotal < DUE_RESUM && slot === 0) || f.dueTotal <= 0) f.dueTotal = waitingRetries(f);
  }
  f.sentFirst += f.first;
  if (p.budget === p.budget) {
    budgetEarns(f, p.budget, f.first, r);
  }
  f.first = 0;

  let pass = 1;
  if (p.breaker && f.brkMode !== 0) pass = f.brkMode === 1 ? 0 : total > 0 ? Math.min(1, (BREAKER_PROBES_PER_S * r.dtS) / total) : 1;
  if (p.throttleK === p.throttleK) {
    const w = r.windowTicksThrottle;
    pass *= 1 - throttleRejectShare(f.thrReq * w, f.thrAcc * w, p.throttleK);
    // Requests are seen now, accepts once the step's outcomes are known (finishFlow).
    throttleSeesRequests(f, total, r);
  }
  if (pass >= 1 || total <= 0) {
    f.sentNow = total;
    f.firstNow = in0[0];
    f.sum0 = sum0;
    f.sum1 = sum1;
    return 0;
  }
  f.sentNow = total * pass;
  f.firstNow = in0[0] * pass;
  const fail = f.fail;
  sum0 = 0;
  sum1 = 0;
  for (let n = 0; n < f.live; n++) {
    fail[n] += (in0[n] + in1[n]) * (1 - pass);
    in0[n] *= pass;
    in1[n] *= pass;
    sum0 += in0[n];
    sum1 += in1[n];
  }
  f.sum0 = sum0;
  f.sum1 = sum1;
  return total * (1 - pass);
}

export interface FlowOutcome {
  givenUp: number;
  refused: number;
  succeeded: number;
  /** Accepted for later (held at a front door, or served and waiting on a held call). */
  waiting: number;
}

/**
 * Turns this tick's outcomes into retries (scheduled by the backoff table, within the budget) or
 * completed work items, and updates what the caller has seen. `localRejected` failures never
 * reached the service and do not count against it in the breaker's window.
 */
export function finishFlow(f: FlowState, p: CallPolicy, r: FlowRates, tick: number, localRejected: number, out: FlowOutcome): void {
  const rows = f.failHi;
  f.failHi = 1;
  const fail = f.fail;
  const due = f.due;
  const Hd = f.Hd;
  const A = p.attempts;
  const table = p.delays;
  const budgeted = p.budget === p.budget;
  const now = tick % Hd;
  const late = f.lateTicks;
  let failed = 0;
  let given = 0;
  for (let n = 0; n < rows; n++) {
    const x = fail[n];
    if (x <= 0) continue;
    fail[n] = 0;
    failed += x;
    if (n + 1 >= A) {
      given += x;
      continue;
    }
    let allowed = x;
    if (budgeted) {
      allowed = Math.min(x, Math.max(0, f.tokens));
      f.tokens -= allowed;
      given += x - allowed;
    }
    if (allowed <= 0) continue;
    f.dueTotal += allowed;
    const retry = n + 1;
    const row = retry * Hd;
    for (let k = table.start[retry], end = table.start[retry + 1]; k < end; k++) {
      // offset + late < Hd, so one wrap at most.
      let at = now + late + table.offset[k];
      if (at >= Hd) at -= Hd;
      due[row + at] += allowed * table.weight[k];
    }
  }
  if (budgeted) {
    budgetCaps(f, p.budget, r);
  }
  const succ = f.succ;
  const refused = f.refused;
  const deferred = f.deferred;
  const waiting = f.waiting;
  f.succ = 0;
  f.refused = 0;
  f.deferred = 0;
  f.waiting = 0;
  f.succeeded += succ;
  f.givenUp += given;

  // Work accepted for later — held at a front door, or served but waiting on a held call — is
  // not retried (pOk), but it is not done either (pDone): the caller is waiting.
  const done = succ + given + refused + deferred + waiting;
  // All went well and the caller already knew it: nothing to update (the common case).
  const unchanged = succ === done && f.pOk === 1 && f.pDone === 1 && f.pRefused === 0;
  if (!unchanged) seeOutcomes(f, succ, deferred + waiting, refused, done, r.alphaOutcome);
  if (p.throttleK === p.throttleK) throttleSeesAccepts(f, succ, r);
  if (p.breaker) {
    const backendFail = Math.max(0, failed - localRejected) + refused;
    if (f.brkMode === 2) {
      // Half-open: count the probes' outcomes (not a decaying window), judged by their share.
      f.brkFail += backendFail;
      f.brkTotal += backendFail + succ;
    } else {
      breakerSees(f, backendFail, succ, r);
    }
  }
  out.givenUp = given;
  out.refused = refused;
  out.succeeded = succ;
  out.waiting = waiting + deferred;
}

/** Work items of this flow waiting out a backoff. */
export function waitingRetries(f: FlowState): number {
  let sum = 0;
  for (let i = f.Hd; i < f.due.length; i++) sum += f.due[i];
  return sum;
}
