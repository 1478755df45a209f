/**
 * The scoreboard of a run, computed from the run itself so every what-if and every operator choice
 * gets one: when the protected service got into trouble and when it was healthy for good, minutes
 * each service was down or overloaded in each region, peak amplification, wasted work, and the
 * calls of bystanders that failed.
 */
import type { LoadedModel } from './load-model.ts';
import { runScenario, type RunSpec } from './run.ts';
import type { Simulation } from './simulation.ts';
import { M } from './state.ts';

export interface Score {
  /** Seconds from the start when the protected service first left `healthy`, or null. */
  troubleAt: number | null;
  /** Seconds from the start since when it has been healthy again (to now), or null if it is not. */
  recoveredAt: number | null;
  /** Minutes each node spent `down` or `overloaded`, by node id ("eastus/identity"). */
  outageMinutes: Record<string, number>;
  /** Largest offered ÷ new demand seen at the protected service in any region. */
  peakAmplification: number;
  /** Requests served after their caller had given up, all services. */
  wasted: number;
  /** Bystander requests that failed (served, but their token call failed). */
  bystanderFailures: number;
  /** Seconds of the run scored. */
  scoredS: number;
}

export interface ScorerState {
  troubleAt: number | null;
  healthySince: number | null;
  outageS: Float64Array;
  peak: number;
  prev: Float64Array;
  prevT: number;
}

/** Follows a run, sample by sample (call `observe` at a fixed interval); `score()` any time. */
export class Scorer {
  private readonly door: number;
  private readonly bystanders: number;
  private troubleAt: number | null = null;
  /** Since when the protected service has been healthy everywhere (null: not healthy now). */
  private healthySince: number | null = 0;
  private readonly outageS: Float64Array;
  private peak = 1;
  private prev: Float64Array;
  private prevT: number;

  constructor(private sim: Simulation) {
    const ids = sim.topo.serviceIds;
    const doorIndex = sim.model.services.findIndex((s) => s.door);
    this.door = doorIndex >= 0 ? doorIndex : ids.length - 1;
    this.bystanders = ids.indexOf('bystanders');
    this.outageS = new Float64Array(sim.topo.nodes.length);
    this.prev = sim.state.cum.slice();
    this.prevT = sim.time;
  }

  /** Follows another simulation of the same model from now on (after a restore). */
  follow(sim: Simulation): void {
    this.sim = sim;
  }

  observe(): void {
    const sim = this.sim;
    const N = sim.topo.nodes.length;
    const cum = sim.state.cum;
    const span = sim.time - this.prevT;
    if (span <= 0) return;
    let doorHealthy = true;
    for (let i = 0; i < N; i++) {
      const state = sim.healthOf(i);
      if (state === 'down' || state === 'overloaded') this.outageS[i] += span;
      if (sim.topo.nodes[i].service === this.door) {
        if (state !== 'healthy') {
          this.troubleAt ??= sim.time;
          doorHealthy = false;
        }
        const demand = cum[M.demand * N + i] - this.prev[M.demand * N + i];
        const offered = cum[M.offered * N + i] - this.prev[M.offered * N + i];
        if (demand > 1e-6 && offered / demand > this.peak) this.peak = offered / demand;
      }
    }
    if (!doorHealthy) this.healthySince = null;
    else this.healthySince ??= sim.time;
    this.prev.set(cum);
    this.prevT = sim.time;
  }

  /** The scorer's state, to keep with a snapshot of the run. */
  save(): ScorerState {
    return { troubleAt: this.troubleAt, healthySince: this.healthySince, outageS: this.outageS.slice(), peak: this.peak, prev: this.prev.slice(), prevT: this.prevT };
  }

  load(s: ScorerState): void {
    this.troubleAt = s.troubleAt;
    this.healthySince = s.healthySince;
    this.outageS.set(s.outageS);
    this.peak = s.peak;
    this.prev = s.prev.slice();
    this.prevT = s.prevT;
  }

  score(): Score {
    const sim = this.sim;
    const N = sim.topo.nodes.length;
    const cum = sim.state.cum;
    const outageMinutes: Record<string, number> = {};
    let wasted = 0;
    let bystanderFailures = 0;
    sim.topo.nodes.forEach((node, i) => {
      outageMinutes[node.id] = Math.round(this.outageS[i] / 60);
      wasted += cum[M.wasted * N + i];
      if (node.service === this.bystanders) bystanderFailures += cum[M.failed * N + i];
    });
    return {
      troubleAt: this.troubleAt,
      recoveredAt: this.troubleAt === null ? null : this.healthySince,
      outageMinutes,
      peakAmplification: this.peak,
      wasted,
      bystanderFailures,
      scoredS: sim.time,
    };
  }
}

/** Total outage minutes of the protected service over all regions. */
export function doorOutageMinutes(score: Score, doorService: string): number {
  return Object.entries(score.outageMinutes)
    .filter(([id]) => id.endsWith(`/${doorService}`))
    .reduce((a, [, m]) => a + m, 0);
}

const hm = (s: number) => {
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
};

/**
 * One line saying what a change did, measured from two scored runs of the same model: whether the
 * protected service got into trouble, when it recovered, how long it was out, what bystanders saw.
 */
export function verdict(base: Score, changed: Score, serviceLabel: string, doorService: string): string {
  const parts: string[] = [];
  if (base.troubleAt !== null && changed.troubleAt === null) parts.push(`${serviceLabel} never gets into trouble`);
  else if (base.troubleAt === null && changed.troubleAt !== null) parts.push(`${serviceLabel} gets into trouble where it did not before`);
  if (base.troubleAt !== null && changed.troubleAt !== null) {
    if (base.recoveredAt !== null && changed.recoveredAt !== null) {
      const d = base.recoveredAt - changed.recoveredAt;
      if (Math.abs(d) >= 60) parts.push(`the outage ends ${hm(Math.abs(d))} ${d > 0 ? 'earlier' : 'later'}`);
      else parts.push('it recovers at the same time');
    } else if (base.recoveredAt === null && changed.recoveredAt !== null) parts.push('it recovers, where it did not before');
    else if (base.recoveredAt !== null && changed.recoveredAt === null) parts.push('it no longer recovers before the end');
    else parts.push('it still has not recovered at the end');
  }
  const a = doorOutageMinutes(base, doorService);
  const b = doorOutageMinutes(changed, doorService);
  if (a !== b) parts.push(`${b} instead of ${a} minutes of ${serviceLabel} outage across regions`);
  const fa = base.bystanderFailures;
  const fb = changed.bystanderFailures;
  if (fa > 0 || fb > 0) {
    if (fb < fa * 0.99) parts.push(`bystander failures fall ${Math.round((100 * (fa - fb)) / Math.max(1, fa))} %`);
    else if (fb > fa * 1.01) parts.push(`bystander failures rise ${Math.round((100 * (fb - fa)) / Math.max(1, fa))} %`);
  }
  if (parts.length === 0) return 'no measurable difference';
  const text = parts.join('; ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}

/** Scores a whole run, sampled every `everyS` seconds. */
export function scoreRun(loaded: LoadedModel, spec: RunSpec): Score {
  let scorer: Scorer | null = null;
  runScenario(
    loaded,
    spec,
    () => scorer!.observe(),
    (sim) => (scorer = new Scorer(sim)),
  );
  return scorer!.score();
}
