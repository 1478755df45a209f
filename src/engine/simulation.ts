/**
 * The simulation: a model, its parameters, a seed, and a pure fixed-step `step()`. Flows (fluid
 * rates and counts) move every tick; xstate machines own the discrete behaviour (node health,
 * breakers, the remediation rollout, scale-outs) and hear only the events that matter.
 *
 * Same model + seed + parameter changes + actions ⇒ the same run, in Node and in the browser.
 */
import { createActor, type Actor } from 'xstate';
import { parseValue, type ParamDef, type ParamValue } from '../params/registry.ts';
import { eventSeconds, resolveNumber } from './clock.ts';
import { callOutlook, callsMade, failedShareAfter, finishFlow, fitFlowRings, flowRates, reachPast, prepareFlow, type FlowOutcome, type FlowRates } from './flow.ts';
import { defaultValues, type LoadedModel } from './load-model.ts';
import { awaitViewOf, freshWork, goesOnShare, parkedRelease, resumeShare, resolveAwaiting, settleSource, stockOf, type AwaitView } from './ledger.ts';
import { CalmRegions } from './calm.ts';
import { breakerMachine, BREAKER_STATES, judgeProbes, judgeWindow, VERDICTS } from './machines/breaker.ts';
import { classifyNode, CONDITIONS, HEALTH_STATES, healthMachine, recoveryDue, type HealthState, type NodeWindow } from './machines/health.ts';
import { lockedShare, rolloutMachine } from './machines/rollout.ts';
import { capacityDue, scaleoutMachine } from './machines/scaleout.ts';
import type { Action, Model, TimelineEventDef } from './model.ts';
import { capacityRpsOf, fitNodeRing, heldAtDoor, lateTicksOf, rampLimitAt, setLateTicks, stepNode, type NodeStepInput } from './node.ts';
import { seedState } from './rng.ts';
import { deriveSettings, type Settings } from './settings.ts';
import { holdsBacklog, M, newFlowState, newNodeState, settleNumberFields, type ScheduledEvent, type SimState } from './state.ts';
import { Stepped } from './stepped.ts';
import { compileTopology, type StepFacts, type Topology } from './topology.ts';
import { judgeTrouble, newTroubleState, type TroubleInput } from './trouble.ts';

/** Machines are told what they need every this many seconds of simulated time. */
export const CONTROL_S = 5;
const RECOVERING = HEALTH_STATES.indexOf('recovering');

export interface SimOptions {
  seed?: number;
  /** Run length in seconds; the model's own when absent. */
  durationS?: number;
  /** Parameter values that differ from the model's defaults (validated). */
  params?: Record<string, ParamValue | string>;
  /**
   * The services ("region/service") whose trouble is judged (every one when absent): a sweep
   * reads one. Trouble is a verdict on what happened and changes nothing in the run, so the
   * others' counts are the same.
   */
  judged?: readonly string[];
}

export interface Snapshot {
  modelId: string;
  durationS: number;
  state: SimState;
  machines: { health: unknown[]; breakers: unknown[]; rollout: unknown; scaleouts: unknown[] };
}

export class ParamError extends Error {}


export class Simulation {
  readonly model: Model;
  readonly paramDefs: readonly ParamDef[];
  readonly topo: Topology;
  readonly dtS: number;
  readonly durationTicks: number;
  readonly state: SimState;
  private st!: Settings;
  private readonly rates: FlowRates;
  private readonly ctrlEvery: number;
  private eventTick: Float64Array;
  private nextModelEvent = Infinity;
  private readonly health: Actor<typeof healthMachine>[];
  private readonly breakers: Actor<typeof breakerMachine>[];
  private readonly rollout: Actor<typeof rolloutMachine> | null;
  private readonly scaleouts: Actor<typeof scaleoutMachine>[];
  private rolloutNextStage = Infinity;
  /** The last tick at which the timeline, an operator or the rollout acted. */
  private firedAt = -1;
  private rolloutActive = false;
  /** 1 for each node with a timer running or a front door set (see `runNodeTimers`), and how many there are. */
  private readonly timed: Uint8Array;
  private timedCount = 0;
  /** 1 for each node with a scale-out being provisioned, and how many there are. */
  private readonly provisioning: Uint8Array;
  private provisioningCount = 0;
  private readonly localRejected_f: Float64Array;
  /** By region, 1 while its windows are known to be unchanged (scratch for `control`). */
  private readonly steady_r: Uint8Array;
  /** By node, 1 if it was door-limited when last classified. */
  private readonly doorLimitedSeen: Uint8Array;
  /** The sources whose new work enters at each node. */
  private readonly sourcesAt_n: number[][];
  /** Regions in a steady state, advanced a control interval at a time (see calm.ts). */
  private readonly calm: CalmRegions;
  /** The sources, flows and nodes of the regions stepped tick by tick. */
  private readonly stepped: Stepped;
  private readonly outcome: FlowOutcome = settleNumberFields({ givenUp: 0, refused: 0, succeeded: 0, waiting: 0 });
  private readonly awaitView: AwaitView = settleNumberFields({ pOk: 0.5, pDone: 0.5, pRefused: 0.5, goesOn: 0.5 });
  private readonly nodeInput: NodeStepInput;
  /** Per-service and per-flow facts of the model, as arrays for the step loop. */
  private readonly fixed: StepFacts;
  private readonly troubleInput: TroubleInput = {
    nodes: [],
    backlog: (i) => this.backlogOf(i),
    mayWait: new Uint8Array(0),
    states: { down: HEALTH_STATES.indexOf('down'), overloaded: HEALTH_STATES.indexOf('overloaded'), waiting: HEALTH_STATES.indexOf('waiting') },
    judged: null,
  };
  private readonly window: NodeWindow = settleNumberFields({
    blocked: false, capacityRps: 0, offered: 0, goodput: 0, failures: 0, throttled: 0, waiting: 0, timedOut: 0, queued: 0, held: 0, doorLimited: false, timeoutS: 0, previous: 'ok',
  });

