/** What the map offers first: presets per model, and values for a parameter picked for an axis. */
import type { SweepMetric } from '../engine/sweep.ts';
import type { ParamDef } from '../params/registry.ts';

/**
 * Sensible maps per model: x, y, and what to colour by. On the incident the scripted operators end
 * the storm at every point of these maps (each is ok or recovered by 07:00), so an outcome map
 * tells little there: what the settings change is how long identity stays in trouble.
 */
export const SWEEP_PRESETS: Record<string, { label: string; x: string; y: string; metric: SweepMetric }[]> = {
  'single-service': [
    { label: 'Load × trigger length', x: 'load=100:1500:15', y: 'trigger.duration=0:60:13', metric: 'outcome' },
    { label: 'Retries × client timeout', x: 'retry.attempts=0:6:7', y: 'timeout=2:40:20', metric: 'outcome' },
    { label: 'Trigger size × length', x: 'trigger.capacity=0:90:10', y: 'trigger.duration=0:90:10', metric: 'outcome' },
  ],
  'azure-2026-02': [
    { label: 'Retries × failover', x: 'retry.attempts=0:4:5', y: 'failover=0:100:5', metric: 'trouble_s' },
    { label: 'Per-caller quota × blocked work resumes', x: 'identity.quota=off,10,20,40,60,80,100', y: 'recovery.release=*', metric: 'trouble_s' },
    { label: 'Retry budget × jitter', x: 'retry.budget=off,0,5,10,20,50', y: 'retry.jitter=*', metric: 'trouble_s' },
  ],
};

/** Values to offer when a parameter is picked for an axis. */
export function suggestValues(def: ParamDef): string {
  if (def.kind === 'enum') return '*';
  const min = def.min!;
  const max = Math.min(def.max!, Math.max(min + (def.step ?? 1) * 9, typeof def.default === 'number' ? def.default * 2 : min + 10 * (def.step ?? 1)));
  const step = def.step ?? 1;
  const n = Math.min(10, Math.floor((max - min) / step) + 1);
  const span = Math.floor((max - min) / step / Math.max(1, n - 1)) * step;
  const values = Array.from({ length: n }, (_, k) => Math.round((min + k * span) * 1e9) / 1e9);
  const list = values.join(',');
  return def.off ? `off,${list}` : list;
}
