/**
 * Calm regions whose callers' views still move, stepped by those views alone.
 *
 * While operators ramp traffic back through a front door that holds work, every step the door
 * admits a different share of what waits, so what its callers see done (pDone) moves every step,
 * and so does what the callers of their callers see. Nothing else moves: every request is served
 * in the step it arrives (or held at the door), nothing fails or is refused, so no retry is made
 * and the work that flows is the work the sources bring, whatever the views. Such regions are
 * planned by the calm kernel like the others (`calm.ts`, one interval at a time, with each step's
 * first tries kept by flow), and here each step of the interval works out only what moves: each
 * door's admission and what it holds, each service's outlook from its calls, each caller's
 * outcomes and its views, in the arithmetic of a step (`node.ts`, `flow.ts`), so that the results
 * agree with a step-by-step run to the rounding of a sum.
 *
 * A flow's work held at a paired region's door is admitted there: paired regions are stepped
 * together (the kernel keeps both calm, or neither).
 */
import { powOf, seeOutcomes, type CallerView, type FlowRates } from './flow.ts';
import { goesOnShare } from './ledger.ts';
import { admitShare, rampLimitAt } from './node.ts';
import type { SimState } from './state.ts';
import type { Topology } from './topology.ts';

const TINY = 1e-9;

export class CalmViews {
  /** By node, over the interval: offered, routed from a paired region, served, goodput and waiting. */
  readonly offered_i: Float64Array;
  readonly routed_i: Float64Array;
  readonly served_i: Float64Array;
  readonly goodput_i: Float64Array;
  readonly waiting_i: Float64Array;
  /** By flow: succeeded and waiting over the interval; views and held work as it ends. */
  readonly succ_f: Float64Array;
  readonly wait_f: Float64Array;
  readonly pOk_f: Float64Array;
  readonly pDone_f: Float64Array;
  readonly pRefused_f: Float64Array;
  readonly held0_f: Float64Array;
  readonly held1_f: Float64Array;
  /**
   * By flow, as the interval ends: its first tries served at home and waiting on a held call
   * (`await0[0]`), the share of its retries waiting as the interval began that still wait
   * (`await0[1…]`), and the share of what waited that went on in the last step.
   */
  readonly await_f: Float64Array;
  readonly awaitScale_f: Float64Array;
  readonly goesOn_f: Float64Array;
  /** By flow: its retries waiting on a held call as the interval began. */
  private readonly awaitRest_f: Float64Array;
  /** By flow, in a step: what went on of what waits (admitted from a door, or done waiting). */
  private readonly stepOut_f: Float64Array;
  /** By node, in a step: the share of what its calls wait on that went on in their last step. */
  private readonly goesOnNow_i: Float64Array;
  /** By node: what a request served now will see done (its outlook), and 1 for a door that may hold work. */
  private readonly pDoneNow_i: Float64Array;
  private readonly door_i: Uint8Array;
  /** By flow, in a step: succeeded, waiting, and held for later at a door (accepted, so waiting too). */
  private readonly stepSucc_f: Float64Array;
  private readonly stepWait_f: Float64Array;
  private readonly stepDeferred_f: Float64Array;
  /** Scratch: a caller's view. */
  private readonly view: CallerView = { pOk: 0.5, pDone: 0.5, pRefused: 0.5 };
  /** By in-port of the largest node: what a door admits of each port in a step. */
  private readonly portIn: Float64Array;

  constructor(
    private readonly topo: Topology,
    private readonly K: number,
    private readonly rates: FlowRates,
  ) {
    const N = topo.nodes.length;
    const F = topo.flows.length;
    this.offered_i = new Float64Array(N);
    this.routed_i = new Float64Array(N);
    this.served_i = new Float64Array(N);
    this.goodput_i = new Float64Array(N);
    this.waiting_i = new Float64Array(N);
    this.succ_f = new Float64Array(F);
    this.wait_f = new Float64Array(F);
    this.pOk_f = new Float64Array(F);
    this.pDone_f = new Float64Array(F);
    this.pRefused_f = new Float64Array(F);
    this.held0_f = new Float64Array(F);
    this.held1_f = new Float64Array(F);
    this.await_f = new Float64Array(F);
    this.awaitScale_f = new Float64Array(F);
    this.awaitRest_f = new Float64Array(F);
    this.goesOn_f = new Float64Array(F);
    this.stepOut_f = new Float64Array(F);
    this.goesOnNow_i = new Float64Array(N);
    this.pDoneNow_i = new Float64Array(N);
    this.door_i = new Uint8Array(N);
    this.stepSucc_f = new Float64Array(F);
    this.stepWait_f = new Float64Array(F);
    this.stepDeferred_f = new Float64Array(F);
    this.portIn = new Float64Array(Math.max(1, ...topo.nodes.map((n) => n.inFlows.length)));
  }