  constructor(loaded: LoadedModel, opts: SimOptions = {}, snapshot?: Snapshot) {
    this.model = loaded.model;
    this.paramDefs = loaded.params;
    this.topo = compileTopology(this.model);
    if (opts.judged) this.troubleInput.judged = Int32Array.from(this.topo.nodes.filter((n) => opts.judged!.includes(n.id)), (n) => n.index);
    this.dtS = this.model.dtS;
    this.durationTicks = Math.round((snapshot?.durationS ?? opts.durationS ?? this.model.durationS) / this.dtS);
    this.rates = flowRates(this.dtS);
    this.ctrlEvery = Math.max(1, Math.round(CONTROL_S / this.dtS));
    const { nodes, flows, sources } = this.topo;
    this.localRejected_f = new Float64Array(flows.length);
    this.fixed = {
      door_s: Uint8Array.from(this.model.services, (x) => (x.door ? 1 : 0)),
      rejectCost_s: Float64Array.from(this.model.services, (x) => x.rejectCost),
      hasPair_f: Uint8Array.from(flows, (f) => (f.pair >= 0 ? 1 : 0)),
      parks_f: Uint8Array.from(flows, (f) => (f.source >= 0 && this.model.sources[sources[f.source].def].parks ? 1 : 0)),
      homeRegion_f: Int32Array.from(flows, (f) => nodes[f.home].region),
      pairRegion_f: Int32Array.from(flows, (f) => (f.pair >= 0 ? nodes[f.pair].region : nodes[f.home].region)),
    };
    this.eventTick = new Float64Array(this.model.timeline.length);
    this.calm = new CalmRegions({ topo: this.topo, model: this.model, dtS: this.dtS, K: this.ctrlEvery, rates: this.rates, ...this.fixed });
    this.stepped = new Stepped(this.topo);
    this.provisioning = new Uint8Array(nodes.length);
    this.timed = new Uint8Array(nodes.length);
    this.steady_r = new Uint8Array(this.topo.regionIds.length);
    this.doorLimitedSeen = new Uint8Array(nodes.length);
    this.sourcesAt_n = nodes.map((_, i) => sources.filter((src) => flows[src.flow].home === i).map((src) => src.index));
    this.troubleInput.mayWait = Uint8Array.from(nodes, (n, i) => (this.fixed.door_s[n.service] === 1 || this.sourcesAt_n[i].some((k) => this.fixed.parks_f[sources[k].flow] === 1) ? 1 : 0));

    if (snapshot) {
      if (snapshot.modelId !== this.model.id) throw new Error(`snapshot of model ${snapshot.modelId}, not ${this.model.id}`);
      this.state = structuredClone(snapshot.state);
    } else {
      const params = defaultValues(this.paramDefs);
      for (const [id, raw] of Object.entries(opts.params ?? {})) params[id] = this.parse(id, raw);
      this.state = {
        tick: 0,
        params,
        nodes: nodes.map(() => newNodeState()),
        flows: flows.map(() => newFlowState()),
        sources: sources.map((_, k) => ({ rng: seedState(opts.seed ?? this.model.seed, k), parked: 0, failedShare: 0, holding: 0, parkedTotal: 0, released: 0, asked: 0, completed: 0, abandoned: 0 })),
        modelFired: new Uint8Array(this.model.timeline.length),
        pending: [],
        fired: [],
        cum: new Float64Array(M.count * nodes.length),
        ctrlCum: new Float64Array(M.count * nodes.length),
        rollout: { nextStage: Infinity, touched: [], since: [], protectedToo: 0 },
        isolated: new Uint8Array(this.model.regions.length),
        trouble: newTroubleState(nodes.length, this.ctrlEvery * this.dtS),
      };
    }
    this.troubleInput.nodes = this.state.nodes;
    this.state.nodes.forEach(settleNumberFields);
    for (let i = 0; i < nodes.length; i++) this.watchTimers(i);
    this.state.flows.forEach(settleNumberFields);
    this.state.sources.forEach(settleNumberFields);
    this.applySettings();
    // Fractions start as fractions (0.5: set before each use), so that the fields never change
    // layout (see settleNumberFields); ticks and counts stay small integers.
    this.nodeInput = {
      tick: 0, capacityRps: 0.5, timeoutTicks: 1, errorShare: 0.5, dtS: this.dtS, doorLimit: NaN, quota: NaN, queueLimit: Infinity, discipline: 0, queueTimeoutTicks: 0, rejectCost: 0.5,
      pOk: 0.5, pDone: 0.5, pRefused: 0.5, flows: this.state.flows, cum: this.state.cum, nodeCount: nodes.length,
      portSum: new Float64Array(Math.max(1, ...nodes.map((n) => n.inFlows.length))),
      served: 0.5,
      budget: 0.5,
    };

    const m = snapshot?.machines;
    this.health = nodes.map((_, i) => {
      const a = createActor(healthMachine, m ? { snapshot: m.health[i] as never } : {});
      a.subscribe((s) => (this.state.nodes[i].health = HEALTH_STATES.indexOf(s.value as HealthState)));
      return a.start();
    });
    this.breakers = flows.map((_, f) => {
      const a = createActor(breakerMachine, m ? { snapshot: m.breakers[f] as never } : {});
      a.subscribe((s) => {
        const mode = BREAKER_STATES.indexOf(s.value as (typeof BREAKER_STATES)[number]);
        const fs = this.state.flows[f];
        // Each state judges its own calls: the window starts empty on every change.
        if (mode !== fs.brkMode) fs.brkFail = fs.brkTotal = fs.brkClass = 0;
        fs.brkMode = mode;
      });
      return a.start();
    });
    this.scaleouts = nodes.map((_, i) => {
      const a = createActor(scaleoutMachine, m ? { snapshot: m.scaleouts[i] as never } : {});
      a.on('capacityReady', (e) => {
        this.state.nodes[i].addedRps += e.addRps;
        this.log('scaleout.ready', `Scale-out lands: ${this.topo.nodes[i].id} +${Math.round(e.addRps)} req/s`, 'engine', [this.topo.regionIds[this.topo.nodes[i].region]]);
      });
      a.subscribe((s) => {
        const now = s.value === 'provisioning' ? 1 : 0;
        this.provisioningCount += now - this.provisioning[i];
        this.provisioning[i] = now;
      });
      return a.start();
    });
    const ro = this.model.rollout;
    this.rollout = ro
      ? createActor(rolloutMachine, {
          input: { order: [...ro.order], stageIntervalS: ro.stageIntervalS, growS: ro.growS, lockStepS: ro.lockStepS ?? ro.stageIntervalS },
          ...(m ? { snapshot: m.rollout as never } : {}),
        })
      : null;
    if (this.rollout && ro) {
      this.rollout.on('apply', (e) => this.applyPolicy(e.region, e.includesProtected, ro.service));
      this.rollout.on('lock', (e) => this.lockAccounts(e.now, ro.service));
      this.rollout.on('halt', (e) => this.haltRollout(e.regions, ro.service, ro.rollbackS));
      this.rollout.subscribe((s) => {
        this.rolloutActive = s.value === 'rolling';
        this.rolloutNextStage = s.context.nextStageAt;
      });
      this.rollout.start();
    }
  }

