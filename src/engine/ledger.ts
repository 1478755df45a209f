/**
 * The ledger's rules: every work item is counted once, when first asked for, and ends in exactly
 * one of completed, abandoned, or pending (parked, held at a door, queued, waiting out a backoff,
 * waiting on a held call). The step (simulation.ts, node.ts, flow.ts) and the calm fast path
 * (calm.ts) both call these; docs/model.md §4 describes them.
 */
import { nextUniform, type RngState } from './rng.ts';
import { callOutlook, type CallOutlook } from './flow.ts';
import type { FlowState, SourceState } from './state.ts';

const TINY = 1e-9;

/**
 * The share of the tries a service admits that are new work: new first tries, and tries its front
 * door held (work accepted for later, whose calls have not been made yet), over all it admits.
 * The calls a served request makes are new work downstream in this share; a retry, or parked
 * work sent again, calls again, but asks for nothing new.
 */
export function newShareOf(newTries: number, held: number, arriving: number): number {
  const all = arriving + held;
  return all > 0 ? Math.min(1, (newTries + held) / all) : 1;
}

/**
 * New work a source asks for in a step: `perTick` on average, spread uniformly by the model's
 * noise (±noise·√3, so that its standard deviation is `noise`), never below nothing. The model's
 * only randomness: a draw from the source's own stream, and only where there is noise.
 */
export function freshWork(src: RngState, perTick: number, noise: number): number {
  const factor = noise > 0 ? 1 + noise * Math.sqrt(3) * (2 * nextUniform(src) - 1) : 1;
  return Math.max(0, perTick * factor);
}

/** The share of its parked backlog an orchestrator resuming all at once sends again per step (after `resumeS` on average). */
export function resumeShare(dtS: number, resumeS: number): number {
  return 1 - Math.exp(-dtS / resumeS);
}

/**
 * How much parked work an orchestrator sends again in a step: all at once after `resumeS` on
 * average (a share 1 − e^(−dt/resumeS) of what is parked), or, released in batches, `batch` per step;
 * the stragglers go with the last step's worth of new work (`perTick`).
 */
export function parkedRelease(parked: number, perTick: number, batched: boolean, batch: number, resumeShare: number): number {
  let r = batched ? batch : parked * resumeShare;
  if (r > parked || parked < perTick + 1e-6) r = parked;
  return r;
}

/** What a request served by a node sees of its calls, and how much of what it waits on goes on this step. */
export interface AwaitView extends CallOutlook {
  /** Share of the work its calls wait on (held at a door, or waiting deeper down) that went on in their last step. */
  goesOn: number;
}

/**
 * The view of node `info`'s calls for work waiting on them: its callers' outlook (`callOutlook`),
 * and `goesOn`, the least share that went on among its calls (a request waits on its slowest held call).
 */
export function awaitViewOf(deps: readonly number[], perRequest_f: Float64Array, flows: readonly FlowState[], out: AwaitView): void {
  callOutlook(deps, perRequest_f, flows, out);
  out.goesOn = leastGoesOn(deps, flows);
}

/** The least share that went on among calls `deps`: a request waits on its slowest held call (1 with no calls). */
export function leastGoesOn(deps: readonly number[], flows: readonly FlowState[]): number {
  let goesOn = 1;
  for (let d = 0; d < deps.length; d++) {
    const g = flows[deps[d]].goesOn;
    if (g < goesOn) goesOn = g;
  }
  return goesOn;
}

/**
 * Work served and waiting on a held call goes on as that call does: the share `v.goesOn` of it is
 * answered this step, as the calls answered now are — done, failed (and retried by its caller), or
 * refused — in the shares the node's outlook gives the calls that were answered (not held).
 * Returns how much went on.
 */
export function resolveAwaiting(f: FlowState, aw: Float64Array, v: AwaitView): number {
  const answered = 1 - v.pOk + v.pDone;
  if (!(v.goesOn > 0) || answered <= TINY) return 0;
  const sDone = v.pDone / answered;
  const sRefused = v.pRefused / answered;
  const sFail = Math.max(0, 1 - sDone - sRefused);
  const all = v.goesOn >= 1;
  let moved = 0;
  const fail = f.fail;
  for (let k = 0; k < aw.length; k++) {
    const x = aw[k];
    if (x <= 0) continue;
    const r = all ? x : x * v.goesOn;
    aw[k] = x - r;
    moved += r;
    if (sFail > 0) fail[k] += r * sFail;
  }
  if (sFail > 0) f.failHi = f.rows;
  f.succ += moved * sDone;
  f.refused += moved * sRefused;
  f.awaitTotal -= moved;
  // Once every row is empty the total is exactly zero, whatever its running sum kept of rounding.
  if (all || f.awaitTotal < TINY) f.awaitTotal = sumRows(f.await0) + sumRows(f.await1);
  f.stockOut += moved;
  return moved;
}

function sumRows(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
}

/** What this flow's callers may be waiting on: its work held at a door, and its own work waiting on a held call. */
export function stockOf(f: FlowState): number {
  return f.held0 + f.held1 + f.awaitTotal;
}

/**
 * The share of what waited in a step (what went on, and what still waits as it ends) that went
 * on: 1 when nothing waited.
 */
export function goesOnShare(stockOut: number, stockEnd: number): number {
  const all = stockOut + stockEnd;
  return all > TINY ? stockOut / all : 1;
}

/**
 * What a source does with one step's outcomes of its work: completed items are counted; an
 * orchestrator (`parks`) parks what was refused or given up, to send it again later; any other
 * source abandons it. Returns what was abandoned.
 */
export function settleSource(src: SourceState, parks: boolean, succeeded: number, givenUp: number, refused: number): number {
  src.completed += succeeded;
  const failed = givenUp + refused;
  if (parks) {
    src.parked += failed;
    src.parkedTotal += failed;
    return 0;
  }
  src.abandoned += failed;
  return failed;
}
