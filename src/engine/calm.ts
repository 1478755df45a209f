/**
 * Calm regions, advanced a control interval at a time.
 *
 * Most of a long run, most regions are in a steady state: nothing queues, no retry is pending,
 * every caller's view of its calls (pOk, pDone, pRefused) has settled, and no fault or timer is
 * about to act. A front door may be set, or ramping traffic back, as long as it admits all that
 * arrives in every step; or shut, holding all that arrives (its callers wait, and what it holds
 * grows by what they send). There a step is linear in the work that enters (new work, and parked
 * work an orchestrator resumes): what each node serves, refuses and sends on is a fixed share of
 * what arrives. Such a region is advanced over the whole interval between two control steps at
 * once, from the sums of the work its sources bring; the machines only look at those sums anyway
 * (every `CONTROL_S`). As its shares stay fixed, a calm region is planned for a stretch of
 * intervals at once, and each later interval only writes its arrivals times those shares; what
 * nothing inside a run reads (callers' running totals, capacity used) is added once the stretch
 * is over.
 *
 * The sources draw their noise from their own streams, step by step, and parked work resumes by
 * the same rule as in a step-by-step run, step by step, so the work that enters is the very work
 * a step-by-step run sees. What is checked, so that nothing observable is skipped:
 *  - at the interval's start, nothing in the region can change by itself but parked work that
 *    resumes (the state test below), no event, stage or timer falls inside the interval, and no
 *    work can be routed into the region from a paired region that is not calm (or out of it to
 *    one that still holds some);
 *  - over the interval, no node could be short of capacity in any one step (each source's
 *    largest step bounds every step), no front door that is not shut could hold any of it (the
 *    bound against the door's lowest limit), so no per-caller quota turns work away, no try fails, every
 *    caller's view stays where it is (the shares of the sums equal the settled shares), and a
 *    backlog either stays held or runs down (nothing parks while it resumes).
 * If any of this fails, the region is stepped one tick at a time as usual. Results agree with a
 * step-by-step run to the rounding of a sum (checked by test/engine/calm.test.ts).
 *
 * Client-side protections keep running averages of every step's traffic (retry budget, adaptive
 * throttling, circuit breaker): those are carried step by step, and adaptive throttling must
 * reject nothing in any step of the interval.
 */
import { CalmViews } from './calm-views.ts';
import { breakerSees, budgetCaps, budgetEarns, callOutlook, callsMade, failedShareAfter, reachPast, seeOutcomes, throttleRejectShare, throttleSeesAccepts, throttleSeesRequests, type CallerView, type CallOutlook, type FlowRates, type ProtectionAverages } from './flow.ts';
import { capacityRpsOf, doorCeiling, doorFloor, heldAtDoor, lateTicksOf, queueRoom, setLateTicks } from './node.ts';
import type { Model } from './model.ts';
import type { Settings } from './settings.ts';
import { freshWork, goesOnShare, leastGoesOn, newShareOf, parkedRelease, resumeShare, settleSource, stockOf } from './ledger.ts';
import { holdsBacklog, M, RESUME_BELOW, settleNumberFields, type FlowState, type SimState } from './state.ts';
import type { StepFacts, Topology } from './topology.ts';

const EMPTY = 1e-9;
/** A share counts as unchanged when an interval's work moves it by no more than this. */
const STILL = 1e-12;

/** What the kernel reads besides the state: the run's shape and its fixed facts. */
export interface CalmContext extends StepFacts {
  topo: Topology;
  model: Model;
  dtS: number;
  /** Steps in a control interval. */
  K: number;
  rates: FlowRates;
}

export class CalmRegions {
  /** 1 for each region advanced by the interval kernel in the current interval. */
  readonly mask: Uint8Array;
  /** 1 for each region of the mask whose callers' views move in this interval (stepped by `views`). */
  private readonly moving_r: Uint8Array;
  /** By region: 1 if its callers' views moved when it was last planned. */
  private readonly viewsMoved_r: Uint8Array;
  /** By region: the first tick at which it is worth planning again (after views that moved and could not be stepped alone). */
  private readonly replanAt_r: Float64Array;
  private readonly views: CalmViews;
  /** By node: its capacity in a step (for `views`). */
  private readonly perTickCap_i: Float64Array;
  /** Region-steps advanced calm so far (for the benchmark and the tests). */
  regionSteps = 0;
  private readonly nodesOf_r: Int32Array[];
  private readonly flowsOf_r: Int32Array[];
  private readonly sourcesOf_r: Int32Array[];
  /** Flows homed elsewhere whose failover target is in the region, and flows of the region that can fail over. */
  private readonly pairedInto_r: Int32Array[];
  private readonly pairedOut_r: Int32Array[];
  /** By region: the first tick of its stretch of calm intervals, and the tick after its last. */
  private readonly stretchStart: Float64Array;
  private readonly stretchEnd: Float64Array;
  /** By source and interval of its region's stretch: its random stream as the interval begins. */
  private readonly savedRng: Int32Array;
  /** By source and interval: its parked work as the interval ends, and what it resumed in it. */
  private readonly parked_km: Float64Array;
  private readonly released_km: Float64Array;
  /** Scratch: the outlook of a source's entry service (`refusedShareAt`). */
  private readonly entryOutlook: CallOutlook = settleNumberFields({ pOk: 1, pDone: 1, pRefused: 0 });
  // What a stretch's plan works out. By flow and interval: first tries. By flow: a bound on any
  // one step's first tries, and what each first try comes to (done, waiting, refused). By node and
  // interval: what arrives; by node: its shares and its capacity over an interval.
  private readonly first_fm: Float64Array;
  /** By flow and interval: of its first tries, the new ones (a source's resumed work is not new). By node and interval: its new work (demand). */
  private readonly fresh_fm: Float64Array;
  private readonly demand_im: Float64Array;
  /** By node and interval: the share of new work among what it admits (`newShareOf`). */
  private readonly newShare_im: Float64Array;
  private readonly peak_f: Float64Array;
  private readonly succPer_f: Float64Array;
  private readonly waitPer_f: Float64Array;
  private readonly refPer_f: Float64Array;
  private readonly arrive_im: Float64Array;
  /** By node: 1 unless a shut front door holds all that arrives; the share refused (403); the share served. */
  private readonly open_i: Float64Array;
  private readonly blocked_i: Float64Array;
  private readonly pass_i: Float64Array;
  /** By flow: 1 if a shut front door holds all it sends. */
  private readonly held_f: Uint8Array;
  private readonly pOkOf_i: Float64Array;
  private readonly pDoneOf_i: Float64Array;
  private readonly capacity_i: Float64Array;
  /** By node: its callers' patience over the stretch, in ticks (the timeout less any lateness). */
  private readonly patience_i: Float64Array;
  /** By flow and step, kept only for protections that average every step (a stretch of one interval): first tries. */
  private readonly first_fk: Float64Array;
  private readonly served_k: Float64Array;
  private readonly protections: Protections;
  private readonly pOk_f: Float64Array;
  private readonly pDone_f: Float64Array;
  private readonly pRefused_f: Float64Array;
  private readonly failedShare_k: Float64Array;
  private readonly outlook: CallOutlook = settleNumberFields({ pOk: 1, pDone: 1, pRefused: 0 });
  /** Scratch: a caller's view as an interval's outcomes would move it. */
  private readonly view: CallerView = settleNumberFields({ pOk: 0.5, pDone: 0.5, pRefused: 0.5 });

