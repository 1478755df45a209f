/**
 * The simulation's whole mutable state, as plain data (numbers and typed arrays), so that a
 * snapshot is a structured clone. Counts are requests (fluid: fractional), times are ticks.
 */
import type { ParamValue } from '../params/registry.ts';
import type { TimelineEventDef } from './model.ts';
import type { TroubleState } from './trouble.ts';

export interface NodeState {
  /** Share of requests the service refuses (403: e.g. anonymous reads disabled on its accounts); 1: all. */
  blocked: number;
  /** Capacity multiplier of an injected fault, until `faultEnd` (tick). */
  faultFactor: number;
  faultEnd: number;
  /** Share of tries answered with an error at once (error fault), until `errorEnd` (tick). */
  errorShare: number;
  errorEnd: number;
  /** Ticks added to every try (latency fault), until `latencyEnd` (tick). */
  latencyTicks: number;
  latencyEnd: number;
  /** The lateness last given to the flows that call this node (see FlowState.lateTicks). */
  lateTicks: number;
  /** Capacity added by completed scale-outs, req/s. */
  addedRps: number;
  /** Operator front-door limit, fraction of capacity; NaN = none. Ramps interpolate it. */
  doorLimit: number;
  rampFrom: number;
  rampTo: number;
  rampStart: number;
  rampEnd: number; // -1 = no ramp
  /** Queue: cohorts by arrival tick in a ring of width W: initial size and what remains queued. */
  W: number;
  init: Float64Array;
  rem: Float64Array;
  /** Oldest arrival tick that may still be in the ring. */
  oldest: number;
  /** Newest arrival tick whose clients' timeout has been processed. */
  timedThrough: number;
  /** Requests older than the ring whose clients are all gone (FIFO serves them first). */
  stale: number;
  queued: number;
  /**
   * Share of the tries this node last admitted that were new work (new tries, or tries held at its
   * door): the calls a served request makes are new work in this share (see `newShareOf`).
   */
  newShare: number;
  /** Health as observed at the last control step (see health.ts) and the machine's state code. */
  condition: number;
  health: number;
}

export interface FlowState {
  /** First tries to send this tick: new work, released backlog, or calls spawned by the caller. */
  first: number;
  /** Part of `first` that is new work (demand). */
  firstNew: number;
  /** Allocated attempt rows in the rings below (≥ attempts). */
  rows: number;
  /** Rows that can hold arrivals this tick (1 while no retry is pending), and rows `fail` may use. */
  live: number;
  failHi: number;
  /** Retries waiting in `due`, all rows. */
  dueTotal: number;
  /** Arrivals by attempt at the home (arr0) and paired (arr1) node, ring of width Wp by tick. */
  Wp: number;
  arr0: Float64Array;
  arr1: Float64Array;
  /** Retries due, by attempt number, ring of width Hd by tick. */
  Hd: number;
  due: Float64Array;
  /** This tick's arrivals by attempt at home / pair (scratch, zero between ticks), and their sums. */
  in0: Float64Array;
  in1: Float64Array;
  sum0: number;
  sum1: number;
  /** This tick's outcomes: retryable failures by attempt, successes, refusals (403). */
  fail: Float64Array;
  succ: number;
  refused: number;
  /** Attempts this flow sends this tick (home and paired), after client-side rejection, and of them first tries. */
  sentNow: number;
  firstNow: number;
  /** This tick's calls newly held at a front door: accepted for later, so callers stop retrying. */
  deferred: number;
  /** This tick's calls served whose own calls are held at a front door: waiting, not yet done. */
  waiting: number;
  /**
   * Work served, waiting on a call held at a front door, by attempt: served at home (`await0`) and
   * at the paired region (`await1`), and their sum. It goes on as the held calls are admitted
   * (`resolveAwaiting`).
   */
  await0: Float64Array;
  await1: Float64Array;
  awaitTotal: number;
  /**
   * What this flow's callers may be waiting on — its work held at a door, and its own work waiting
   * on a held call (`stockOf`) —: how much of it went on this step (`stockOut`), and the share of
   * what waited that went on in its last step (`goesOn`: 1 when nothing waited).
   */
  stockOut: number;
  goesOn: number;
  /** Ticks every outcome of this tick reaches the caller late (a latency fault at the callee). */
  lateTicks: number;
  /** Work waiting at a closed front door, home / pair. */
  held0: number;
  held1: number;
  /** Retry budget tokens and the first-try rate (EWMA, per tick). */
  tokens: number;
  firstRate: number;
  /** Adaptive throttling: requests and accepts (EWMA, per tick). */
  thrReq: number;
  thrAcc: number;
  /** Circuit breaker window (EWMA, per tick), mode (0 closed, 1 open, 2 half-open), last verdict sent. */
  brkFail: number;
  brkTotal: number;
  brkMode: number;
  brkClass: number;
  /**
   * What the caller has seen lately (EWMA over work items): accepted (succeeded, or held at a
   * front door for later, so it does not retry), actually done, refused.
   */
  pOk: number;
  pDone: number;
  pRefused: number;
  /** Cumulative attempts sent: first tries, and retries. */
  sentFirst: number;
  sentRetry: number;
  /**
   * The ledger, cumulative: work items created (a source's new work, or every call a served
   * request makes), and how they ended: succeeded, given up, refused. The rest is pending (see audit.ts).
   */
  created: number;
  succeeded: number;
  givenUp: number;
  refusedDone: number;
}