  /** Seconds since the start. */
  get time(): number {
    return this.state.tick * this.dtS;
  }

  /** Share of all region-steps so far that were advanced calm, a control interval at a time. */
  get calmShare(): number {
    return this.state.tick > 0 ? this.calm.regionSteps / (this.state.tick * this.topo.regionIds.length) : 0;
  }

  get settings(): Readonly<Settings> {
    return this.st;
  }

  get done(): boolean {
    return this.state.tick >= this.durationTicks;
  }

  /** Changes a parameter from now on, as a slider would. Throws ParamError for a bad id or value. */
  setParam(id: string, raw: ParamValue | string): void {
    this.state.params[id] = this.parse(id, raw);
    this.applySettings();
  }

  /** An operator action (any timeline event type), taking effect at the next step. */
  act(event: Action): void {
    const e = event as { service?: string; regions?: string[] };
    if (e.service !== undefined && !this.topo.serviceIds.includes(e.service)) throw new ParamError(`no service "${e.service}" in ${this.model.id}`);
    for (const r of e.regions ?? []) if (!this.topo.regionIds.includes(r)) throw new ParamError(`no region "${r}" in ${this.model.id}`);
    this.schedule({ tick: this.state.tick, event: { ...event, when: event.when ?? 'always', at: this.time } as TimelineEventDef, origin: 'operator' });
  }

  /** Runs until `seconds` (or the end of the model's clock). */
  runTo(seconds: number): void {
    this.advance(Math.round(seconds / this.dtS) - this.state.tick);
  }

  /**
   * Runs `ticks` steps (fewer at the end of the clock). The same as that many `step()`s, except
   * that regions in a steady state are advanced a control interval at a time (calm.ts): use it
   * wherever nothing is read between the steps.
   */
  advance(ticks: number): void {
    const end = Math.min(this.durationTicks, this.state.tick + ticks);
    const K = this.ctrlEvery;
    while (this.state.tick < end) {
      const t = this.state.tick;
      if (K > 1 && t % K === 0 && t + K <= end) this.interval(t, K, end);
      else this.step();
    }
  }

  snapshot(): Snapshot {
    return {
      modelId: this.model.id,
      durationS: this.durationTicks * this.dtS,
      state: structuredClone(this.state),
      machines: {
        health: this.health.map((a) => a.getPersistedSnapshot()),
        breakers: this.breakers.map((a) => a.getPersistedSnapshot()),
        rollout: this.rollout?.getPersistedSnapshot() ?? null,
        scaleouts: this.scaleouts.map((a) => a.getPersistedSnapshot()),
      },
    };
  }