  constructor(private readonly c: CalmContext) {
    const { nodes, flows, sources, serviceOrder, nodesByService, regionIds } = c.topo;
    const R = regionIds.length;
    this.mask = new Uint8Array(R);
    this.moving_r = new Uint8Array(R);
    this.viewsMoved_r = new Uint8Array(R);
    this.replanAt_r = new Float64Array(R);
    this.views = new CalmViews(c.topo, c.K, c.rates);
    this.perTickCap_i = new Float64Array(nodes.length);
    this.nodesOf_r = regionIds.map((_, r) => Int32Array.from(serviceOrder.flatMap((svc) => nodesByService[svc].filter((i) => nodes[i].region === r))));
    this.flowsOf_r = regionIds.map((_, r) => Int32Array.from(flows.filter((f) => nodes[f.home].region === r), (f) => f.index));
    this.sourcesOf_r = regionIds.map((_, r) => Int32Array.from(sources.filter((s) => nodes[flows[s.flow].home].region === r), (s) => s.index));
    this.pairedInto_r = regionIds.map((_, r) => Int32Array.from(flows.filter((f) => f.pair >= 0 && nodes[f.pair].region === r), (f) => f.index));
    this.pairedOut_r = regionIds.map((_, r) => Int32Array.from(flows.filter((f) => f.pair >= 0 && nodes[f.home].region === r), (f) => f.index));
    this.stretchStart = new Float64Array(R);
    this.stretchEnd = new Float64Array(R);
    this.savedRng = new Int32Array(sources.length * STRETCH);
    this.parked_km = new Float64Array(sources.length * STRETCH);
    this.released_km = new Float64Array(sources.length * STRETCH);
    const F = flows.length;
    const N = nodes.length;
    this.first_fm = new Float64Array(F * STRETCH);
    this.fresh_fm = new Float64Array(F * STRETCH);
    this.demand_im = new Float64Array(N * STRETCH);
    this.newShare_im = new Float64Array(N * STRETCH);
    this.peak_f = new Float64Array(F);
    this.succPer_f = new Float64Array(F);
    this.waitPer_f = new Float64Array(F);
    this.refPer_f = new Float64Array(F);
    this.arrive_im = new Float64Array(N * STRETCH);
    this.open_i = new Float64Array(N);
    this.blocked_i = new Float64Array(N);
    this.pass_i = new Float64Array(N);
    this.held_f = new Uint8Array(F);
    this.pOkOf_i = new Float64Array(N);
    this.pDoneOf_i = new Float64Array(N);
    this.capacity_i = new Float64Array(N);
    this.patience_i = new Float64Array(N);
    this.first_fk = new Float64Array(F * c.K);
    this.served_k = new Float64Array(c.K);
    this.protections = new Protections(F);
    this.pOk_f = new Float64Array(F);
    this.pDone_f = new Float64Array(F);
    this.pRefused_f = new Float64Array(F);
    this.failedShare_k = new Float64Array(sources.length);
  }

