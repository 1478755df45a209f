/**
 * Sweeps: a grid of whole runs over one or two parameters (and several seeds), each judged at one
 * service by the engine's own record of trouble (trouble.ts), from every step — so a cell is the
 * `simulate` run with the same settings. The grid's order is an interface: y outer, x inner, then
 * seed. Pure: the CLI's worker pool and the page's worker pool both run cells through `runCell`.
 */
import { describeAllowed, parseValue, type ParamDef, type ParamValue } from '../params/registry.ts';
import type { LoadedModel } from './load-model.ts';
import { num } from './output.ts';
import { focusService } from './score.ts';
import { Simulation } from './simulation.ts';
import { M } from './state.ts';
import { outcomeOf, troubleSecondsTo, type Outcome } from './trouble.ts';

/** Values on one axis: at most this many. */
export const MAX_AXIS_VALUES = 200;

/** One axis: a parameter and its values, in order, and the text that gave them (`FROM:TO:N`, a list, `*`). */
export interface Axis {
  id: string;
  values: ParamValue[];
  text: string;
}

/** A parameter change at a simulated time, as `--at` gives it. */
export interface SweepChange {
  atS: number;
  id: string;
  value: ParamValue | string;
}

/** Everything a sweep needs besides the model; plain data, so it crosses to workers as is. */
export interface SweepSpec {
  x: Axis;
  y: Axis | null;
  /** First seed, and how many seeds per cell (seed, seed + 1, …). */
  seed: number;
  seeds: number;
  /** Settings from the start (validated), besides the axes. */
  params: Record<string, ParamValue | string>;
  changes: SweepChange[];
  /** Run length in seconds; the model's own when absent. */
  durationS?: number;
  /** The service judged, "region/service". */
  service: string;
}

/** One run of the grid. */
export interface CellResult {
  x: ParamValue;
  y: ParamValue | null;
  seed: number;
  outcome: Outcome;
  /** Seconds in trouble, every episode. */
  troubleS: number;
  /** From the start of the first episode to the end of the last; null when ok or stuck. */
  recoveryS: number | null;
  /** Goodput ÷ demand over the last tenth of the run; null without demand. */
  goodputShare: number | null;
  /** Largest attempts ÷ first tries over any full 60 s window (trouble.ts). */
  peakAmplification: number;
  /** Requests served there after their caller had given up. */
  wasted: number;
}

export const SWEEP_COLUMNS = ['x', 'y', 'seed', 'outcome', 'trouble_s', 'recovery_s', 'goodput_share', 'peak_amplification', 'wasted'] as const;

/** Metrics a sweep can be coloured by (numeric columns plus the outcome). */
export type SweepMetric = 'outcome' | 'trouble_s' | 'recovery_s' | 'goodput_share' | 'peak_amplification' | 'wasted';
/** What a map can be coloured by: every column after the seed. */
export const SWEEP_METRICS: readonly SweepMetric[] = ['outcome', 'trouble_s', 'recovery_s', 'goodput_share', 'peak_amplification', 'wasted'];

type AxisParse = { ok: true; axis: Axis } | { ok: false; error: string };

/** A generated value without binary noise (0.1 + 0.2 is 0.3 here). */
const clean = (x: number) => Number(x.toPrecision(12));

/**
 * Parses an axis: `ID=FROM:TO:N` (N evenly spaced values, ends included), `ID=V1,V2,…` (a list;
 * `off` where the parameter allows it) or `ID=*` (every value of an enum). Every value goes
 * through the registry, so a value the parameter refuses is an error naming it.
 */