  static restore(loaded: LoadedModel, snapshot: Snapshot): Simulation {
    return new Simulation(loaded, {}, snapshot);
  }

  healthOf(node: number): HealthState {
    return HEALTH_STATES[this.state.nodes[node].health];
  }

  capacityRps(node: number): number {
    return capacityRpsOf(this.st, this.topo.nodes[node].service, this.topo.capacityShare_n[node], this.state.nodes[node]);
  }

  /** Work held at a service's front door. */
  doorHeld(node: number): number {
    return heldAtDoor(this.topo.nodes[node], this.state.flows);
  }

  /** Work waiting outside a service: held at its front door, or parked by sources entering it. */
  backlogOf(node: number): number {
    // Only a service with a front door holds work.
    let b = this.fixed.door_s[this.topo.nodes[node].service] === 1 ? this.doorHeld(node) : 0;
    const srcs = this.sourcesAt_n[node];
    for (let k = 0; k < srcs.length; k++) b += this.state.sources[srcs[k]].parked;
    return b;
  }

  /**
   * One step of simulated time, in the order the model happens (docs/model.md §3):
   *  1. the timeline fires: the incident's script, operators' actions, the rollout's stages;
   *  2. timers run out: faults end, ramps move the front door, scale-outs land;
   *  3. every few seconds the machines observe: node health, circuit breakers, who is in trouble;
   *  4. new work arrives, and parked work resumes;
   *  5. service by service, callers before the services they call:
   *     callers send their first tries and the retries now due (some failed over to the pair);
   *     each service serves (front door, refusals, quotas, errors, its queue — abandoned work too);
   *     callers learn the outcomes: done, waiting, retry after a backoff, or give up (or park).
   */
  step(): void {
    const t = this.state.tick;
    this.observe(t);
    this.moveWork(t);
    this.state.tick = t + 1;
  }

  /** A control interval of K steps from `t0` (of a run to `end`), calm regions advanced at once and the others step by step. */
  private interval(t0: number, K: number, end: number): void {
    const s = this.state;
    this.observe(t0);
    // Front doors set count among the timers (`watchTimers`): without any, no door holds work.
    this.calm.advance(s, this.st, t0, this.nextEventTick(), end, this.provisioningCount > 0 ? this.provisioning : null, this.timedCount > 0);
    for (let t = t0; t < t0 + K; t++) {
      if (t > t0) this.observe(t);
      this.moveWork(t);
      s.tick = t + 1;
    }
    this.calm.clear();
  }

  /** The first tick after this one at which the timeline, an operator or the rollout acts. */
  private nextEventTick(): number {
    const s = this.state;
    let next = this.nextModelEvent;
    if (s.pending.length > 0) next = Math.min(next, s.pending[0].tick);
    if (this.rolloutActive) next = Math.min(next, Math.ceil(this.rolloutNextStage / this.dtS));
    return next;
  }

  /** Steps 1–3: the timeline fires, timers run out, and (every few seconds) the machines observe. */
  private observe(t: number): void {
    const s = this.state;
    if (t >= this.nextModelEvent || (s.pending.length > 0 && s.pending[0].tick <= t)) {
      this.fireEvents(t);
      this.firedAt = t;
    }
    this.runNodeTimers(t);
    if (t % this.ctrlEvery === 0) this.control(t);
  }

  /** Steps 4–5: new work arrives and every service, callers first, serves its tries. */
  private moveWork(t: number): void {
    this.stepped.update(this.calm.mask);
    if (this.stepped.idle) return;
    this.newWork();
    this.nodeInput.tick = t;
    const { serviceOrder } = this.topo;
    for (let o = 0; o < serviceOrder.length; o++) {
      const svc = serviceOrder[o];
      this.sendTries(svc, t);
      this.serve(svc);
      this.learnOutcomes(svc, t);
    }
  }

  // ————————————————————————————————————————————————————— flows

  /** New work arrives at each source (with the model's noise); parked work resumes when it can. */
  private newWork(): void {
    const sources = this.topo.sources;
    const s = this.state;
    const noise = this.model.noise;
    const dt = this.dtS;
    const N = this.topo.nodes.length;
    const { sources: stepped, sourceCount } = this.stepped;
    for (let q = 0; q < sourceCount; q++) {
      const k = stepped[q];
      const info = sources[k];
      const src = s.sources[k];
      const f = s.flows[info.flow];
      const def = this.model.sources[info.def];
      const rate = this.st.rate_d[info.def] * info.baseShare;
      const fresh = freshWork(src, rate * dt, noise);
      f.first += fresh;
      f.firstNew += fresh;
      f.created += fresh;
      src.asked += fresh;
      const home = this.topo.home_f[info.flow];
      s.cum[M.asked * N + home] += fresh;
      if (src.parked > 0 && src.holding === 0) {
        const r = parkedRelease(src.parked, rate * dt, this.st.batchedRelease, def.batchFactor * rate * dt, resumeShare(dt, def.resumeS));
        src.parked -= r;
        src.released += r;
        s.cum[M.released * N + home] += r;
        f.first += r;
      }
    }
  }

