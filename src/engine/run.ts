/**
 * A whole run, headless: a model, a seed, parameter settings and changes at given times, sampled at
 * a fixed interval. The CLI, the tests, the benchmark and exports all run the engine through this.
 */
import type { ParamValue } from '../params/registry.ts';
import { nextMultiple } from './clock.ts';
import type { LoadedModel } from './load-model.ts';
import type { Action } from './model.ts';
import { Sampler, type SampleRow } from './sampler.ts';
import { Simulation, type SimOptions } from './simulation.ts';
import type { FiredEvent } from './state.ts';

/** A parameter change or an operator action at a simulated time, as a user would make it mid-run. */
export type TimedChange = { atS: number; id: string; value: ParamValue | string } | { atS: number; action: Action };

export interface RunSpec extends SimOptions {
  changes?: TimedChange[];
  /** Sample interval in seconds (rounded to whole steps). */
  everyS?: number;
}

export interface RunResult {
  samples: SampleRow[][];
  events: FiredEvent[];
  sim: Simulation;
}

/** Runs to the end, calling `onSample` with each interval's rows (or collecting them). */
export function runScenario(
  loaded: LoadedModel,
  spec: RunSpec,
  onSample?: (rows: SampleRow[], sim: Simulation) => void,
  onStart?: (sim: Simulation) => void,
): RunResult {
  const sim = new Simulation(loaded, spec);
  onStart?.(sim);
  const everyTicks = Math.max(1, Math.round((spec.everyS ?? 60) / sim.dtS));
  const changes = [...(spec.changes ?? [])]
    .map((c) => ({ ...c, tick: Math.round(c.atS / sim.dtS) }))
    .sort((a, b) => a.tick - b.tick);
  const sampler = new Sampler(sim);
  const samples: SampleRow[][] = [];
  let next = 0;
  while (!sim.done) {
    const t = sim.state.tick;
    while (next < changes.length && changes[next].tick <= t) {
      const c = changes[next];
      if ('action' in c) sim.act(c.action);
      else sim.setParam(c.id, c.value);
      next++;
    }
    // Nothing is read between a sample and the next change or sample: advance straight there.
    const nextChange = next < changes.length ? Math.max(t + 1, changes[next].tick) : Infinity;
    sim.advance(Math.min(nextChange, nextMultiple(t, everyTicks)) - t);
    if (sim.state.tick % everyTicks === 0 || sim.done) {
      const rows = sampler.sample();
      if (onSample) onSample(rows, sim);
      else samples.push(rows);
    }
  }
  return { samples, events: sim.state.fired, sim };
}
