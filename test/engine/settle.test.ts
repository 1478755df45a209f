/**
 * A healthy flow settles exactly: callers' view of success reaches 1, and nothing is left to
 * retry. (An average that only closes a share of its gap stops one rounding step short of 1,
 * which kept every recovered flow retrying 1e-15 of a request for the rest of the run.)
 */
import { describe, expect, it } from 'vitest';
import { follow } from '../../src/engine/flow.ts';
import { holdsBacklog, HOLD_WHILE_FAILING, RESUME_BELOW } from '../../src/engine/state.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { model } from '../helpers.ts';

describe('a caller’s view of success settles', () => {
  it('follow() reaches its target exactly, from either side, and never overshoots', () => {
    for (const [from, to] of [[0, 1], [0.5, 1], [1, 0], [0.3, 0.7]]) {
      let p = from;
      let steps = 0;
      while (p !== to && steps < 10_000) {
        const next = follow(p, to, 0.18);
        expect(Math.abs(to - next)).toBeLessThanOrEqual(Math.abs(to - p));
        p = next;
        steps++;
      }
      expect(p).toBe(to);
      expect(steps).toBeLessThan(200);
    }
  });

  it('a share one rounding step from 1 or 0 counts as 1 or 0', () => {
    expect(follow(1, 1 - Number.EPSILON / 2, 0.5)).toBe(1);
    expect(follow(0, 5e-324, 0.5)).toBe(0);
  });

  it('regions that recovered from the incident carry no retries and see exact success (04:30)', () => {
    const sim = new Simulation(model('azure-2026-02'));
    sim.runTo(11 * 3600);
    const quiet = ['westeurope', 'northeurope', 'southeastasia', 'eastasia'];
    const flows = sim.topo.flows.map((f, i) => ({ region: sim.topo.regionIds[sim.topo.nodes[f.home].region], s: sim.state.flows[i] }));
    const theirs = flows.filter((f) => quiet.includes(f.region));
    expect(theirs.length).toBeGreaterThan(10);
    for (const { s } of theirs) {
      expect(s.pOk).toBe(1);
      expect(s.pDone).toBe(1);
      expect(s.pRefused).toBe(0);
      expect(s.dueTotal).toBe(0);
    }
  });

  it('after the storm, East US and West US carry no retries and queue nothing (06:45): running totals of billions of requests do not leave a residue', () => {
    const sim = new Simulation(model('azure-2026-02'));
    sim.runTo(13.25 * 3600);
    const storm = ['eastus', 'westus'].map((r) => sim.topo.regionIds.indexOf(r));
    const identity = sim.topo.serviceIds.indexOf('identity');
    for (const r of storm) {
      const node = sim.topo.nodeIndex(r, identity);
      expect(sim.healthOf(node)).toBe('healthy');
      expect(sim.state.nodes[node].queued).toBe(0);
      for (const f of sim.topo.flows) if (sim.topo.nodes[f.home].region === r) expect(sim.state.flows[f.index].dueTotal, `flow ${f.index}`).toBe(0);
    }
    // Which lets the two regions be advanced calm again before the end of the run.
    expect(sim.calmShare).toBeGreaterThan(0.68);
  });

  it('an orchestrator whose failed share sits on the threshold keeps doing what it did, whatever the last rounding', () => {
    const walk = (start: number, shares: number[]) => shares.reduce((h, x) => holdsBacklog(h, x), start);
    const onTheLine = [0.5, 0.5 - Number.EPSILON / 4, 0.5, 0.49999999, 0.5 - 1e-12];
    expect(walk(1, onTheLine)).toBe(1);
    expect(walk(0, [0.3, 0.49, 0.499999])).toBe(0);
    expect(walk(0, [HOLD_WHILE_FAILING])).toBe(1);
    expect(walk(1, [RESUME_BELOW - 1e-9])).toBe(0);
    expect(RESUME_BELOW).toBeLessThan(HOLD_WHILE_FAILING);
  });
});