  /**
   * Finds the regions that are calm for the control interval of K steps from `t0` and advances
   * them over the whole of it, setting `mask` for them. The caller steps every other region tick
   * by tick. A region found calm is planned for a stretch of intervals at once (up to the next
   * event and the end of the caller's run, `end`), so that later intervals of the stretch only
   * write what was worked out; each interval still checks that no paired region can route work
   * into it, and a stretch cut short gives back the noise it drew for the intervals it drops.
   * Nothing is calm if the timeline, an operator or the rollout acts inside the interval (at
   * `nextEventTick`); scale-outs being provisioned, and protections that average every step, keep
   * a region to one interval at a time, and so do callers' views that move (a front door holding
   * work while traffic ramps back): those are stepped by `CalmViews`. `doorsSet` says whether any
   * front door is set at all (without one, no door holds work).
   */
  advance(s: SimState, st: Settings, t0: number, nextEventTick: number, end: number, provisioning: Uint8Array | null, doorsSet: boolean): void {
    const K = this.c.K;
    const R = this.mask.length;
    const limit = Math.min(nextEventTick, end);
    this.mask.fill(0);
    for (let r = 0; r < R; r++) if (this.stretchEnd[r] > limit) this.cut(s, r, Math.max(t0, limit), t0);
    if (nextEventTick < t0 + K) return;
    for (let r = 0; r < R; r++) this.mask[r] = this.stretchEnd[r] > t0 || (t0 >= this.replanAt_r[r] && this.isSteady(s, st, r)) ? 1 : 0;
    this.leaveOverPairs(s, st, t0);
    // Plan each new candidate; a region that fails its plan leaves, which may unsettle its pair.
    const single = this.protections.on(st);
    let changed = true;
    while (changed) {
      changed = false;
      for (let r = 0; r < R; r++) {
        // Planned already (this interval or earlier): its stretch runs past t0.
        if (this.mask[r] !== 1 || this.stretchEnd[r] > t0) continue;
        // A region whose views moved last time is tried for one interval: it is likely to again
        // (after a change its callers' views take a minute or two to settle).
        let J = single || this.viewsMoved_r[r] === 1 || (provisioning !== null && this.provisioningIn(r, provisioning)) ? 1 : Math.max(1, Math.min(STRETCH, Math.floor((limit - t0) / K)));
        // A door that holds work admits a share that moves every step: plan that straight away.
        const holds = doorsSet && this.holdsAtDoor(s, st, r);
        let found = holds ? MOVING : this.plan(s, st, r, t0, J, false);
        this.viewsMoved_r[r] = found === MOVING && !holds ? 1 : 0;
        if (found === MOVING) {
          // Its shares would move: one interval, its callers' views stepped — if they can be.
          if (!holds) this.giveBack(s, r, 0);
          J = 1;
          if (this.viewsCanMove(s, r)) found = this.plan(s, st, r, t0, J, true);
          else {
            // Not planned: the streams stay where they are (a region that leaves gives back what its plan drew).
            this.keepStreams(s, r);
            found = NOT_CALM;
            // Its callers' views take a minute or two to settle: planning it again sooner is wasted work.
            this.replanAt_r[r] = t0 + REPLAN_AFTER * K;
          }
        }
        this.moving_r[r] = found === MOVING ? 1 : 0;
        if (found !== NOT_CALM) {
          this.stretchStart[r] = t0;
          this.stretchEnd[r] = t0 + J * K;
        } else {
          this.giveBack(s, r, 0);
          this.mask[r] = 0;
          changed = true;
        }
      }
      if (changed) this.leaveOverPairs(s, st, t0);
      if (doorsSet && this.leaveOverHeld(s, st, t0)) changed = true;
    }
    let moving = false;
    for (let r = 0; r < R; r++) {
      if (this.mask[r] !== 1) this.moving_r[r] = 0;
      else if (this.moving_r[r] === 1) moving = true;
    }
    if (moving) this.views.run(s, this.moving_r, t0, this.first_fk, this.perTickCap_i, this.nodesOf_r, this.flowsOf_r);
    for (let r = 0; r < R; r++) {
      if (this.mask[r] !== 1) continue;
      this.commit(s, st, r, t0, (t0 - this.stretchStart[r]) / K);
      this.regionSteps += K;
    }
  }

  /**
   * Leaves out, one after another until none is left to leave, the regions of the mask that
   * `unsafe` finds unsafe (one leaving may unsettle another), cutting their stretches at `t0`.
   * Returns whether any region left.
   */
  private leaveWhile(s: SimState, t0: number, unsafe: (r: number) => boolean): boolean {
    let left = false;
    let changed = true;
    while (changed) {
      changed = false;
      for (let r = 0; r < this.mask.length; r++) {
        if (this.mask[r] !== 1 || !unsafe(r)) continue;
        this.mask[r] = 0;
        this.moving_r[r] = 0;
        changed = left = true;
      }
    }
    if (left) for (let r = 0; r < this.mask.length; r++) if (this.mask[r] === 0 && this.stretchEnd[r] > t0) this.cut(s, r, t0, t0);
    return left;
  }

  /**
   * Leaves out a calm region that work could be routed into (a paired caller that is not calm may
   * fail over to it), or whose own earlier failovers may still wait in a paired queue.
   */
  private leaveOverPairs(s: SimState, st: Settings, t0: number): boolean {
    const { homeRegion_f, pairRegion_f, hasPair_f, topo } = this.c;
    return this.leaveWhile(s, t0, (r) => {
      for (let q = 0, ids = this.pairedInto_r[r]; q < ids.length; q++) {
        const f = ids[q];
        const home = homeRegion_f[f];
        const routable = hasPair_f[f] === 1 && s.isolated[home] === 0 && s.isolated[r] === 0;
        if (this.mask[home] !== 1 && routable && st.failover > 0) return true;
      }
      for (let q = 0, ids = this.pairedOut_r[r]; q < ids.length; q++) {
        const f = ids[q];
        if (this.mask[pairRegion_f[f]] !== 1 && s.nodes[topo.flows[f].pair].queued > EMPTY) return true;
      }
      return false;
    });
  }

  /**
   * Leaves out a calm region with callers' work held at a paired region's door that is not shut,
   * or holding a paired region's callers' work at such a door of its own, unless both regions step
   * their callers' views in this interval (the door admits some of it, and its callers learn).
   */
  private leaveOverHeld(s: SimState, st: Settings, t0: number): boolean {
    const { topo, homeRegion_f, pairRegion_f } = this.c;
    const both = (a: number, b: number) => this.mask[a] === 1 && this.mask[b] === 1 && this.moving_r[a] === 1 && this.moving_r[b] === 1;
    return this.leaveWhile(s, t0, (r) => {
      for (let q = 0, ids = this.pairedOut_r[r]; q < ids.length; q++) {
        const f = ids[q];
        const pair = topo.flows[f].pair;
        if (s.flows[f].held1 !== 0 && !this.shut(s, st, pair) && !both(r, pairRegion_f[f])) return true;
      }
      for (let q = 0, ids = this.pairedInto_r[r]; q < ids.length; q++) {
        const f = ids[q];
        if (s.flows[f].held1 !== 0 && !this.shut(s, st, topo.flows[f].pair) && !both(r, homeRegion_f[f])) return true;
      }
      return false;
    });
  }

  /**
   * Ends region `r`'s stretch at the last interval boundary not after `at`, giving back the noise
   * of the intervals dropped. A stretch that ends by `t0` (the interval now beginning) is over:
   * what nothing inside a run reads is brought up to date (`settle`).
   */
  private cut(s: SimState, r: number, at: number, t0: number): void {
    const K = this.c.K;
    const start = this.stretchStart[r];
    const keep = Math.max(0, Math.floor((at - start) / K));
    if (start + keep * K < this.stretchEnd[r]) this.giveBack(s, r, keep);
    this.stretchEnd[r] = Math.min(this.stretchEnd[r], start + keep * K);
    if (this.stretchEnd[r] <= t0 && keep > 0) this.settle(s, r, keep);
  }