/** An orchestrator holds its backlog once at least this share of its recent work fails… */
export const HOLD_WHILE_FAILING = 0.5;
/**
 * …and resumes it once less than this share fails. Between the two it keeps doing what it did: a
 * region with half of its storage restored fails exactly half of the work, and without the gap
 * the rounding of a sum would decide, step by step, whether the backlog is held or released.
 */
export const RESUME_BELOW = 0.48;

/** Whether an orchestrator that was holding (1) or not (0) holds its backlog with this failed share. */
export function holdsBacklog(holding: number, failedShare: number): number {
  return failedShare >= HOLD_WHILE_FAILING ? 1 : failedShare < RESUME_BELOW ? 0 : holding;
}

export interface SourceState {
  /** This source's own random stream (its noise), so each source draws the same numbers however the run is stepped. */
  rng: number;
  /** Work refused by a missing dependency, waiting to resume. */
  parked: number;
  /** Share of recent work refused or given up (EWMA): from ½ up the orchestrator holds its backlog. */
  failedShare: number;
  /** 1 while the orchestrator holds its backlog (`holdsBacklog`). */
  holding: number;
  /** Cumulative: work parked, released. */
  parkedTotal: number;
  released: number;
  /** The ledger of this source's work items, cumulative: asked (new work), completed, abandoned (given up, or refused by a missing dependency). */
  asked: number;
  completed: number;
  abandoned: number;
}

export interface ScheduledEvent {
  tick: number;
  event: TimelineEventDef;
  /** Where it came from: the model's timeline, an operator action, or the rollout machine. */
  origin: 'model' | 'operator' | 'engine';
}

export interface FiredEvent {
  tick: number;
  type: string;
  label: string;
  origin: 'model' | 'operator' | 'engine';
  regions: string[];
}

export interface SimState {
  tick: number;
  params: Record<string, ParamValue>;
  nodes: NodeState[];
  flows: FlowState[];
  sources: SourceState[];
  /** Model timeline events already fired (by index). */
  modelFired: Uint8Array;
  /** Operator and engine events waiting for their tick, in order. */
  pending: ScheduledEvent[];
  fired: FiredEvent[];
  /** Cumulative metrics per node, metric-major: cum[metric * nodes + node]. */
  cum: Float64Array;
  /** `cum` at the last control step: the machines judge the window since then. */
  ctrlCum: Float64Array;
  /** The regions the rollout has reached, in order, when each stage began (s), and 1 if it locks protected accounts too. */
  rollout: { nextStage: number; touched: number[]; since: number[]; protectedToo: number };
  /** Regions cut off from failover routing (1), by region. */
  isolated: Uint8Array;
  /** Who is in trouble, and for how long (see trouble.ts). */
  trouble: TroubleState;
}