  /** Callers of `svc` send this step's first tries and the retries now due, less what they reject themselves. */
  private sendTries(svc: number, t: number): void {
    const { nodes, home_f } = this.topo;
    const s = this.state;
    const fs = s.flows;
    const cum = s.cum;
    const N = nodes.length;
    const { hasPair_f, homeRegion_f, pairRegion_f } = this.fixed;
    const { flows: stepped, flowStart } = this.stepped;
    for (let g = flowStart[svc], end = flowStart[svc + 1]; g < end; g++) {
      const f = stepped[g];
      const routable = hasPair_f[f] === 1 && s.isolated[homeRegion_f[f]] === 0 && s.isolated[pairRegion_f[f]] === 0;
      this.localRejected_f[f] = prepareFlow(fs[f], routable ? this.st.failover : 0, this.st.call_f[f], this.rates, t);
      cum[M.sent * N + home_f[f]] += fs[f].sentNow;
      cum[M.tries * N + home_f[f]] += fs[f].firstNow;
    }
  }

  /** Each region's node of `svc` serves what arrived; every request served makes its calls downstream. */
  private serve(svc: number): void {
    const { nodes, capacityShare_n, perRequest_f } = this.topo;
    const s = this.state;
    const st = this.st;
    const fs = s.flows;
    const x = this.nodeInput;
    const { door_s, rejectCost_s } = this.fixed;
    const admission = st.admission;
    const { nodes: stepped, nodeStart } = this.stepped;
    for (let g = nodeStart[svc], end = nodeStart[svc + 1]; g < end; g++) {
      const i = stepped[g];
      const info = nodes[i];
      const n = s.nodes[i];
      // What a request served here will see from its dependencies, called in order.
      const deps = info.depFlows;
      callOutlook(deps, perRequest_f, fs, x);
      x.capacityRps = capacityRpsOf(st, svc, capacityShare_n[i], n);
      const lateTicks = lateTicksOf(st, svc, n);
      x.timeoutTicks = st.timeoutTicks_s[svc] - lateTicks;
      x.errorShare = n.errorShare === 0 ? st.errors_s[svc] : 1 - (1 - st.errors_s[svc]) * (1 - n.errorShare);
      setLateTicks(n, info, fs, lateTicks);
      x.doorLimit = door_s[svc] === 1 ? minDefined(admission, n.doorLimit) : NaN;
      x.quota = st.quota_s[svc];
      x.queueLimit = st.queueLimit_s[svc];
      x.discipline = st.discipline_s[svc];
      x.queueTimeoutTicks = st.queueTimeoutTicks_s[svc];
      x.rejectCost = rejectCost_s[svc];
      stepNode(n, info, x);
      const served = x.served;
      if (served > 0) {
        // Every request served (even one nobody waits for) makes its calls downstream: new work in
        // the share of new work among what this service admitted.
        let reach = 1;
        for (let d = 0; d < deps.length; d++) {
          const df = fs[deps[d]];
          const k = perRequest_f[deps[d]];
          const calls = callsMade(served, k, reach);
          df.first += calls;
          df.firstNew += calls * n.newShare;
          df.created += calls;
          reach = reachPast(reach, df.pOk, k);
        }
      }
    }
  }

  /** Callers of `svc` learn their outcomes: done, waiting, a retry after its backoff, or given up (orchestrators park it). */
  private learnOutcomes(svc: number, t: number): void {
    const { nodes, home_f, source_f } = this.topo;
    const s = this.state;
    const fs = s.flows;
    const cum = s.cum;
    const N = nodes.length;
    const out = this.outcome;
    const alphaOutcome = this.rates.alphaOutcome;
    const { parks_f } = this.fixed;
    const { flows: stepped, flowStart } = this.stepped;
    for (let g = flowStart[svc], end = flowStart[svc + 1]; g < end; g++) {
      const f = stepped[g];
      const flow = fs[f];
      flow.firstNew = 0;
      if (flow.awaitTotal > 0) this.goOnWaiting(f);
      finishFlow(flow, this.st.call_f[f], this.rates, t, this.localRejected_f[f], out);
      flow.goesOn = goesOnShare(flow.stockOut, stockOf(flow));
      const srcIndex = source_f[f];
      if (srcIndex < 0) {
        flow.refusedDone += out.refused;
        continue;
      }
      const src = s.sources[srcIndex];
      // Orchestrators hold their backlog while most of their work fails, and resume it once
      // work goes through again (or waits at a front door that has accepted it).
      const done = out.succeeded + out.waiting + out.givenUp + out.refused;
      src.failedShare = failedShareAfter(src.failedShare, out.refused + out.givenUp, done, alphaOutcome);
      src.holding = holdsBacklog(src.holding, src.failedShare);
      // Orchestrated work is never abandoned: refused by a missing dependency, or out of retries,
      // it goes back to its orchestrator's backlog and is tried again later.
      const abandoned = settleSource(src, parks_f[f] === 1, out.succeeded, out.givenUp, out.refused);
      if (parks_f[f] === 1) flow.givenUp -= out.givenUp;
      else flow.refusedDone += out.refused;
      cum[M.abandoned * N + home_f[f]] += abandoned;
      cum[M.completed * N + home_f[f]] += out.succeeded;
    }
  }

