/**
 * The simulation host: everything the worker does, as a plain class (testable in Node, and usable
 * on the main thread where workers are not allowed). It owns one run: the simulation, its sampled
 * history, snapshots for seeking, and the log of parameter changes that makes seeking exact.
 */
import { BUILTIN_MODELS } from '../../models/index.ts';
import { clockAt, eventSeconds, nextMultiple } from '../engine/clock.ts';
import { loadModel, overBudget, type LoadedModel } from '../engine/load-model.ts';
import { Sampler } from '../engine/sampler.ts';
import { ParamError, Simulation, type Snapshot } from '../engine/simulation.ts';
import type { ParamValue } from '../params/registry.ts';
import type { Action } from '../engine/model.ts';
import { actionArgErrors } from '../params/actions.ts';
import { renderRun } from '../engine/output.ts';
import { scoreOf, scoreRun, verdict, type Score } from '../engine/score.ts';
import { CHECK_PARTS, checksPart } from '../engine/validation.ts';
import { FRAME_METRICS, type Frame, type FromWorkerMsg, type ModelInfo, type Recipe, type RecipeChange, type ToWorkerMsg } from './protocol.ts';

const K = FRAME_METRICS.length;

/** What the user did during the run, in order: replayed exactly when seeking back. */
type Change = { tick: number; id: string; value: ParamValue | string } | { tick: number; action: Action };

/** A round sample interval giving about 900 samples over the model's clock. */
export function sampleInterval(durationS: number, dtS: number): number {
  const raw = durationS / 900;
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((x) => x >= raw) ?? 3600;
  return Math.max(dtS, nice);
}

export class SimHost {
  private loaded: LoadedModel | null = null;
  private sim: Simulation | null = null;
  private sampler: Sampler | null = null;
  private seed = 1;
  private startParams: Record<string, ParamValue | string> = {};
  private changes: Change[] = [];
  // The score lives in the simulation's state, so a snapshot carries it.
  private snapshots: { tick: number; snap: Snapshot }[] = [];
  private scoreFresh = true;
  private everyTicks = 1;
  private snapshotTicks = 1;
  private historyT: number[] = [];
  private historyV: Float32Array[] = [];
  private sent = 0;
  private eventsSent = 0;
  private resetPending = true;
  private recipeChanged = true;
  /** Index of the first logged change not yet applied to the simulation. */
  private nextChange = 0;
  private flowCum = new Float64Array(0);
  private flowRates = new Float32Array(0);
  private flowTime = 0;

  handle(msg: ToWorkerMsg): FromWorkerMsg[] {
    try {
      switch (msg.type) {
        case 'load':
          return this.load(msg.model, msg.seed, msg.params, msg.changes, msg.id);
        case 'advance':
          return [this.advance(msg.simS)];
        case 'setParam':
          this.need().setParam(msg.id, msg.value);
          {
            // A slider dragged while time stands still is one change, not one per step of the drag.
            const tick = this.need().state.tick;
            const last = this.changes[this.changes.length - 1];
            if (last && !('action' in last) && last.tick === tick && last.id === msg.id) last.value = msg.value;
            else this.changes.push({ tick, id: msg.id, value: msg.value });
          }
          this.nextChange = this.changes.length;
          this.recipeChanged = true;
          return [{ type: 'frame', ...this.frame() }];
        case 'seek':
          this.seek(msg.t);
          return [{ type: 'frame', ...this.frame() }];
        case 'restart':
          this.start({ ...this.need().state.params });
          return [{ type: 'frame', ...this.frame() }];
        case 'act': {
          // The operator's seat is held to the same argument ranges as model files and links.
          const wrong = actionArgErrors(msg.action as Record<string, unknown> & { type: string }, this.need().dtS);
          if (wrong.length) throw new RefusedError(`the operator action was refused: ${wrong.join('; ')}`);
          this.need().act(msg.action);
          this.changes.push({ tick: this.need().state.tick, action: msg.action });
          this.nextChange = this.changes.length;
          this.recipeChanged = true;
          return [{ type: 'frame', ...this.frame() }];
        }
        case 'export':
          return [this.exportRun(msg.format)];
        case 'whatIf':
          return [this.whatIf(msg.label, msg.params)];
        case 'undo':
          this.undo();
          return [{ type: 'frame', ...this.frame() }];
        case 'validate': {
          const part = msg.part;
          if (!Number.isInteger(part) || part < 0 || part >= CHECK_PARTS) throw new RefusedError(`no part ${String(part)} of the checks; there are ${CHECK_PARTS}`);
          return [{ type: 'validated', rows: checksPart(part), part, parts: CHECK_PARTS }];
        }
        default: {
          const never: never = msg;
          return [{ type: 'refused', message: `unknown message ${JSON.stringify(never)}` }];
        }
      }
    } catch (e) {
      if (e instanceof ParamError || e instanceof RefusedError) return [{ type: 'refused', message: e.message }];
      return [{ type: 'failed', message: (e as Error).message ?? String(e) }];
    }
  }