/** Cumulative node metrics (index into SimState.cum blocks). */
export const M = {
  demand: 0, // new first tries from callers, before admission
  offered: 1, // attempts that reached the service (first tries, retries, routed)
  routed: 2, // of which routed here from the paired region
  goodput: 3, // served while the caller still waited, and succeeded
  served: 4, // all requests served (capacity used on requests)
  wasted: 5, // served after the caller had given up
  rejected: 6, // refused at once: forbidden, over quota, queue full
  dropped: 7, // dropped from the queue by the server (queue timeout, deadline)
  timedOut: 8, // attempts whose caller gave up while they were queued
  failed: 9, // served in time, but a dependency failed
  capacity: 10, // capacity-seconds available
  throttled: 11, // of `rejected`: over a per-caller quota
  waiting: 12, // served in time, but waiting on a call held at a front door
  errored: 13, // answered with an error at once (an injected error fault)
  abandoned: 14, // work items entering here that their caller gave up (retries exhausted or budget)
  sent: 15, // attempts sent by this node's callers, here or failed over to the paired region
  tries: 16, // of which first tries (new work, released backlog, calls made by served requests)
  released: 17, // parked work that sources entering here sent again
  asked: 18, // new work items of the sources entering here
  completed: 19, // of which completed
  count: 20,
} as const;

export function newNodeState(): NodeState {
  return {
    blocked: 0, faultFactor: 1, faultEnd: -1, errorShare: 0, errorEnd: -1, latencyTicks: 0, latencyEnd: -1, lateTicks: 0, addedRps: 0,
    doorLimit: NaN, rampFrom: 0, rampTo: 0, rampStart: 0, rampEnd: -1,
    W: 0, init: new Float64Array(0), rem: new Float64Array(0), oldest: 0, timedThrough: -1, stale: 0, queued: 0, newShare: 1,
    condition: 0, health: 0,
  };
}

export function newFlowState(): FlowState {
  const z = new Float64Array(0);
  return {
    first: 0, firstNew: 0, rows: 0, live: 1, failHi: 1, dueTotal: 0, Wp: 0, arr0: z, arr1: z, Hd: 0, due: z, in0: z, in1: z, sum0: 0, sum1: 0, fail: z,
    succ: 0, refused: 0, sentNow: 0, firstNow: 0, deferred: 0, waiting: 0, await0: z, await1: z, awaitTotal: 0, stockOut: 0, goesOn: 1, lateTicks: 0, held0: 0, held1: 0, tokens: 0, firstRate: 0, thrReq: 0, thrAcc: 0,
    brkFail: 0, brkTotal: 0, brkMode: 0, brkClass: 0, pOk: 1, pDone: 1, pRefused: 0,
    sentFirst: 0, sentRetry: 0, created: 0, succeeded: 0, givenUp: 0, refusedDone: 0,
  };
}

/** Fields that only ever hold whole numbers (ticks, ring sizes and positions, codes). */
const INTEGER_FIELDS = new Set(['W', 'Wp', 'Hd', 'rows', 'live', 'failHi', 'oldest', 'timedThrough', 'lateTicks', 'brkMode', 'brkClass', 'holding', 'condition', 'health', 'latencyTicks', 'latencyEnd', 'faultEnd', 'errorEnd', 'rampStart', 'rampEnd']);

/**
 * V8 stores a number field as a small integer until it first holds a fraction, then re-lays out
 * every object of that shape and throws away code compiled for the old one. The hot loop reads
 * these objects millions of times, so give every number field its final (double) layout up front.
 */
export function settleNumberFields<T extends object>(o: T): T {
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    const v = r[k];
    // Ring sizes, positions and codes stay small integers: `tick % Hd` on integers is a machine
    // instruction, on doubles a library call.
    if (typeof v === 'number' && !INTEGER_FIELDS.has(k)) {
      r[k] = 0.5;
      r[k] = v;
    }
  }
  return o;
}
