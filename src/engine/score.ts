/**
 * The scoreboard of a run and the verdict of a what-if, both read from the engine's own record of
 * who was in trouble and when (trouble.ts) — one definition everywhere, judged at every control
 * step, never from samples. A verdict covers every service family the model reports (VM
 * operations, AKS, runners, bystanders, Managed Identity…), not only the service at the front door.
 */
import type { LoadedModel } from './load-model.ts';
import { runScenario, type RunSpec } from './run.ts';
import type { Simulation } from './simulation.ts';
import { pendingByNode } from './audit.ts';
import { M } from './state.ts';
import { troubleSecondsTo } from './trouble.ts';

/** One service family across every region. */
export interface FamilyScore {
  service: string;
  label: string;
  /** Seconds from the start when any region of it first got into trouble, or null. */
  troubleAt: number | null;
  /** Seconds from the start when its last region got out of trouble, or null (never in trouble, or still in). */
  recoveredAt: number | null;
  /** In trouble now, in at least one region. */
  stuck: boolean;
  /** Minutes in trouble, summed over regions. */
  minutes: number;
  /** Regions that were ever in trouble. */
  regions: string[];
  /** Calls that failed there: served but failed by a dependency, rejected, errored, or timed out. */
  failed: number;
  /** Work items entering there that their callers gave up for good. */
  abandoned: number;
  /**
   * The ledger of the work its sources ask of it (audit.ts): items asked for (new work), completed,
   * and pending (parked, or in flight) now; asked = completed + abandoned + pending. All 0 for a
   * service no source asks directly (its work is its callers' calls).
   */
  asked: number;
  completed: number;
  pending: number;
  /** Largest attempts ÷ new demand over any 60 s window, worst region. */
  peakAmplification: number;
}

export interface Score {
  /** The service the model is judged by (its `focus`, else its front door). */
  focus: string;
  /** The focus service's family figures, repeated here for the scoreboard's headline. */
  troubleAt: number | null;
  recoveredAt: number | null;
  /** Minutes each node was in trouble, by node id ("eastus/identity"). */
  outageMinutes: Record<string, number>;
  /** Largest amplification at the focus service, worst region. */
  peakAmplification: number;
  /** Requests served after their caller had given up, all services. */
  wasted: number;
  /** Work items given up for good, all services. */
  abandoned: number;
  /** Every family the model reports, in the model's order. */
  families: FamilyScore[];
  /** Seconds of the run scored, and how many regions the model has. */
  scoredS: number;
  regionCount: number;
}

/** The service a model is judged by: its `focus`, else its front door, else its last service. */
export function focusService(sim: Pick<Simulation, 'model'>): number {
  const m = sim.model;
  if (m.focus) return m.services.findIndex((s) => s.id === m.focus!.service);
  const door = m.services.findIndex((s) => s.door);
  return door >= 0 ? door : m.services.length - 1;
}

/** Services the scoreboard reports: those with a `family` name, else the focus service alone. */
export function familyServices(sim: Pick<Simulation, 'model'>): number[] {
  const fams = sim.model.services.flatMap((s, i) => (s.family ? [i] : []));
  return fams.length > 0 ? fams : [focusService(sim)];
}