  private need(): Simulation {
    if (!this.sim) throw new RefusedError('no model is loaded yet');
    return this.sim;
  }

  private load(model: string | object, seed?: number, params?: Record<string, ParamValue>, changes?: RecipeChange[], id?: number): FromWorkerMsg[] {
    const data = typeof model === 'string' ? (Object.hasOwn(BUILTIN_MODELS, model) ? BUILTIN_MODELS[model] : undefined) : model;
    if (data === undefined) throw new RefusedError(`unknown model "${String(model)}"; built-in models are ${Object.keys(BUILTIN_MODELS).join(', ')}`);
    const r = loadModel(data);
    if (!r.ok) throw new RefusedError(`the model is invalid: ${r.errors.slice(0, 3).join('; ')}`);
    const over = overBudget(r.value.model);
    if (over.length) throw new RefusedError(`the model is too big to run here: ${over.join('; ')}`);
    // Everything the run is made of, so that a refused load leaves the previous run exactly as it was.
    const previous = { ...this };
    this.loaded = r.value;
    this.seed = seed ?? r.value.model.seed;
    try {
      this.start(params ?? {});
      const dt = this.sim!.dtS;
      this.changes = (changes ?? []).map((c) => ('action' in c ? { tick: Math.round(c.t / dt), action: c.action } : { tick: Math.round(c.t / dt), id: c.id, value: c.value }));
      this.nextChange = 0;
      this.applyDueChanges();
    } catch (e) {
      Object.assign(this, previous);
      throw e;
    }
    return [{ type: 'loaded', model: this.info(), frame: this.frame(), ...(id === undefined ? {} : { id }) }];
  }

  private start(params: Record<string, ParamValue | string>): void {
    const loaded = this.loaded!;
    const sim = new Simulation(loaded, { seed: this.seed, params });
    this.sim = sim;
    this.startParams = params;
    this.changes = [];
    this.nextChange = 0;
    const m = loaded.model;
    this.everyTicks = Math.max(1, Math.round(sampleInterval(m.durationS, m.dtS) / m.dtS));
    this.snapshotTicks = this.everyTicks * 30;
    this.snapshots = [{ tick: 0, snap: sim.snapshot() }];
    this.sampler = new Sampler(sim);
    this.historyT = [];
    this.historyV = [];
    this.sent = 0;
    this.eventsSent = 0;
    this.resetPending = true;
    this.recipeChanged = true;
    this.resetFlowRates();
  }

  private resetFlowRates(): void {
    const F = this.sim!.topo.flows.length;
    this.flowCum = new Float64Array(F * 2);
    this.flowRates = new Float32Array(F * 3);
    this.flowTime = this.sim!.time;
    this.sim!.state.flows.forEach((f, k) => {
      this.flowCum[2 * k] = f.sentFirst;
      this.flowCum[2 * k + 1] = f.sentRetry;
    });
  }

  /** Per-flow rates since the previous frame (kept as they were when no time has passed). */
  private flowFrame(): Float32Array {
    const sim = this.sim!;
    const span = sim.time - this.flowTime;
    sim.state.flows.forEach((f, k) => {
      if (span > 0) {
        this.flowRates[3 * k] = (f.sentFirst - this.flowCum[2 * k]) / span;
        this.flowRates[3 * k + 1] = (f.sentRetry - this.flowCum[2 * k + 1]) / span;
      }
      this.flowRates[3 * k + 2] = f.pOk;
      this.flowCum[2 * k] = f.sentFirst;
      this.flowCum[2 * k + 1] = f.sentRetry;
    });
    if (span > 0) this.flowTime = sim.time;
    return this.flowRates.slice();
  }

  private advance(simS: number): FromWorkerMsg {
    const sim = this.need();
    const end = Math.min(sim.durationTicks, sim.state.tick + Math.max(0, Math.round(simS / sim.dtS)));
    this.runTo(end);
    return { type: 'frame', ...this.frame() };
  }

  /** Steps to `end`, sampling and snapshotting on the way, applying logged changes on replay. */
  private runTo(end: number): void {
    const sim = this.sim!;
    while (sim.state.tick < end) {
      this.applyDueChanges();
      // Nothing is read between samples, snapshots and logged changes: advance to the next of them.
      const t = sim.state.tick;
      const nextChange = this.nextChange < this.changes.length ? this.changes[this.nextChange].tick : Infinity;
      sim.advance(Math.min(end, nextMultiple(t, this.everyTicks), nextMultiple(t, this.snapshotTicks), Math.max(t + 1, nextChange)) - t);
      const tick = sim.state.tick;
      if (tick % this.everyTicks === 0) this.record();
      if (tick % this.snapshotTicks === 0 && !this.snapshots.some((s) => s.tick === tick)) this.snapshots.push({ tick, snap: sim.snapshot() });
    }
  }