  private provisioningIn(r: number, provisioning: Uint8Array): boolean {
    const nodes = this.nodesOf_r[r];
    for (let q = 0; q < nodes.length; q++) if (provisioning[nodes[q]] === 1) return true;
    return false;
  }

  /**
   * Whether region `r`'s two control intervals before `t` were both advanced in one calm stretch
   * that goes on past `t`: then every share was the same in both, and so is what the machines
   * would make of them (unless something acts at `t` itself, which the caller checks).
   */
  steadyThrough(r: number, t: number): boolean {
    return this.stretchStart[r] <= t - 2 * this.c.K && this.stretchEnd[r] > t;
  }

  clear(): void {
    this.mask.fill(0);
  }

  /**
   * Nothing in region `r` can change by itself, but for parked work that resumes and work held at
   * a front door that is set: no queue, retry, fault or timer, and no work held at an open door.
   */
  private isSteady(s: SimState, st: Settings, r: number): boolean {
    const { door_s, topo } = this.c;
    for (let q = 0, ids = this.flowsOf_r[r]; q < ids.length; q++) {
      const f = ids[q];
      const fl = s.flows[f];
      if (fl.dueTotal !== 0 || fl.first !== 0) return false;
      // Work waiting on a held call: the kernel carries what waits at home; what waits on a call
      // served in a paired region is stepped.
      if (fl.awaitTotal !== 0 && !waitsAtHomeOnly(fl)) return false;
      if (fl.held0 !== 0 && !this.doorSet(s, topo.flows[f].home)) return false;
      if (fl.held1 !== 0 && !this.doorSet(s, topo.flows[f].pair)) return false;
      // A breaker that is open or probing changes what is sent.
      if (st.call_f[f].breaker && fl.brkMode !== 0) return false;
    }
    for (let q = 0, ids = this.nodesOf_r[r]; q < ids.length; q++) {
      const i = ids[q];
      const n = s.nodes[i];
      const info = this.c.topo.nodes[i];
      const svc = info.service;
      // Nothing held at its door, from home or from a paired region, unless the door is set (the
      // plan works out what it admits).
      if (!this.doorSet(s, i) && heldAtDoor(info, s.flows) !== 0) return false;
      if (n.queued > EMPTY) return false;
      if (n.faultEnd >= 0 || n.errorEnd >= 0 || n.latencyEnd >= 0) return false;
      if (door_s[svc] === 1 && st.admission === st.admission) return false;
      if (n.errorShare > 0 || st.errors_s[svc] > 0) return false;
    }
    return true;
  }

  /**
   * The share of the first tries arriving at node `i` that it refuses in a calm step: what a
   * share of its accounts refuses (403), and of the rest what its calls' callers see refused
   * (as `plan` works out `refPer_f`). Nothing, behind a shut door.
   */
  private refusedShareAt(s: SimState, st: Settings, i: number): number {
    if (this.shut(s, st, i)) return 0;
    callOutlook(this.c.topo.nodes[i].depFlows, this.c.topo.perRequest_f, s.flows, this.entryOutlook);
    const b = s.nodes[i].blocked;
    return b + (1 - b) * this.entryOutlook.pRefused;
  }

  /**
   * Whether region `r` could be stepped by its callers' views alone (`CalmViews`): every try
   * accepted and none refused, no account refusing (what `plan` checks first when `moving`).
   */
  private viewsCanMove(s: SimState, r: number): boolean {
    for (let q = 0, ids = this.flowsOf_r[r]; q < ids.length; q++) {
      const fl = s.flows[ids[q]];
      if (fl.pOk !== 1 || fl.pRefused !== 0) return false;
    }
    for (let q = 0, ids = this.nodesOf_r[r]; q < ids.length; q++) if (s.nodes[ids[q]].blocked !== 0) return false;
    return true;
  }

  /** Whether a front door of region `r` that is set, not shut, holds work. */
  private holdsAtDoor(s: SimState, st: Settings, r: number): boolean {
    for (let q = 0, ids = this.nodesOf_r[r]; q < ids.length; q++) {
      const i = ids[q];
      if (this.doorSet(s, i) && !this.shut(s, st, i) && heldAtDoor(this.c.topo.nodes[i], s.flows) > 0) return true;
    }
    return false;
  }

  /** Whether node `i` has a front door and operators have set it (a limit, or a ramp). */
  private doorSet(s: SimState, i: number): boolean {
    return this.c.door_s[this.c.topo.nodes[i].service] === 1 && s.nodes[i].doorLimit === s.nodes[i].doorLimit;
  }

  /** Whether node `i` has a front door that is shut (limit 0, no ramp): it admits nothing until an operator acts. */
  private shut(s: SimState, st: Settings, i: number): boolean {
    const n = s.nodes[i];
    return this.c.door_s[this.c.topo.nodes[i].service] === 1 && n.doorLimit === 0 && n.rampEnd < 0 && st.admission !== st.admission;
  }