  /** Flow `f`'s work waiting on held calls goes on as those calls do, at home and at the paired region. */
  private goOnWaiting(f: number): void {
    const { nodes, flows, perRequest_f } = this.topo;
    const fl = this.state.flows[f];
    const v = this.awaitView;
    awaitViewOf(nodes[flows[f].home].depFlows, perRequest_f, this.state.flows, v);
    resolveAwaiting(fl, fl.await0, v);
    if (flows[f].pair >= 0 && fl.awaitTotal > 0) {
      awaitViewOf(nodes[flows[f].pair].depFlows, perRequest_f, this.state.flows, v);
      resolveAwaiting(fl, fl.await1, v);
    }
  }

  // ————————————————————————————————————————————————————— machines

  private control(t: number): void {
    const s = this.state;
    const N = this.topo.nodes.length;
    const cum = s.cum;
    const prev = s.ctrlCum;
    const now = t * this.dtS;
    const w = this.window;
    // Nothing fired now that could have changed what a node is (its blocking, its capacity).
    const quiet = this.firedAt !== t;
    const steady = this.steady_r;
    for (let r = 0; r < steady.length; r++) steady[r] = quiet && this.calm.steadyThrough(r, t) ? 1 : 0;
    const region_n = this.topo.region_n;
    for (let i = 0; i < N; i++) {
      const n = s.nodes[i];
      const offered = cum[M.offered * N + i] - prev[M.offered * N + i];
      // Two windows of one calm stretch have the same shares, so the same condition: unless the
      // traffic is so small that the noise could take it to nothing, or a front door ramping back
      // has opened since (a door that holds nothing does not stop a region being calm).
      if (steady[region_n[i]] === 0 || !(offered > 1e-3 || offered === 0) || (n.doorLimit < 1 ? 1 : 0) !== this.doorLimitedSeen[i]) {
        w.offered = offered;
        w.timeoutS = this.st.timeoutTicks_s[this.topo.nodes[i].service] * this.dtS;
        this.classify(i, now);
      }
      // The time matters to a recovering node only once it has looked fine for long enough.
      if (n.health === RECOVERING && recoveryDue(this.health[i].getSnapshot().context, now)) this.health[i].send({ type: 'TICK', now });
    }
    prev.set(cum);
    judgeTrouble(s.trouble, cum, N, now, this.troubleInput);
    if (this.st.breakers) {
      const w = this.rates.windowTicksBreaker;
      for (let f = 0; f < s.flows.length; f++) {
        if (!this.st.call_f[f].breaker) continue;
        const fl = s.flows[f];
        const verdict = fl.brkMode === 2 ? judgeProbes(fl.brkFail, fl.brkTotal) : judgeWindow(fl.brkFail * w, fl.brkTotal * w);
        const cls = VERDICTS.indexOf(verdict);
        if (cls !== fl.brkClass) {
          fl.brkClass = cls;
          this.breakers[f].send({ type: 'WINDOW', verdict, now });
        }
        if (fl.brkMode !== 0) this.breakers[f].send({ type: 'TICK', now });
      }
    }
  }

  /** Classifies node `i`'s last control window (its offered load already in `window`) and tells its health machine what changed. */
  private classify(i: number, now: number): void {
    const s = this.state;
    const N = this.topo.nodes.length;
    const cum = s.cum;
    const prev = s.ctrlCum;
    const n = s.nodes[i];
    const w = this.window;
    w.blocked = n.blocked >= 1;
    w.capacityRps = this.capacityRps(i);
    w.goodput = cum[M.goodput * N + i] - prev[M.goodput * N + i];
    w.timedOut = cum[M.timedOut * N + i] - prev[M.timedOut * N + i];
    w.throttled = cum[M.throttled * N + i] - prev[M.throttled * N + i];
    w.failures = cum[M.failed * N + i] - prev[M.failed * N + i] + cum[M.rejected * N + i] - prev[M.rejected * N + i] - w.throttled + w.timedOut;
    w.waiting = cum[M.waiting * N + i] - prev[M.waiting * N + i];
    w.queued = n.queued;
    w.held = this.doorHeld(i);
    w.doorLimited = n.doorLimit < 1;
    this.doorLimitedSeen[i] = w.doorLimited ? 1 : 0;
    w.previous = CONDITIONS[n.condition];
    const condition = classifyNode(w);
    const code = CONDITIONS.indexOf(condition);
    if (code !== n.condition) {
      n.condition = code;
      this.health[i].send({ type: 'OBSERVE', condition, now });
    }
  }