  /** Marks node `i` as a front door that may hold work in the interval (set by the plan). */
  markDoor(i: number, door: boolean): void {
    this.door_i[i] = door ? 1 : 0;
  }

  /**
   * Steps the views of the regions in `regions` (flagged 1) through the interval of K steps from
   * `t0`: `first_fk` holds each flow's first tries by step, `perTickCap_i` each node's capacity
   * in a step. The state is read, not written: the kernel writes what comes out when it commits.
   */
  run(s: SimState, regions: Uint8Array, t0: number, first_fk: Float64Array, perTickCap_i: Float64Array, nodesOf_r: readonly Int32Array[], flowsOf_r: readonly Int32Array[]): void {
    const { nodes, perRequest_f } = this.topo;
    const K = this.K;
    const alpha = this.rates.alphaOutcome;
    const R = regions.length;
    for (let r = 0; r < R; r++) {
      if (regions[r] !== 1) continue;
      for (let q = 0, ids = nodesOf_r[r]; q < ids.length; q++) {
        const i = ids[q];
        this.offered_i[i] = this.routed_i[i] = this.served_i[i] = this.goodput_i[i] = this.waiting_i[i] = 0;
      }
    }
    // Every flow, those of other regions too: a door here reads what their callers have held at it
    // (nothing, unless their region steps its views as well: the kernel sees to that).
    for (let f = 0; f < s.flows.length; f++) {
      const fl = s.flows[f];
      this.succ_f[f] = this.wait_f[f] = 0;
      this.stepSucc_f[f] = this.stepWait_f[f] = this.stepDeferred_f[f] = 0;
      this.pOk_f[f] = fl.pOk;
      this.pDone_f[f] = fl.pDone;
      this.pRefused_f[f] = fl.pRefused;
      this.held0_f[f] = fl.held0;
      this.held1_f[f] = fl.held1;
      this.await_f[f] = fl.await0[0];
      this.awaitScale_f[f] = 1;
      this.awaitRest_f[f] = fl.awaitTotal - fl.await0[0];
      this.goesOn_f[f] = fl.goesOn;
      this.stepOut_f[f] = 0;
    }
    for (let j = 0; j < K; j++) {
      const t = t0 + j;
      // What a request served now will see done, from its callers' views as the step begins (a
      // service's calls are to services later in the call order, whose callers learn later).
      for (let r = 0; r < R; r++) {
        if (regions[r] !== 1) continue;
        for (let q = 0, ids = nodesOf_r[r]; q < ids.length; q++) {
          const i = ids[q];
          const deps = nodes[i].depFlows;
          let pDone = 1;
          let goesOn = 1;
          for (let d = 0; d < deps.length; d++) {
            pDone *= powOf(this.pDone_f[deps[d]], perRequest_f[deps[d]]);
            goesOn = Math.min(goesOn, this.goesOn_f[deps[d]]);
          }
          // Every view of success (pOk) is 1 here.
          this.pDoneNow_i[i] = Math.min(pDone, 1);
          this.goesOnNow_i[i] = goesOn;
        }
      }
      for (let r = 0; r < R; r++) {
        if (regions[r] !== 1) continue;
        for (let q = 0, ids = nodesOf_r[r]; q < ids.length; q++) {
          const i = ids[q];
          if (this.door_i[i] === 1) this.admit(s, i, t, j, first_fk, perTickCap_i[i]);
          else this.serve(i, j, first_fk);
        }
      }
      // Callers learn their outcomes (as `finishFlow` does, with nothing failed, refused or given up).
      for (let r = 0; r < R; r++) {
        if (regions[r] !== 1) continue;
        for (let q = 0, ids = flowsOf_r[r]; q < ids.length; q++) {
          const f = ids[q];
          // Work waiting on a held call goes on as it does (`resolveAwaiting`): nothing fails
          // here, so what is answered is done.
          const home = nodes[this.topo.flows[f].home];
          const goesOn = this.goesOnNow_i[home.index];
          const rest = this.awaitRest_f[f] * this.awaitScale_f[f];
          if (this.await_f[f] + rest > 0 && goesOn > 0 && this.pDoneNow_i[home.index] > TINY) {
            const stays = goesOn >= 1 ? 0 : 1 - goesOn;
            const moved = this.await_f[f] * (1 - stays) + rest * (1 - stays);
            this.await_f[f] *= stays;
            this.awaitScale_f[f] *= stays;
            this.stepSucc_f[f] += moved;
            this.stepOut_f[f] += moved;
          }
          const waits = this.await_f[f] + this.awaitRest_f[f] * this.awaitScale_f[f];
          this.goesOn_f[f] = goesOnShare(this.stepOut_f[f], this.held0_f[f] + this.held1_f[f] + waits);
          this.stepOut_f[f] = 0;
          const succ = this.stepSucc_f[f];
          const deferred = this.stepDeferred_f[f];
          const waiting = this.stepWait_f[f];
          this.stepSucc_f[f] = this.stepDeferred_f[f] = this.stepWait_f[f] = 0;
          this.succ_f[f] += succ;
          this.wait_f[f] += waiting;
          const done = succ + deferred + waiting;
          const unchanged = succ === done && this.pOk_f[f] === 1 && this.pDone_f[f] === 1 && this.pRefused_f[f] === 0;
          if (!unchanged) {
            // As a step sees them (finishFlow): nothing is refused here.
            const v = this.view;
            v.pOk = this.pOk_f[f];
            v.pDone = this.pDone_f[f];
            v.pRefused = this.pRefused_f[f];
            seeOutcomes(v, succ, deferred + waiting, 0, done, alpha);
            this.pOk_f[f] = v.pOk;
            this.pDone_f[f] = v.pDone;
            this.pRefused_f[f] = v.pRefused;
          }
        }
      }
    }
  }