  /**
   * Works out region `r`'s next `J` intervals into the scratch arrays; false if it would not stay
   * calm. Every step is checked against a bound: each source's largest step over the stretch,
   * carried down the calls, is at least what any one step brings any node or caller (a sum of
   * largest steps bounds the largest sum). A service with room for the bound has room in every
   * step. In a calm region every share is fixed, so what each node and caller does is its
   * interval's arrivals times a share worked out once. The step-by-step first tries themselves
   * are kept only for protections that average them, and where callers' views move (then `J` is 1).
   *
   * Returns `FIXED` if every share stays as it is, `NOT_CALM`, or `MOVING` where a front door set
   * (not shut) would hold work, or a caller's view would move: planned `moving`, such a region is
   * calm only if nothing fails or is refused and such a door calls nothing and stays below
   * capacity, so that only the views move (stepped by `CalmViews`).
   */
  private plan(s: SimState, st: Settings, r: number, t0: number, J: number, moving: boolean): number {
    const { topo, dtS, door_s, rejectCost_s, parks_f, rates, K } = this.c;
    const { nodes, flows } = topo;
    const flowsHere = this.flowsOf_r[r];
    const vec = this.first_fk;
    const fm = this.first_fm;
    const am = this.arrive_im;
    const { peak_f, served_k, protections, outlook } = this;
    const averaged = protections.on(st);
    const stepwise = averaged || moving;
    // The streams as they are, so that a plan given up anywhere gives back its noise (`giveBack`).
    for (let q = 0, ids = this.sourcesOf_r[r]; q < ids.length; q++) this.savedRng[ids[q] * STRETCH] = s.sources[ids[q]].rng;
    if (moving && (averaged || J !== 1)) return NOT_CALM;
    for (let q = 0; q < flowsHere.length; q++) {
      const f = flowsHere[q];
      const fl = s.flows[f];
      // Moving views: every try is accepted (done, or held for later), and none refused.
      if (moving && (fl.pOk !== 1 || fl.pRefused !== 0)) return NOT_CALM;
      for (let m = 0; m < J; m++) fm[f * STRETCH + m] = this.fresh_fm[f * STRETCH + m] = 0;
      peak_f[f] = 0;
      if (stepwise) for (let j = f * K; j < f * K + K; j++) vec[j] = 0;
      if (averaged) protections.load(f, fl);
    }
    this.drawWork(s, st, r, J, stepwise);
    // Services in call order: each serves all it is sent, in the step it is sent, and calls on.
    for (let q = 0, ids = this.nodesOf_r[r]; q < ids.length; q++) {
      const i = ids[q];
      const info = nodes[i];
      const svc = info.service;
      const n = s.nodes[i];
      const deps = info.depFlows;
      callOutlook(deps, topo.perRequest_f, s.flows, outlook);
      const { pOk, pDone, pRefused } = outlook;
      // Anything served that fails would be retried: not calm.
      if (1 - pOk - pRefused > 0) return NOT_CALM;
      if (st.timeoutTicks_s[svc] - lateTicksOf(st, svc, n) <= 0) return NOT_CALM;
      if (door_s[svc] === 1 && st.admission === st.admission) return NOT_CALM;
      const perTickCap = capacityRpsOf(st, svc, topo.capacityShare_n[i], n) * dtS;
      // A shut front door holds all that arrives (its callers wait); behind an open one, a share
      // of the accounts may refuse every request (403), and the rest is served.
      const shut = this.shut(s, st, i);
      if (shut && averaged) return NOT_CALM;
      const b = shut ? 0 : n.blocked;
      if (moving && b !== 0) return NOT_CALM;
      const pass = shut ? 0 : 1 - b;
      const quotaCap = st.quota_s[svc] * perTickCap;
      const cost = rejectCost_s[svc];
      let peak = 0;
      for (let p = 0; p < info.inFlows.length; p++) {
        if (info.inPorts[p] !== 0) continue; // nothing is routed into a calm region
        peak += peak_f[info.inFlows[p]];
      }
      // A per-caller quota turns work away only while the service has no room for it: where all
      // that arrives is served below capacity in every step (checked below), no caller's work over
      // its quota is turned away (`stepNode`), whatever the quota.
      // A front door set (or ramping back) that admits every step's arrivals holds nothing; one
      // that holds work (or may) admits a share that moves every step, and so do its callers' views.
      let holds = shut && moving;
      if (door_s[svc] === 1 && !shut && n.doorLimit === n.doorLimit && (heldAtDoor(info, s.flows) > 0 || !(peak <= doorFloor(n, t0 + J * K) * perTickCap * (1 - DOOR_MARGIN)))) {
        if (!moving) return MOVING;
        holds = true;
      }
      const peakServed = holds ? 0 : peak * pass;
      if (holds) {
        // What it admits it serves at once, below capacity in every step, and is done: it calls
        // nothing, and no quota applies.
        if (deps.length > 0 || quotaCap === quotaCap || !(doorCeiling(n, t0 + K) < 1 - DOOR_MARGIN)) return NOT_CALM;
      } else {
        // All of it served in the step it arrives: refusals cost a share of serving, the rest fits,
        // nothing waits. Checked for the bound, it holds for every step (less arriving, more room).
        const room = Math.max(0, perTickCap - peak * b * cost);
        if (peakServed > room) return NOT_CALM;
        if (st.queueLimit_s[svc] < Infinity && peakServed > queueRoom(st.queueLimit_s[svc], room, cost, peakServed, 0)) return NOT_CALM;
      }
      if (moving) this.views.markDoor(i, holds);
      this.perTickCap_i[i] = perTickCap;
      this.open_i[i] = shut ? 0 : 1;
      this.blocked_i[i] = b;
      this.pass_i[i] = pass;
      this.pOkOf_i[i] = pOk;
      this.pDoneOf_i[i] = pDone;
      this.capacity_i[i] = perTickCap * K;
      for (let m = 0; m < J; m++) {
        let arriving = 0;
        let demand = 0;
        for (let p = 0; p < info.inFlows.length; p++) {
          if (info.inPorts[p] !== 0) continue;
          const f = info.inFlows[p];
          arriving += fm[f * STRETCH + m];
          // New work: a source's own, and the new part of the calls served requests make.
          demand += this.fresh_fm[f * STRETCH + m];
        }
        am[i * STRETCH + m] = arriving;
        this.demand_im[i * STRETCH + m] = demand;
        // Nothing is held at an open door in a calm region: the share of new work is the step's.
        this.newShare_im[i * STRETCH + m] = arriving > 0 ? newShareOf(demand, 0, arriving) : n.newShare;
      }
      // What each first try of a caller comes to.
      for (let p = 0; p < info.inFlows.length; p++) {
        if (info.inPorts[p] !== 0) continue;
        const f = info.inFlows[p];
        this.succPer_f[f] = pass * pDone;
        this.waitPer_f[f] = shut ? 1 : pass * (pOk - pDone);
        this.refPer_f[f] = b + pass * pRefused;
        this.held_f[f] = shut ? 1 : 0;
        // Work that waits on a held call stays put only if something it waits on does not go on
        // (its own views then stay put too); where it would go on, the views move.
        const waits = s.flows[f].awaitTotal > 0 || (!shut && this.waitPer_f[f] > 0);
        if (!moving && waits && leastGoesOn(this.c.topo.nodes[i].depFlows, s.flows) !== 0) return MOVING;
      }
      if (stepwise) {
        for (let j = 0; j < K; j++) served_k[j] = 0;
        for (let p = 0; p < info.inFlows.length; p++) {
          if (info.inPorts[p] !== 0) continue;
          for (let j = 0; j < K; j++) served_k[j] += vec[info.inFlows[p] * K + j] * pass;
          if (averaged && !protections.run(info.inFlows[p], vec, K, b, pDone, pRefused, st, rates)) return NOT_CALM;
        }
      }
      // Every request served makes its calls downstream.
      let reach = 1;
      for (let d = 0; d < deps.length; d++) {
        const f = deps[d];
        const k = flows[f].perRequest;
        if (stepwise) for (let j = 0; j < K; j++) vec[f * K + j] += callsMade(served_k[j], k, reach);
        for (let m = 0; m < J; m++) {
          const calls = callsMade(am[i * STRETCH + m] * pass, k, reach);
          fm[f * STRETCH + m] += calls;
          this.fresh_fm[f * STRETCH + m] += calls * this.newShare_im[i * STRETCH + m];
        }
        peak_f[f] += callsMade(peakServed, k, reach);
        reach = reachPast(reach, s.flows[f].pOk, k);
      }
    }
    // Callers learn their outcomes: their view must not move, and held backlogs must stay held.
    for (let q = 0; q < flowsHere.length; q++) {
      const f = flowsHere[q];
      const fl = s.flows[f];
      if (moving) {
        // Its views are stepped; all of its work is accepted, so its source sees no failures.
        const k = flows[f].source;
        if (k < 0) continue;
        const src = s.sources[k];
        if (src.failedShare !== 0 || src.holding !== 0) return NOT_CALM;
        this.failedShare_k[k] = 0;
        continue;
      }
      let first = 0;
      for (let m = 0; m < J; m++) first += fm[f * STRETCH + m];
      const succ = first * this.succPer_f[f];
      const wait = first * this.waitPer_f[f];
      const ref = first * this.refPer_f[f];
      const done = succ + wait + ref;
      const v = this.view;
      v.pOk = fl.pOk;
      v.pDone = fl.pDone;
      v.pRefused = fl.pRefused;
      // All done and seen so, or all refused and seen so: nothing to move (most calm callers).
      const known = (wait === 0 && ref === 0 && v.pOk === 1 && v.pDone === 1 && v.pRefused === 0) || (succ === 0 && wait === 0 && v.pOk === 0 && v.pDone === 0 && v.pRefused === 1);
      if (!known) {
        // The interval's outcomes, seen as a step sees them (finishFlow): they must not move the view.
        seeOutcomes(v, succ, wait, ref, done, rates.alphaOutcome);
        if (!still(v.pOk, fl.pOk) || !still(v.pDone, fl.pDone) || !still(v.pRefused, fl.pRefused)) return MOVING;
      }
      this.pOk_f[f] = v.pOk;
      this.pDone_f[f] = v.pDone;
      this.pRefused_f[f] = v.pRefused;
      const k = flows[f].source;
      if (k < 0) continue;
      const src = s.sources[k];
      let share = src.failedShare;
      const settled = (ref === 0 && share === 0) || (succ === 0 && wait === 0 && share === 1);
      if (!settled) {
        share = failedShareAfter(share, ref, done, rates.alphaOutcome);
        if (!still(share, src.failedShare)) return NOT_CALM;
      }
      // A backlog that grows or waits must be held all along; one that resumes must not grow.
      // A backlog held must stay held; one resuming may park again what its service refuses (the plan's step-by-step backlog).
      const held = src.holding === 1 && share >= RESUME_BELOW + STILL && src.failedShare >= RESUME_BELOW + STILL;
      if (parks_f[f] === 1 && src.holding === 1 && (src.parked > 0 || ref > 0) && !held) return NOT_CALM;
      // Otherwise whether it holds may change only where the share does not move.
      if (holdsBacklog(src.holding, share) !== holdsBacklog(src.holding, src.failedShare)) return NOT_CALM;
      this.failedShare_k[k] = share;
    }
    return moving ? MOVING : FIXED;
  }

