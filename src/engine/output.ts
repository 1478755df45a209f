/** CSV and JSON renderings of a run's samples (the same columns in both). */
import { clockAt } from './clock.ts';
import type { LoadedModel } from './load-model.ts';
import { runScenario, type RunSpec } from './run.ts';
import { SAMPLE_COLUMNS, type SampleRow } from './sampler.ts';
import type { FiredEvent } from './state.ts';

/** Numbers to at most three decimals, no trailing zeros. */
export function num(x: number): number {
  return Math.round(x * 1000) / 1000 || 0;
}

function cell(v: string | number): string {
  if (typeof v === 'number') return String(num(v));
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvHeader(): string {
  return SAMPLE_COLUMNS.join(',') + '\n';
}

export function csvRows(rows: readonly SampleRow[]): string {
  let out = '';
  for (const r of rows) out += SAMPLE_COLUMNS.map((c) => cell(r[c])).join(',') + '\n';
  return out;
}

export function jsonRow(r: SampleRow): Record<string, string | number> {
  const o: Record<string, string | number> = {};
  for (const c of SAMPLE_COLUMNS) o[c] = typeof r[c] === 'number' ? num(r[c] as number) : r[c];
  return o;
}

export interface JsonEvent {
  t: number;
  clock: string;
  type: string;
  label: string;
  origin: string;
  regions: string[];
}

export function jsonEvent(e: FiredEvent, dtS: number, clock: (t: number) => string): JsonEvent {
  const t = num(e.tick * dtS);
  return { t, clock: clock(t), type: e.type, label: e.label, origin: e.origin, regions: e.regions };
}

/** A whole run rendered as `npm run simulate` prints it (CSV, or JSON with the timeline). */
export function renderRun(loaded: LoadedModel, spec: RunSpec, format: 'csv' | 'json'): string {
  const everyS = spec.everyS ?? 60;
  if (format === 'csv') {
    const out: string[] = [csvHeader()];
    runScenario(loaded, { ...spec, everyS }, (rows) => out.push(csvRows(rows)));
    return out.join('');
  }
  const samples: ReturnType<typeof jsonRow>[] = [];
  const r = runScenario(loaded, { ...spec, everyS }, (rows) => rows.forEach((row) => samples.push(jsonRow(row))));
  const events = r.events.map((e) => jsonEvent(e, r.sim.dtS, (t) => clockAt(loaded.model, t)));
  const doc = {
    model: loaded.model.id,
    seed: spec.seed ?? loaded.model.seed,
    params: r.sim.state.params,
    everyS,
    durationS: r.sim.durationTicks * r.sim.dtS,
    columns: Object.keys(samples[0] ?? {}),
    samples,
    events,
  };
  return JSON.stringify(doc) + '\n';
}