export function parseAxis(params: readonly ParamDef[], text: string, flag = '--x'): AxisParse {
  const eq = text.indexOf('=');
  if (eq <= 0) return { ok: false, error: `${flag} "${text}": expected ID=FROM:TO:N, ID=V1,V2,… or ID=* for an enum's values` };
  const id = text.slice(0, eq).trim();
  const body = text.slice(eq + 1).trim();
  const def = params.find((p) => p.id === id);
  if (!def) return { ok: false, error: `${flag}: unknown parameter "${id}"; the model has ${params.map((p) => p.id).join(', ')}` };
  let raw: string[];
  if (body === '*') {
    if (def.kind !== 'enum') return { ok: false, error: `${flag} ${id}=*: * sweeps an enum's values; ${id} takes ${describeAllowed(def)}: give FROM:TO:N or a list` };
    raw = [...def.options!];
  } else if (body.includes(':')) {
    if (def.kind === 'enum') return { ok: false, error: `${flag} ${id}=${body}: ${id} is an enum (${def.options!.join(', ')}); sweep its values with ${flag} ${id}=*` };
    const m = /^([^:]+):([^:]+):([^:]+)$/.exec(body);
    if (!m) return { ok: false, error: `${flag} ${id}=${body}: expected FROM:TO:N` };
    // The ends are read as every other value is (decimal only, finite, within the parameter's
    // range), so the values between them are finite too.
    const ends: number[] = [];
    for (const [name, end] of [['FROM', m[1]], ['TO', m[2]]] as const) {
      const p = parseValue(def, end);
      if (!p.ok || typeof p.value !== 'number') {
        const list = p.ok ? `; off goes in a list, e.g. ${flag} ${id}=off,V1,V2` : '';
        return { ok: false, error: `${flag} ${id}=${body}: ${name} "${end.trim()}" is not allowed; ${id} takes ${describeAllowed(def)}${list}` };
      }
      ends.push(p.value);
    }
    const [from, to] = ends;
    const n = Number(m[3]);
    if (!/^\d+$/.test(m[3].trim()) || n < 1 || n > MAX_AXIS_VALUES) {
      return { ok: false, error: `${flag} ${id}=${body}: N must be a whole number from 1 to ${MAX_AXIS_VALUES}` };
    }
    // The ends as given; between them, never past either end by rounding.
    const [lo, hi] = [Math.min(from, to), Math.max(from, to)];
    const at = (k: number) => (k === 0 ? from : k === n - 1 ? to : Math.min(hi, Math.max(lo, clean(from + ((to - from) * k) / (n - 1)))));
    raw = Array.from({ length: n }, (_, k) => String(at(k)));
  } else {
    raw = body.split(',').map((s) => s.trim());
    if (raw.length > MAX_AXIS_VALUES) return { ok: false, error: `${flag} ${id}: at most ${MAX_AXIS_VALUES} values` };
  }
  const values: ParamValue[] = [];
  for (const r of raw) {
    const p = parseValue(def, r);
    if (!p.ok) return { ok: false, error: `${flag}: ${p.error}` };
    values.push(p.value);
  }
  return { ok: true, axis: { id, values, text: `${id}=${body}` } };
}

/** How many runs a sweep has: values on x × values on y × seeds. */
export function runCount(spec: Pick<SweepSpec, 'x' | 'y' | 'seeds'>): number {
  return spec.x.values.length * (spec.y ? spec.y.values.length : 1) * spec.seeds;
}

/** Where run `index` sits in the grid: y outer, x inner, then seed. */
export function cellAt(spec: Pick<SweepSpec, 'x' | 'y' | 'seeds'>, index: number): { xi: number; yi: number; si: number } {
  const nx = spec.x.values.length;
  return { si: index % spec.seeds, xi: Math.floor(index / spec.seeds) % nx, yi: Math.floor(index / (spec.seeds * nx)) };
}

/**
 * The runs a shard does: those of the grid's cells (points, each with its K seeds) whose index in
 * grid order is `shard − 1` modulo `shards` (1-based shard), in grid order.
 */
export function shardIndexes(spec: Pick<SweepSpec, 'x' | 'y' | 'seeds'>, shard = 1, shards = 1): number[] {
  const out: number[] = [];
  const cells = runCount(spec) / spec.seeds;
  for (let c = shard - 1; c < cells; c += shards) for (let s = 0; s < spec.seeds; s++) out.push(c * spec.seeds + s);
  return out;
}

/** The service a model is judged by, as "region/service". */
export function defaultService(loaded: LoadedModel): string {
  const m = loaded.model;
  const svc = m.services[focusService({ model: m } as Pick<Simulation, 'model'>)];
  return `${m.focus?.region ?? m.regions[0].id}/${svc.id}`;
}

/** Every "region/service" of a model. */
export function serviceIds(loaded: LoadedModel): string[] {
  return loaded.model.regions.flatMap((r) => loaded.model.services.map((s) => `${r.id}/${s.id}`));
}

/** The settings of one run of the grid: the sweep's own, then the axes' values. */
export function cellParams(spec: SweepSpec, index: number): { params: Record<string, ParamValue | string>; seed: number } {
  const { xi, yi, si } = cellAt(spec, index);
  const params = { ...spec.params, [spec.x.id]: spec.x.values[xi] };
  if (spec.y) params[spec.y.id] = spec.y.values[yi];
  return { params, seed: spec.seed + si };
}

/**
 * Runs one cell to the end, applying changes as `runScenario` does (before the step of their
 * tick), and reads its figures from the run's own record.
 */