  /** A service with no door serves all that arrives in step `j` (`stepNode`'s quick path, `serveNow`). */
  private serve(i: number, j: number, first_fk: Float64Array): void {
    const info = this.topo.nodes[i];
    const K = this.K;
    const pDone = this.pDoneNow_i[i];
    let arriving = 0;
    for (let p = 0; p < info.inFlows.length; p++) if (info.inPorts[p] === 0) arriving += first_fk[info.inFlows[p] * K + j];
    for (let p = 0; p < info.inFlows.length; p++) {
      if (info.inPorts[p] !== 0) continue;
      const f = info.inFlows[p];
      const got = first_fk[f * K + j];
      if (got <= 0) continue;
      this.stepSucc_f[f] += got * pDone;
      this.stepWait_f[f] += got * (1 - pDone);
      this.await_f[f] += got * (1 - pDone);
    }
    this.offered_i[i] += arriving;
    this.served_i[i] += arriving;
    this.goodput_i[i] += arriving * pDone;
    this.waiting_i[i] += arriving * (1 - pDone);
  }

  /**
   * A front door in step `j` (tick `t`): over its limit, it admits each port's held and new work
   * in the same share and holds the rest (`stepNode`); what it admits is served at once.
   */
  private admit(s: SimState, i: number, t: number, j: number, first_fk: Float64Array, perTickCap: number): void {
    const info = this.topo.nodes[i];
    const n = s.nodes[i];
    const K = this.K;
    const P = info.inFlows.length;
    // The door where `Simulation.runNodeTimers` puts it in this step (the plan checked it stays below capacity).
    const doorLimit = n.rampEnd >= 0 ? rampLimitAt(n, t) : n.doorLimit;
    let arriving = 0;
    let held = 0;
    for (let p = 0; p < P; p++) {
      const f = info.inFlows[p];
      if (info.inPorts[p] === 0) {
        arriving += first_fk[f * K + j];
        held += this.held0_f[f];
      } else held += this.held1_f[f];
    }
    const admit = admitShare(doorLimit * perTickCap, held + arriving);
    arriving = 0;
    let routed = 0;
    const portIn = this.portIn;
    for (let p = 0; p < P; p++) {
      const f = info.inFlows[p];
      const home = info.inPorts[p] === 0;
      // Nothing is routed between calm regions: a paired port brings only what its door held.
      const sNow = home ? first_fk[f * K + j] : 0;
      let inn = sNow;
      if (admit < 1) inn *= admit;
      const h = home ? this.held0_f[f] : this.held1_f[f];
      inn += h * admit;
      this.stepOut_f[f] += h * admit;
      portIn[p] = inn;
      this.stepDeferred_f[f] += sNow * (1 - admit);
      if (home) this.held0_f[f] = (h + sNow) * (1 - admit);
      else this.held1_f[f] = (h + sNow) * (1 - admit);
      const admitted = (h + sNow) * admit;
      arriving += admitted;
      if (!home) routed += admitted;
    }
    // A door's service calls nothing (the plan checked): what it serves is done.
    for (let p = 0; p < P; p++) if (portIn[p] > 0) this.stepSucc_f[info.inFlows[p]] += portIn[p];
    this.offered_i[i] += arriving;
    this.routed_i[i] += routed;
    this.served_i[i] += arriving;
    this.goodput_i[i] += arriving;
  }
}