  /**
   * Region `r`'s new work for the `J` intervals of a plan, drawn step by step from each source's
   * own stream (kept as each interval begins). Parked work resumes as a step-by-step run resumes it
   * (Simulation.newWork), in the same arithmetic, and what its entry service refuses parks again in
   * the same step (settleSource). A method of its own, small enough that the rules it calls are
   * inlined (a fraction returned from a call that is not is boxed, every call).
   */
  private drawWork(s: SimState, st: Settings, r: number, J: number, stepwise: boolean): void {
    const { topo, model, dtS, parks_f, K } = this.c;
    const { sources } = topo;
    const vec = this.first_fk;
    const fm = this.first_fm;
    const peak_f = this.peak_f;
    const noise = model.noise;
    for (let q = 0, ids = this.sourcesOf_r[r]; q < ids.length; q++) {
      const k = ids[q];
      const info = sources[k];
      const src = s.sources[k];
      const def = model.sources[info.def];
      const rate = st.rate_d[info.def] * info.baseShare;
      const perTick = rate * dtS;
      const batch = def.batchFactor * rate * dtS;
      const resume = resumeShare(dtS, def.resumeS);
      const resumes = src.holding === 0;
      let parked = src.parked;
      const f = info.flow;
      const refused = parks_f[f] === 1 ? this.refusedShareAt(s, st, topo.flows[f].home) : 0;
      let peak = 0;
      for (let m = 0; m < J; m++) {
        this.savedRng[k * STRETCH + m] = src.rng;
        let sum = 0;
        let released = 0;
        for (let j = 0; j < K; j++) {
          const fresh = freshWork(src, perTick, noise);
          let first = fresh;
          if (resumes && parked > 0) {
            const x = parkedRelease(parked, perTick, st.batchedRelease, batch, resume);
            parked -= x;
            released += x;
            first += x;
          }
          if (refused > 0) parked += first * refused;
          if (stepwise) vec[f * K + j] += first;
          sum += fresh;
          if (first > peak) peak = first;
        }
        this.fresh_fm[f * STRETCH + m] = sum;
        fm[f * STRETCH + m] += sum + released;
        this.parked_km[k * STRETCH + m] = parked;
        this.released_km[k * STRETCH + m] = released;
      }
      peak_f[f] += peak;
    }
  }

