/**
 * The map in the link: `sweep=x=ID=VALUES;y=ID=VALUES;by=METRIC;seeds=K` (y optional), read
 * and written here; the axes are checked against the model's registry when the map runs.
 */
import { SWEEP_METRICS, type SweepMetric } from '../engine/sweep.ts';

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
