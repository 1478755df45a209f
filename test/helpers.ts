/** Shared helpers for tests: load built-in models and read runs the way a user would. */
import { BUILTIN_MODELS } from '../models/index.ts';
import { secondsAtTimeOfDay } from '../src/engine/clock.ts';
import { mustLoadModel, type LoadedModel } from '../src/engine/load-model.ts';
import { runScenario, type RunSpec } from '../src/engine/run.ts';
import type { SampleRow } from '../src/engine/sampler.ts';
import type { Simulation } from '../src/engine/simulation.ts';
import type { FiredEvent } from '../src/engine/state.ts';

const cache = new Map<string, LoadedModel>();

export function model(id: string): LoadedModel {
  if (!cache.has(id)) cache.set(id, mustLoadModel(BUILTIN_MODELS[id]));
  return cache.get(id)!;
}

export interface Run {
  rows: SampleRow[];
  /** The simulation as the run ended, and the events that fired. */
  sim: Simulation;
  events: FiredEvent[];
  spec: RunSpec;
  loaded: LoadedModel;
  /** The sample of `node` ("region/service") whose interval ends at or just after `t` (s or HH:MM). */
  at(node: string, t: number | string): SampleRow;
  /** Samples of `node` with t in [from, to]. */
  between(node: string, from: number | string, to: number | string): SampleRow[];
  /** The first time `node` is in `state` at or after `from`, or null. */
  firstTime(node: string, state: string, from?: number | string): number | null;
  seconds(t: number | string): number;
}

export function run(id: string, spec: RunSpec = {}): Run {
  const loaded = model(id);
  const result = runScenario(loaded, { everyS: 60, ...spec });
  const rows = result.samples.flat();
  const seconds = (t: number | string) => (typeof t === 'number' ? t : secondsAtTimeOfDay(loaded.model, t)!);
  const of = (node: string) => rows.filter((r) => `${r.region}/${r.service}` === node);
  return {
    rows,
    spec,
    loaded,
    sim: result.sim,
    events: result.events,
    seconds,
    at(node, t) {
      const s = seconds(t);
      const row = of(node).find((r) => r.t >= s - 1e-9);
      if (!row) throw new Error(`no sample of ${node} at ${t}`);
      return row;
    },
    between(node, from, to) {
      const a = seconds(from);
      const b = seconds(to);
      return of(node).filter((r) => r.t >= a && r.t <= b);
    },
    firstTime(node, state, from = 0) {
      const a = seconds(from);
      return of(node).find((r) => r.t >= a && r.state === state)?.t ?? null;
    },
  };
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