  /** Marks region `r`'s streams as they are now as where a plan would begin (so that giving back leaves them there). */
  private keepStreams(s: SimState, r: number): void {
    const ids = this.sourcesOf_r[r];
    for (let q = 0; q < ids.length; q++) this.savedRng[ids[q] * STRETCH] = s.sources[ids[q]].rng;
  }

  /** Gives back the noise region `r` drew for the intervals of its plan from the `m`-th on. */
  private giveBack(s: SimState, r: number, m: number): void {
    const ids = this.sourcesOf_r[r];
    for (let q = 0; q < ids.length; q++) s.sources[ids[q]].rng = this.savedRng[ids[q] * STRETCH + m];
  }

  /**
   * Writes interval `m` of region `r`'s stretch, which begins at `t0`, into the state: what the
   * machines read every interval (each service's window, attempts and first tries, work parked or
   * abandoned). What nothing inside a run reads is added once, when the stretch is over (`settle`).
   */
  private commit(s: SimState, st: Settings, r: number, t0: number, m: number): void {
    const { topo, parks_f, K } = this.c;
    const { nodes, flows } = topo;
    const N = nodes.length;
    const cum = s.cum;
    const views = this.moving_r[r] === 1 ? this.views : null;
    for (let q = 0, ids = this.nodesOf_r[r]; q < ids.length; q++) {
      const i = ids[q];
      const n = s.nodes[i];
      const info = nodes[i];
      cum[M.demand * N + i] += this.demand_im[i * STRETCH + m];
      if (views) {
        // Stepped by its views: nothing refused or failed.
        cum[M.offered * N + i] += views.offered_i[i];
        cum[M.routed * N + i] += views.routed_i[i];
        cum[M.goodput * N + i] += views.goodput_i[i];
        cum[M.waiting * N + i] += views.waiting_i[i];
      } else {
        const arriving = this.arrive_im[i * STRETCH + m];
        const pOk = this.pOkOf_i[i];
        const pDone = this.pDoneOf_i[i];
        const served = arriving * this.pass_i[i];
        // What a shut front door holds is not offered to the service.
        cum[M.offered * N + i] += arriving * this.open_i[i];
        cum[M.rejected * N + i] += arriving * this.blocked_i[i];
        cum[M.goodput * N + i] += served * pDone;
        cum[M.waiting * N + i] += served * (pOk - pDone);
        cum[M.failed * N + i] += served * (1 - pOk);
      }
      if (m > 0) continue;
      // What stays as it is for the whole stretch, written with its first interval: nothing
      // queues, and the cohort ring holds nothing for any tick of the stretch.
      const late = lateTicksOf(st, info.service, n);
      this.patience_i[i] = st.timeoutTicks_s[info.service] - late;
      setLateTicks(n, info, s.flows, late);
      for (let t = t0, to = Math.min(this.stretchEnd[r] - 1, t0 + n.W - 1); t <= to; t++) {
        const slot = t % n.W;
        n.init[slot] = 0;
        n.rem[slot] = 0;
      }
      n.queued = 0;
      n.stale = 0;
    }
    const averaged = this.protections.on(st);
    for (let q = 0, ids = this.flowsOf_r[r]; q < ids.length; q++) {
      const f = ids[q];
      const fl = s.flows[f];
      const sum = this.first_fm[f * STRETCH + m];
      const home = flows[f].home;
      cum[M.sent * N + home] += sum;
      cum[M.tries * N + home] += sum;
      if (views) {
        fl.held0 = views.held0_f[f];
        fl.held1 = views.held1_f[f];
        // What waited as the interval began went on in the same share in every row; first tries were added.
        const scale = views.awaitScale_f[f];
        let total = (fl.await0[0] = views.await_f[f]);
        for (let k = 1; k < fl.await0.length; k++) total += fl.await0[k] = scale === 0 ? 0 : fl.await0[k] * scale;
        fl.awaitTotal = total;
      } else if (this.held_f[f] === 1) fl.held0 += sum; // held at a shut front door, and waited for
      else if (this.waitPer_f[f] > 0) {
        // Served, and waiting on calls held at a shut door: nothing it waits on goes on (isSteady).
        const w = sum * this.waitPer_f[f];
        fl.await0[0] += w;
        fl.awaitTotal += w;
      }
      // Nothing of what waits goes on while a region is calm, unless its views move.
      if (views) fl.goesOn = views.goesOn_f[f];
      else if (fl.goesOn !== 1 || fl.awaitTotal !== 0 || fl.held0 !== 0 || fl.held1 !== 0) fl.goesOn = goesOnShare(0, stockOf(fl));
      if (averaged) this.protections.save(f, fl);
      if (m === 0) {
        fl.first = 0;
        fl.firstNew = 0;
        fl.live = 1;
        fl.failHi = 1;
        fl.pOk = views ? views.pOk_f[f] : this.pOk_f[f];
        fl.pDone = views ? views.pDone_f[f] : this.pDone_f[f];
        fl.pRefused = views ? views.pRefused_f[f] : this.pRefused_f[f];
      }
      const k = flows[f].source;
      if (k < 0) continue;
      const src = s.sources[k];
      if (m === 0) {
        src.failedShare = this.failedShare_k[k];
        src.holding = holdsBacklog(src.holding, src.failedShare);
      }
      // Its backlog as the plan worked it out step by step: resumed, and parked again. What it
      // asked for, and how that ended, nothing inside a run reads: they are added in `settle`.
      if (parks_f[f] === 1) src.parked = this.parked_km[k * STRETCH + m];
    }
    if (t0 + K === this.stretchEnd[r]) this.settle(s, r, m + 1);
  }