  /** Applies logged changes whose time has come (on a replay after a seek back or a restore). */
  private applyDueChanges(): void {
    const sim = this.sim!;
    while (this.nextChange < this.changes.length && this.changes[this.nextChange].tick <= sim.state.tick) {
      const c = this.changes[this.nextChange++];
      if ('action' in c) sim.act(c.action);
      else sim.setParam(c.id, c.value);
    }
  }

  private record(): void {
    this.scoreFresh = true;
    const rows = this.sampler!.sample();
    const v = new Float32Array(rows.length * K);
    rows.forEach((r, i) => {
      const o = i * K;
      v[o] = r.demand_rps;
      v[o + 1] = r.offered_rps;
      v[o + 2] = r.goodput_rps;
      v[o + 3] = r.capacity_rps;
      v[o + 4] = r.queue;
      v[o + 5] = r.backlog;
      v[o + 6] = r.wasted_rps;
      v[o + 7] = r.routed_rps;
      v[o + 8] = r.amplification;
    });
    this.historyT.push(this.sim!.time);
    this.historyV.push(v);
  }

  private seek(t: number): void {
    const sim = this.need();
    const target = Math.max(0, Math.min(sim.durationTicks, Math.round(t / sim.dtS)));
    if (target < sim.state.tick) {
      // Back in time: what was done after the target is forgotten.
      this.changes = this.changes.filter((c) => c.tick <= target);
      this.recipeChanged = true;
      this.rewindTo(target);
    }
    this.runTo(target);
  }

  /** Undoes the last operator action: the run is replayed without it, back to where it was. */
  private undo(): void {
    const sim = this.need();
    let k = this.changes.length - 1;
    while (k >= 0 && !('action' in this.changes[k])) k--;
    if (k < 0) throw new RefusedError('there is no operator action to undo');
    const now = sim.state.tick;
    const at = this.changes[k].tick;
    this.changes.splice(k, 1);
    this.recipeChanged = true;
    this.rewindTo(at);
    this.runTo(now);
  }

  /** Restores the latest snapshot at or before `target` (history too), ready to replay from there. */
  private rewindTo(target: number): void {
    this.snapshots = this.snapshots.filter((s) => s.tick <= target);
    const from = this.snapshots[this.snapshots.length - 1];
    this.sim = Simulation.restore(this.loaded!, from.snap);
    // Snapshots are taken before any change made at their tick: replay from there on.
    this.nextChange = this.changes.findIndex((c) => c.tick >= from.tick);
    if (this.nextChange < 0) this.nextChange = this.changes.length;
    this.sampler = new Sampler(this.sim);
    this.scoreFresh = true;
    const keep = this.historyT.findIndex((x) => x > from.tick * this.sim!.dtS + 1e-9);
    if (keep >= 0) {
      this.historyT.length = keep;
      this.historyV.length = keep;
    }
    this.resetPending = true;
    this.sent = 0;
    this.eventsSent = 0;
    this.resetFlowRates();
  }

  /** The whole run with these settings and changes, exactly as `npm run simulate` would print it. */
  private exportRun(format: 'csv' | 'json'): FromWorkerMsg {
    const sim = this.need();
    const changes = this.changes.map((c) => ('action' in c ? { atS: c.tick * sim.dtS, action: c.action } : { atS: c.tick * sim.dtS, id: c.id, value: c.value }));
    const text = renderRun(this.loaded!, { seed: this.seed, params: this.startParams, changes, everyS: 60 }, format);
    return { type: 'exported', format, text, filename: `${this.loaded!.model.id}-seed${this.seed}.${format}` };
  }

  /** The last run scored as a what-if's base: the same model and recipe make the same run, so a second what-if measures against it without running it again. */
  private baseScored: { loaded: LoadedModel; recipe: string; score: Score } | null = null;

  /** Two whole runs of this run's recipe, with and without `params`, scored and compared. */
  private whatIf(label: string, params: Record<string, ParamValue>): FromWorkerMsg {
    const sim = this.need();
    const r = this.recipe();
    const changes = r.changes.map((c) => ('action' in c ? { atS: c.t, action: c.action } : { atS: c.t, id: c.id, value: c.value }));
    const spec = { seed: r.seed, changes, everyS: this.everyTicks * sim.dtS };
    const recipe = JSON.stringify({ ...spec, params: r.params });
    const kept = this.baseScored;
    const base = kept && kept.loaded === this.loaded && kept.recipe === recipe ? kept.score : scoreRun(this.loaded!, { ...spec, params: r.params });
    this.baseScored = { loaded: this.loaded!, recipe, score: base };
    const changed = scoreRun(this.loaded!, { ...spec, params: { ...r.params, ...params } });
    const v = verdict(base, changed);
    return { type: 'verdict', label, text: v.text, parts: v.parts, base, changed };
  }