/** The score of a run so far, from its own record. */
export function scoreOf(sim: Simulation): Score {
  const N = sim.topo.nodes.length;
  const cum = sim.state.cum;
  const tr = sim.state.trouble;
  const now = sim.time;
  const outageMinutes: Record<string, number> = {};
  let wasted = 0;
  let abandoned = 0;
  sim.topo.nodes.forEach((node, i) => {
    outageMinutes[node.id] = d3Round(troubleSecondsTo(tr, i, now) / 60, 1);
    wasted += cum[M.wasted * N + i];
    abandoned += cum[M.abandoned * N + i];
  });
  const pending = pendingByNode(sim);
  const family = (svc: number): FamilyScore => {
    const def = sim.model.services[svc];
    const f: FamilyScore = {
      service: def.id, label: def.family ?? def.label, troubleAt: null, recoveredAt: null, stuck: false, minutes: 0,
      regions: [], failed: 0, abandoned: 0, asked: 0, completed: 0, pending: 0, peakAmplification: 1,
    };
    let lastEnd = -Infinity;
    for (const i of sim.topo.nodesByService[svc]) {
      const first = tr.firstAt[i];
      if (first === first) {
        f.troubleAt = f.troubleAt === null ? first : Math.min(f.troubleAt, first);
        f.regions.push(sim.topo.regionIds[sim.topo.nodes[i].region]);
      }
      if (tr.now[i] === 1) f.stuck = true;
      if (tr.lastEnd[i] === tr.lastEnd[i]) lastEnd = Math.max(lastEnd, tr.lastEnd[i]);
      f.minutes += troubleSecondsTo(tr, i, now) / 60;
      f.failed += cum[M.failed * N + i] + cum[M.rejected * N + i] + cum[M.errored * N + i] + cum[M.timedOut * N + i];
      f.abandoned += cum[M.abandoned * N + i];
      f.asked += cum[M.asked * N + i];
      f.completed += cum[M.completed * N + i];
      f.pending += pending[i];
      f.peakAmplification = Math.max(f.peakAmplification, tr.peakAmp[i]);
    }
    f.minutes = d3Round(f.minutes, 1);
    if (f.troubleAt !== null && !f.stuck) f.recoveredAt = lastEnd;
    return f;
  };
  const focus = focusService(sim);
  const head = family(focus);
  const focusRegion = sim.model.focus?.region ?? sim.topo.regionIds[0];
  return {
    focus: `${focusRegion}/${sim.model.services[focus].id}`,
    troubleAt: head.troubleAt,
    recoveredAt: head.recoveredAt,
    outageMinutes,
    peakAmplification: head.peakAmplification,
    wasted,
    abandoned,
    families: familyServices(sim).map(family),
    scoredS: now,
    regionCount: sim.topo.regionIds.length,
  };
}

/** Total minutes in trouble of one service over all regions. */
export function doorOutageMinutes(score: Score, service: string): number {
  return d3Round(
    Object.entries(score.outageMinutes)
      .filter(([id]) => id.endsWith(`/${service}`))
      .reduce((a, [, m]) => a + m, 0),
    1,
  );
}

const d3Round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const hm = (s: number) => {
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
};
const mins = (m: number) => `${Math.round(m)} min`;

/** One family's part of a verdict, so the page can show the chart that shows it. */
export interface VerdictPart {
  service: string;
  label: string;
  /** Regions where the difference shows (in trouble in either run). */
  regions: string[];
  text: string;
}

export interface Verdict {
  text: string;
  parts: VerdictPart[];
}

/** What one family's change amounts to, or null when nothing measurable changed. */
function familyVerdict(a: FamilyScore, b: FamilyScore, regions: number): string | null {
  const summed = regions > 1 ? ', summed over regions' : '';
  if (a.troubleAt === null && b.troubleAt === null) return null;
  if (a.troubleAt !== null && b.troubleAt === null) return `never in trouble (instead of ${mins(a.minutes)}${summed})`;
  if (a.troubleAt === null && b.troubleAt !== null) return `in trouble where it was not before (${mins(b.minutes)}${summed})`;
  const parts: string[] = [];
  if (a.stuck && !b.stuck) parts.push(`out of trouble before the end, where it was not`);
  else if (!a.stuck && b.stuck) parts.push(`no longer out of trouble before the end`);
  else if (a.stuck && b.stuck) parts.push(`still in trouble at the end`);
  else {
    const d = a.recoveredAt! - b.recoveredAt!;
    if (Math.abs(d) >= 60) parts.push(`out of trouble ${hm(Math.abs(d))} ${d > 0 ? 'earlier' : 'later'}`);
  }
  if (Math.abs(a.minutes - b.minutes) >= 1) parts.push(`${mins(b.minutes)} instead of ${mins(a.minutes)} in trouble${summed}`);
  if (parts.length === 0) return null;
  return parts.join('; ');
}

/**
 * What a change did, measured from two scored runs of the same model: for each family the model
 * reports, whether it got into trouble, when it got out, and for how long.
 */
export function verdict(base: Score, changed: Score): Verdict {
  const parts: VerdictPart[] = [];
  for (const a of base.families) {
    const b = changed.families.find((f) => f.service === a.service);
    if (!b) continue;
    const text = familyVerdict(a, b, base.regionCount);
    if (text) parts.push({ service: a.service, label: a.label, regions: [...new Set([...a.regions, ...b.regions])], text });
  }
  if (parts.length === 0) return { text: 'No measurable difference.', parts };
  const text = parts.map((p) => `${p.label}: ${p.text}.`).join(' ');
  return { text, parts };
}

/** Scores a whole run. */
export function scoreRun(loaded: LoadedModel, spec: RunSpec): Score {
  // The score is kept by the engine at every step: no samples are needed on the way.
  const r = runScenario(loaded, { ...spec, everyS: Math.max(spec.durationS ?? 0, loaded.model.durationS) }, () => {});
  return scoreOf(r.sim);
}