export function runCell(loaded: LoadedModel, spec: SweepSpec, index: number): CellResult {
  const { xi, yi } = cellAt(spec, index);
  const { params, seed } = cellParams(spec, index);
  // Only the judged service's trouble is read: the others' is not worked out.
  const sim = new Simulation(loaded, { seed, durationS: spec.durationS, params, judged: [spec.service] });
  const node = sim.topo.nodes.findIndex((n) => n.id === spec.service);
  if (node < 0) throw new Error(`no service ${spec.service}`);
  const N = sim.topo.nodes.length;
  const changes = spec.changes
    .map((c) => ({ ...c, tick: Math.round(c.atS / sim.dtS) }))
    .sort((a, b) => a.tick - b.tick);
  const tenth = Math.round(sim.durationTicks * 0.9);
  const cum = sim.state.cum;
  let demand0 = 0;
  let goodput0 = 0;
  let next = 0;
  while (!sim.done) {
    const t = sim.state.tick;
    if (t === tenth) {
      demand0 = cum[M.demand * N + node];
      goodput0 = cum[M.goodput * N + node];
    }
    while (next < changes.length && changes[next].tick <= t) {
      sim.setParam(changes[next].id, changes[next].value);
      next++;
    }
    // Only the last tenth's start and the changes are read between steps: advance straight there.
    const nextChange = next < changes.length ? Math.max(t + 1, changes[next].tick) : Infinity;
    sim.advance(Math.min(nextChange, t < tenth ? tenth : Infinity) - t);
  }
  if (sim.state.tick === tenth) {
    demand0 = cum[M.demand * N + node];
    goodput0 = cum[M.goodput * N + node];
  }
  const tr = sim.state.trouble;
  const outcome = outcomeOf(tr, node);
  const demand = cum[M.demand * N + node] - demand0;
  const goodput = cum[M.goodput * N + node] - goodput0;
  return {
    x: spec.x.values[xi],
    y: spec.y ? spec.y.values[yi] : null,
    seed,
    outcome,
    troubleS: troubleSecondsTo(tr, node, sim.time),
    recoveryS: outcome === 'recovered' ? tr.lastEnd[node] - tr.firstAt[node] : null,
    goodputShare: demand > 1e-9 ? goodput / demand : null,
    peakAmplification: tr.peakAmp[node],
    wasted: cum[M.wasted * N + node],
  };
}

/** A cell's value of a numeric metric (null where it has none). */
export function metricOf(r: CellResult, metric: Exclude<SweepMetric, 'outcome'>): number | null {
  switch (metric) {
    case 'trouble_s':
      return r.troubleS;
    case 'recovery_s':
      return r.recoveryS;
    case 'goodput_share':
      return r.goodputShare;
    case 'peak_amplification':
      return r.peakAmplification;
    case 'wasted':
      return r.wasted;
  }
}

const text = (v: ParamValue | null) => (v === null ? '' : typeof v === 'number' ? String(num(v)) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const opt = (v: number | null) => (v === null ? '' : String(num(v)));

export function sweepCsvHeader(): string {
  return SWEEP_COLUMNS.join(',') + '\n';
}

/** One CSV row, numbers as `simulate` prints them. */
export function sweepCsvRow(r: CellResult): string {
  return [text(r.x), text(r.y), String(r.seed), r.outcome, opt(r.troubleS), opt(r.recoveryS), opt(r.goodputShare), opt(r.peakAmplification), opt(r.wasted)].join(',') + '\n';
}

/** One row as JSON, with the CSV's columns and numbers. */
export function sweepJsonRow(r: CellResult): Record<string, ParamValue | null> {
  const n = (v: number | null) => (v === null ? null : num(v));
  return {
    x: typeof r.x === 'number' ? num(r.x) : r.x,
    y: typeof r.y === 'number' ? num(r.y) : r.y,
    seed: r.seed,
    outcome: r.outcome,
    trouble_s: n(r.troubleS),
    recovery_s: n(r.recoveryS),
    goodput_share: n(r.goodputShare),
    peak_amplification: n(r.peakAmplification),
    wasted: n(r.wasted),
  };
}

/** The whole grid (or a shard's part, in grid order) as `npm run sweep` prints it. */
export function sweepCsv(rows: readonly CellResult[]): string {
  return sweepCsvHeader() + rows.map(sweepCsvRow).join('');
}

/** The equivalent command line, for people who want the same map headless. */
export function sweepCommand(modelId: string, spec: SweepSpec, defaultSeed: number, defaultServiceId: string): string {
  const q = (s: string) => (/^[\w.=:,/*@+-]+$/.test(s) ? (s.includes('*') ? `'${s}'` : s) : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['npm run sweep --', '--model', q(modelId), '--x', q(spec.x.text)];
  if (spec.y) parts.push('--y', q(spec.y.text));
  for (const [id, v] of Object.entries(spec.params)) parts.push('--set', q(`${id}=${v}`));
  for (const c of spec.changes) parts.push('--at', q(`${c.atS}:${c.id}=${c.value}`));
  if (spec.seed !== defaultSeed) parts.push('--seed', String(spec.seed));
  if (spec.seeds !== 1) parts.push('--seeds', String(spec.seeds));
  if (spec.durationS !== undefined) parts.push('--duration', String(spec.durationS));
  if (spec.service !== defaultServiceId) parts.push('--service', q(spec.service));
  return parts.join(' ');
}