  private frame(): Frame {
    const sim = this.sim!;
    const N = sim.topo.nodes.length;
    const health = new Uint8Array(N);
    for (let i = 0; i < N; i++) health[i] = sim.state.nodes[i].health;
    const last = this.historyV[this.historyV.length - 1];
    const metrics = last ? last.slice() : new Float32Array(N * K);
    for (let i = 0; i < N; i++) {
      metrics[i * K + 4] = sim.state.nodes[i].queued;
      metrics[i * K + 5] = sim.backlogOf(i);
    }
    const from = this.resetPending ? 0 : this.sent;
    const count = this.historyT.length - from;
    const values = new Float32Array(count * N * K);
    for (let s = 0; s < count; s++) values.set(this.historyV[from + s], s * N * K);
    const fired = sim.state.fired;
    const evFrom = this.resetPending ? 0 : this.eventsSent;
    const events = fired.slice(evFrom).map((e) => ({ t: e.tick * sim.dtS, type: e.type, label: e.label, origin: e.origin, regions: e.regions }));
    const reset = this.resetPending;
    this.resetPending = false;
    const recipe = this.recipeChanged ? this.recipe() : undefined;
    this.recipeChanged = false;
    const score = this.scoreFresh || reset ? scoreOf(this.sim!) : undefined;
    this.scoreFresh = false;
    this.sent = this.historyT.length;
    this.eventsSent = fired.length;
    return {
      t: sim.time,
      clock: clockAt(sim.model, sim.time),
      done: sim.done,
      health,
      trouble: sim.state.trouble.now.slice(),
      metrics,
      flows: this.flowFrame(),
      samples: { t: Float64Array.from(this.historyT.slice(from)), values },
      reset,
      events,
      params: { ...sim.state.params },
      recipe,
      score,
    };
  }

  private recipe(): Recipe {
    const dt = this.sim!.dtS;
    return {
      seed: this.seed,
      params: { ...this.startParams },
      changes: this.changes.map((c) => ('action' in c ? { t: c.tick * dt, action: c.action } : { t: c.tick * dt, id: c.id, value: c.value })),
    };
  }

  private info(): ModelInfo {
    const { model, params } = this.loaded!;
    const p = this.sim!.state.params;
    return {
      id: model.id,
      title: model.title,
      description: model.description,
      durationS: this.sim!.durationTicks * model.dtS,
      dtS: model.dtS,
      clockStart: model.clock?.start ?? null,
      regions: model.regions.map((r) => ({ id: r.id, label: r.label, pair: r.pair, lat: r.lat, lon: r.lon })),
      services: model.services.map((s) => ({ id: s.id, label: s.label, description: s.description, door: s.door, family: s.family })),
      calls: model.calls.map((c) => ({ from: c.from, to: c.to })),
      capacityRps: this.sim!.topo.nodes.map((_, i) => this.sim!.capacityRps(i)),
      sources: model.sources.map((s) => ({ id: s.id, label: s.label, service: s.service })),
      flows: this.sim!.topo.flows.map((f) => {
        const t = this.sim!.topo;
        const to = t.nodes[f.home];
        const from = f.caller >= 0 ? t.serviceIds[t.nodes[f.caller].service] : `source:${model.sources[t.sources[f.source].def].id}`;
        return { region: t.regionIds[to.region], from, to: t.serviceIds[to.service] };
      }),
      sampleEveryS: this.everyTicks * model.dtS,
      params: [...params],
      timeline: model.timeline
        .map((e) => ({ t: eventSeconds(model, e.at, p), type: e.type, label: e.label ?? e.type, group: e.group, provenance: e.provenance }))
        .filter((e) => Number.isFinite(e.t)),
      focus: model.focus ?? null,
      texts: { hint: model.texts.hint },
      operator: { scaleoutDelayS: model.operator.scaleoutDelayS, rampS: model.operator.rampS, faultS: model.operator.faultS },
      whatIfs: model.whatIfs.map((w) => ({ ...w, params: w.params as Record<string, ParamValue> })),
      story: model.story.map((c) => {
        const t = eventSeconds(model, c.at, p);
        // A chapter's events cannot begin after its moment.
        const from = c.from === undefined ? t : Math.min(t, eventSeconds(model, c.from, p));
        return { ...c, t, from: Number.isFinite(from) ? from : t, params: c.params as Record<string, ParamValue> };
      }),
    };
  }
}

class RefusedError extends Error {}