  /**
   * Adds the first `J` intervals of region `r`'s stretch to what nothing inside a run reads: the
   * services' capacity and work served, how far their queues have aged, and the callers' own
   * running totals.
   */
  private settle(s: SimState, r: number, J: number): void {
    const { topo, parks_f, K } = this.c;
    const flows = topo.flows;
    const N = topo.nodes.length;
    const last = this.stretchStart[r] + J * K - 1;
    // A region whose views moved was planned for one interval, just committed.
    const views = this.moving_r[r] === 1 ? this.views : null;
    for (let q = 0, ids = this.nodesOf_r[r]; q < ids.length; q++) {
      const i = ids[q];
      const n = s.nodes[i];
      let arriving = 0;
      for (let m = 0; m < J; m++) arriving += this.arrive_im[i * STRETCH + m];
      // The share of new work it last admitted (nothing inside the stretch reads it: the plan
      // worked each interval's out from the one before).
      for (let m = J - 1; m >= 0; m--) {
        if (this.arrive_im[i * STRETCH + m] > 0) {
          n.newShare = this.newShare_im[i * STRETCH + m];
          break;
        }
      }
      s.cum[M.capacity * N + i] += this.capacity_i[i] * J;
      s.cum[M.served * N + i] += views ? views.served_i[i] : arriving * this.pass_i[i];
      const lastDue = last - this.patience_i[i];
      if (lastDue > n.timedThrough) n.timedThrough = lastDue;
      n.oldest = last + 1;
    }
    for (let q = 0, ids = this.flowsOf_r[r]; q < ids.length; q++) {
      const f = ids[q];
      const fl = s.flows[f];
      let sum = 0;
      for (let m = 0; m < J; m++) sum += this.first_fm[f * STRETCH + m];
      const k = flows[f].source;
      fl.sentFirst += sum;
      fl.sentNow = fl.firstNow = this.first_fm[f * STRETCH + J - 1] / K;
      // Work a shut door holds, or that waits on a held call, was added to the ledger's pending in `commit`.
      const succ = views ? views.succ_f[f] : sum * this.succPer_f[f];
      fl.succeeded += succ;
      const ref = sum * this.refPer_f[f];
      if (k < 0) {
        // Work items created: every call made.
        fl.created += sum;
        fl.refusedDone += ref;
        continue;
      }
      // A source's new work (not what it resumes), and what it sent again.
      let fresh = 0;
      let released = 0;
      for (let m = 0; m < J; m++) {
        fresh += this.fresh_fm[f * STRETCH + m];
        released += this.released_km[k * STRETCH + m];
      }
      fl.created += fresh;
      const src = s.sources[k];
      const home = flows[f].home;
      src.asked += fresh;
      src.released += released;
      s.cum[M.asked * N + home] += fresh;
      s.cum[M.released * N + home] += released;
      // How its work ended, by the same rule as a step's (Simulation.learnOutcomes); what it
      // parked, `commit` already set as the plan worked it out step by step.
      const parked = src.parked;
      s.cum[M.abandoned * N + home] += settleSource(src, parks_f[f] === 1, succ, 0, ref);
      src.parked = parked;
      s.cum[M.completed * N + home] += succ;
      if (parks_f[f] !== 1) fl.refusedDone += ref;
    }
  }
}

/** What `CalmRegions.plan` finds a region to be over the interval. */
const NOT_CALM = 0;
const FIXED = 1;
const MOVING = 2;

/** A door's limit in a step between the ends of a ramp may round a little below both ends. */
const DOOR_MARGIN = 1e-9;

/** Control intervals a region whose views move (and cannot be stepped alone) is left to step before it is planned again. */
const REPLAN_AFTER = 4;

/** The most control intervals a calm region is planned for at once (four minutes at 5 s). */
const STRETCH = 48;

/** Whether all of a flow's work waiting on a held call was served at home. */
function waitsAtHomeOnly(fl: FlowState): boolean {
  for (let k = 0; k < fl.await1.length; k++) if (fl.await1[k] !== 0) return false;
  return true;
}

function still(a: number, b: number): boolean {
  return Math.abs(a - b) <= STILL;
}

/**
 * The callers' running averages over an interval, step by step as a step-by-step run keeps them:
 * retry budget tokens and the first-try rate, adaptive throttling's requests and accepts, and a
 * closed breaker's window. Worked out in scratch, written back only if the region stays calm.
 */
class Protections {
  /** By flow: its averages as the interval goes (scratch, written back only if the region stays calm). */
  private readonly avg: ProtectionAverages[];

  constructor(F: number) {
    this.avg = Array.from({ length: F }, () => settleNumberFields({ tokens: 0.5, firstRate: 0.5, thrReq: 0.5, thrAcc: 0.5, brkFail: 0.5, brkTotal: 0.5 }));
  }

  /** Whether any caller's protection keeps averages (if none, there is nothing to carry). */
  on(st: Settings): boolean {
    return st.protected;
  }

  load(f: number, fl: FlowState): void {
    copyAverages(fl, this.avg[f]);
  }

  /**
   * Steps flow `f`'s averages through the interval's first tries `vec[f·K + j]`, served at once
   * with these outcome shares, by the rules a step uses (flow.ts). False if adaptive throttling
   * would reject any of them.
   */
  run(f: number, vec: Float64Array, K: number, blocked: number, pDone: number, pRefused: number, st: Settings, r: FlowRates): boolean {
    if (!this.on(st)) return true;
    const a = this.avg[f];
    const p = st.call_f[f];
    const budgeted = p.budget === p.budget;
    const throttled = p.throttleK === p.throttleK;
    for (let j = 0; j < K; j++) {
      const first = vec[f * K + j];
      const got = first * (1 - blocked);
      const succ = got * pDone;
      if (budgeted) {
        budgetEarns(a, p.budget, first, r);
        // Nothing fails in a calm step: no token is spent.
        budgetCaps(a, p.budget, r);
      }
      if (throttled) {
        const w = r.windowTicksThrottle;
        if (throttleRejectShare(a.thrReq * w, a.thrAcc * w, p.throttleK) > 0) return false;
        throttleSeesRequests(a, first, r);
        throttleSeesAccepts(a, succ, r);
      }
      if (p.breaker) breakerSees(a, first * blocked + got * pRefused, succ, r);
    }
    return true;
  }

  save(f: number, fl: FlowState): void {
    copyAverages(this.avg[f], fl);
  }
}

function copyAverages(from: ProtectionAverages, to: ProtectionAverages): void {
  to.tokens = from.tokens;
  to.firstRate = from.firstRate;
  to.thrReq = from.thrReq;
  to.thrAcc = from.thrAcc;
  to.brkFail = from.brkFail;
  to.brkTotal = from.brkTotal;
}