  private runNodeTimers(t: number): void {
    const now = t * this.dtS;
    if (t % this.ctrlEvery === 0 && this.provisioningCount > 0) {
      for (let i = 0; i < this.provisioning.length; i++) {
        if (this.provisioning[i] === 1 && capacityDue(this.scaleouts[i].getSnapshot().context, now)) this.scaleouts[i].send({ type: 'TICK', now });
      }
    }
    if (this.rolloutActive && now >= this.rolloutNextStage && this.rollout && this.model.rollout) {
      const watch = this.model.services.findIndex((x) => x.id === this.model.rollout!.gateWatches);
      const failing = this.state.rollout.touched.some((r) => this.state.nodes[this.topo.nodeIndex(r, watch)].health !== 0);
      this.rollout.send({ type: 'STAGE_DUE', now, touchedRegionsFailing: failing });
      // The rollout acted: what a node is may have changed (its accounts locked).
      this.firedAt = t;
    }
    if (this.timedCount === 0) return;
    const nodes = this.state.nodes;
    for (let i = 0; i < nodes.length; i++) {
      if (this.timed[i] === 0) continue;
      const n = nodes[i];
      if (n.rampEnd < 0 && n.doorLimit >= 1 && this.doorHeld(i) < 1e-6) n.doorLimit = NaN;
      if (n.faultEnd >= 0 && t >= n.faultEnd) {
        n.faultFactor = 1;
        n.faultEnd = -1;
      }
      if (n.errorEnd >= 0 && t >= n.errorEnd) {
        n.errorShare = 0;
        n.errorEnd = -1;
      }
      if (n.latencyEnd >= 0 && t >= n.latencyEnd) {
        n.latencyTicks = 0;
        n.latencyEnd = -1;
      }
      if (n.rampEnd >= 0) {
        if (t >= n.rampEnd) {
          // A ramp to full traffic keeps the door at capacity until what it holds has drained.
          n.doorLimit = n.rampTo;
          n.rampEnd = -1;
        } else n.doorLimit = rampLimitAt(n, t);
      }
      this.watchTimers(i);
    }
  }

  /** Notes whether node `i` has a timer running or a front door set, which `runNodeTimers` must look at every step. */
  private watchTimers(i: number): void {
    const n = this.state.nodes[i];
    const timed = n.doorLimit === n.doorLimit || n.faultEnd >= 0 || n.errorEnd >= 0 || n.latencyEnd >= 0 || n.rampEnd >= 0 ? 1 : 0;
    this.timedCount += timed - this.timed[i];
    this.timed[i] = timed;
  }

  private applyPolicy(region: string, includesProtected: boolean, service: string): void {
    const r = this.topo.regionIds.indexOf(region);
    const ro = this.state.rollout;
    if (!ro.touched.includes(r)) {
      ro.touched.push(r);
      ro.since.push(this.time);
    }
    const gradual = (this.model.rollout?.growS ?? 0) > 0;
    const label = !includesProtected
      ? `Policy reaches ${region}: protected accounts skipped`
      : gradual
        ? `Policy reaches ${region}: it starts locking extension packages`
        : `Policy reaches ${region}: extension packages locked`;
    this.log('rollout.stage', label, 'engine', [region]);
    ro.protectedToo = includesProtected ? 1 : 0;
    if (includesProtected && !gradual) this.state.nodes[this.topo.nodeIndex(r, this.topo.serviceIds.indexOf(service))].blocked = 1;
    // Reaching a region, the workflow locks its first step's worth of accounts at once.
    if (gradual) this.lockAccounts(this.time, service);
  }

  /** The workflow locks the share of each reached region's accounts it has got to by `now` (`lockedShare`). */
  private lockAccounts(now: number, service: string): void {
    const ro = this.state.rollout;
    const def = this.model.rollout;
    if (ro.protectedToo !== 1 || !def || !(def.growS > 0)) return;
    const svc = this.topo.serviceIds.indexOf(service);
    for (let k = 0; k < ro.touched.length; k++) {
      const n = this.state.nodes[this.topo.nodeIndex(ro.touched[k], svc)];
      n.blocked = Math.max(n.blocked, lockedShare(now - ro.since[k], def.growS, def.lockStepS ?? def.stageIntervalS));
    }
  }

  private haltRollout(regions: string[], service: string, rollbackS: number): void {
    this.log('rollout.halt', `Health gate halts the rollout (${regions.join(', ')})`, 'engine', regions);
    const tick = this.state.tick + Math.round(rollbackS / this.dtS);
    this.schedule({ tick, event: { type: 'restore', service, regions, at: tick * this.dtS, label: 'Gate rolls back', when: 'always' }, origin: 'engine' });
  }

  // ————————————————————————————————————————————————————— timeline

  private fireEvents(t: number): void {
    const s = this.state;
    const events = this.model.timeline;
    if (t >= this.nextModelEvent) {
      for (let e = 0; e < events.length; e++) {
        if (s.modelFired[e] || !(this.eventTick[e] <= t)) continue;
        s.modelFired[e] = 1;
        const ev = events[e];
        if (ev.group && this.st.groupsOff.has(ev.group)) continue;
        this.apply(ev, 'model');
      }
      this.planModelEvents();
    }
    while (s.pending.length > 0 && s.pending[0].tick <= t) {
      const p = s.pending.shift()!;
      this.apply(p.event, p.origin);
    }
  }

  private schedule(p: ScheduledEvent): void {
    const pending = this.state.pending;
    let k = pending.length;
    while (k > 0 && pending[k - 1].tick > p.tick) k--;
    pending.splice(k, 0, p);
  }

