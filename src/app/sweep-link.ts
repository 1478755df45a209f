/**
 * The map in the link: `sweep=x=ID=VALUES;y=ID=VALUES;by=METRIC;seeds=K` (y optional), read
 * and written here; the axes are checked against the model's registry when the map runs.
 */
import { workOf } from '../engine/load-model.ts';
import type { Model } from '../engine/model.ts';
import { SWEEP_METRICS, type SweepMetric } from '../engine/sweep.ts';
import { formatCount } from '../view/format.ts';

/** A map from a link runs by itself up to this many runs… */
export const LINK_AUTORUN_RUNS = 1000;
/** …and this many node updates (runs × steps × services in every region): a shared link does not spend a reader's CPU without asking. */
export const LINK_AUTORUN_UPDATES = 20e6;

/** Why a map from a link waits for Run (a sentence ending in "press Run to start it."), or null if it runs by itself. */
export function linkMapWaits(runs: number, model: Model): string | null {
  const w = workOf(model);
  const updates = runs * w.steps * w.nodes;
  if (runs <= LINK_AUTORUN_RUNS && updates <= LINK_AUTORUN_UPDATES) return null;
  const big = updates > LINK_AUTORUN_UPDATES ? `, ${Number((updates / 1e6).toPrecision(3))} million node updates` : '';
  return `This map takes ${formatCount(runs)} runs${big}: press Run to start it.`;
}

export interface SweepKey {
  x: string;
  y: string | null;
  metric: SweepMetric;
  seeds: number;
}

export function encodeSweepKey(k: SweepKey): string {
  return [`x=${k.x}`, ...(k.y ? [`y=${k.y}`] : []), `by=${k.metric}`, `seeds=${k.seeds}`].join(';');
}

/** The key, or null when it cannot be read. */
export function decodeSweepKey(text: string): SweepKey | null {
  const f = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    f.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const x = f.get('x');
  const metric = f.get('by') ?? 'outcome';
  const seeds = Number(f.get('seeds') ?? '1');
  if (!x || !SWEEP_METRICS.includes(metric as SweepMetric) || !Number.isInteger(seeds) || seeds < 1 || seeds > 10) return null;
  return { x, y: f.get('y') ?? null, metric: metric as SweepMetric, seeds };
}
