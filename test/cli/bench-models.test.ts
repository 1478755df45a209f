/**
 * The models `npm run bench` measures cost against must be the runs they claim to be: the cost of
 * "4× the regions" means nothing if the copies sit out the storm.
 */
import { describe, expect, it } from 'vitest';
import { atScale, withRegions } from '../../src/cli/bench-models.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { model } from '../helpers.ts';

describe('the benchmark models', () => {
  it('every copy of the incident regions lives the same incident: the same minutes in trouble, service by service, to the minutes the rollout takes to reach a region\'s copies', () => {
    const base = new Simulation(withRegions(model('azure-2026-02').model, 1));
    base.advance(Infinity);
    const copied = new Simulation(withRegions(model('azure-2026-02').model, 3));
    copied.advance(Infinity);
    const N = base.topo.nodes.length;
    expect(copied.topo.nodes.length).toBe(3 * N);
    const minutes = (sim: Simulation, from: number) => Array.from({ length: N }, (_, i) => Math.round(sim.state.trouble.seconds[from + i] / 60));
    const original = minutes(base, 0);
    // East US's identity service is in trouble for hours in the incident.
    expect(Math.max(...original)).toBeGreaterThan(300);
    for (let c = 0; c < 3; c++) {
      const copy = minutes(copied, c * N);
      // The rollout reaches a region's three copies a stage apart (a third of the original stage).
      const lag = Math.ceil((2 * copied.model.rollout!.stageIntervalS) / 60) + 1;
      expect(copy.map((m, i) => Math.abs(m - original[i]) <= lag)).toEqual(original.map(() => true));
    }
  });

  it('single-service at a thousand times the load and capacity goes through the same storm', () => {
    const minutesIn = (factor: number) => {
      const sim = new Simulation(atScale(model('single-service').model, factor), { durationS: 3600 });
      sim.advance(Infinity);
      return Math.round(sim.state.trouble.seconds[0] / 60);
    };
    expect(minutesIn(1)).toBeGreaterThan(0);
    expect(minutesIn(1000)).toBe(minutesIn(1));
  });
});