  private apply(ev: TimelineEventDef, origin: 'model' | 'operator' | 'engine'): void {
    const s = this.state;
    const now = s.tick * this.dtS;
    const regionIdx = ev.regions ? ev.regions.map((id) => this.topo.regionIds.indexOf(id)) : this.topo.regionIds.map((_, i) => i);
    const svc = 'service' in ev ? this.topo.serviceIds.indexOf(ev.service) : -1;
    const num = (v: number | string) => resolveNumber(v, s.params);
    const ticks = (sec: number) => Math.max(1, Math.round(sec / this.dtS));
    const acts = ev.type !== 'note' && !ev.type.startsWith('rollout') && ev.type !== 'isolate' && ev.type !== 'reconnect';
    const targets = acts
      ? regionIdx.filter((r) => {
          const n = s.nodes[this.topo.nodeIndex(r, svc)];
          return ev.when === 'unhealthy' ? HEALTH_STATES[n.health] !== 'healthy' : ev.when === 'held' ? n.doorLimit === n.doorLimit : true;
        })
      : regionIdx;
    // A conditional response that finds nothing to do is not part of the run's story.
    if (acts && targets.length === 0) return;
    const regionNames = targets.map((r) => this.topo.regionIds[r]);
    this.log(ev.type, ev.label ?? ev.type, origin, ev.regions || targets.length < regionIdx.length ? regionNames : []);
    for (const r of acts ? targets : []) {
      const i = this.topo.nodeIndex(r, svc);
      const n = s.nodes[i];
      switch (ev.type) {
        case 'block':
          n.blocked = 1;
          break;
        case 'restore':
          // A restore only ever gives back: what still refuses is at most what refused before.
          n.blocked = ev.percent === undefined ? 0 : Math.min(n.blocked, 1 - Math.min(100, Math.max(0, num(ev.percent))) / 100);
          break;
        case 'fault':
          if (!(num(ev.durationS) > 0)) break;
          n.faultFactor = Math.max(0, num(ev.capacityPercent)) / 100;
          n.faultEnd = s.tick + ticks(num(ev.durationS));
          break;
        case 'errors':
          if (!(num(ev.durationS) > 0)) break;
          n.errorShare = Math.min(100, Math.max(0, num(ev.percent))) / 100;
          n.errorEnd = s.tick + ticks(num(ev.durationS));
          break;
        case 'latency':
          if (!(num(ev.durationS) > 0)) break;
          n.latencyTicks = Math.max(0, Math.round(num(ev.addS) / this.dtS));
          n.latencyEnd = s.tick + ticks(num(ev.durationS));
          break;
        case 'scaleout': {
          const addRps = (this.st.capacity_s[svc] * this.topo.capacityShare_n[i] * num(ev.addPercent)) / 100;
          this.scaleouts[i].send({ type: 'REQUEST', addRps, readyAt: now + num(ev.delayS) });
          break;
        }
        case 'admission':
          n.doorLimit = ev.percent === 'off' ? NaN : num(ev.percent) / 100;
          n.rampEnd = -1;
          break;
        case 'ramp':
          n.rampFrom = n.doorLimit === n.doorLimit ? n.doorLimit : 1;
          n.rampTo = num(ev.toPercent) / 100;
          n.rampStart = s.tick;
          n.rampEnd = s.tick + ticks(num(ev.durationS));
          break;
        default:
          break;
      }
      this.watchTimers(i);
    }
    if (ev.type === 'isolate' || ev.type === 'reconnect') for (const r of regionIdx) s.isolated[r] = ev.type === 'isolate' ? 1 : 0;
    if (ev.type === 'rollout.start') {
      this.rollout?.send({ type: 'START', now, preflight: this.st.preflight, gateSeesFailures: this.st.gateSeesFailures });
    } else if (ev.type === 'rollout.disable') {
      this.rollout?.send({ type: 'DISABLE', now });
    }
  }

  private log(type: string, label: string, origin: 'model' | 'operator' | 'engine', regions: string[]): void {
    this.state.fired.push({ tick: this.state.tick, type, label, origin, regions });
  }

  private planModelEvents(): void {
    const events = this.model.timeline;
    let next = Infinity;
    for (let e = 0; e < events.length; e++) {
      const sec = eventSeconds(this.model, events[e].at, this.state.params);
      this.eventTick[e] = Number.isFinite(sec) ? Math.round(sec / this.dtS) : Infinity;
      if (!this.state.modelFired[e] && this.eventTick[e] < next) next = this.eventTick[e];
    }
    this.nextModelEvent = next;
  }

  // ————————————————————————————————————————————————————— parameters

  private parse(id: string, raw: ParamValue | string): ParamValue {
    const def = this.paramDefs.find((p) => p.id === id);
    if (!def) throw new ParamError(`unknown parameter "${id}"; this model has: ${this.paramDefs.map((p) => p.id).join(', ')}`);
    const parsed = parseValue(def, raw);
    if (!parsed.ok) throw new ParamError(parsed.error);
    return parsed.value;
  }

  private applySettings(): void {
    this.st = deriveSettings(this.model, this.paramDefs, this.state.params, this.dtS, this.topo.flows.map((f) => f.call));
    const t = this.state.tick;
    this.state.flows.forEach((f, k) => fitFlowRings(f, this.st.call_f[k], t));
    this.state.nodes.forEach((n, i) => fitNodeRing(n, this.topo.nodes[i].service, this.st, t));
    this.planModelEvents();
  }
}

function minDefined(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return a < b ? a : b;
}
