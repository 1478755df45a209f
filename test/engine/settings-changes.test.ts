/**
 * Settings changed in the middle of a run, as a user dragging a slider would: nothing is lost or
 * stranded, and the run goes on as the new settings say.
 */
import { describe, expect, it } from 'vitest';
import { auditFlows, auditNodes } from '../../src/engine/audit.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { model } from '../helpers.ts';

function expectConserved(sim: Simulation): void {
  for (const a of auditNodes(sim)) expect(Math.abs(a.offered - a.accounted), a.node).toBeLessThanOrEqual(1e-6 * Math.max(1, a.offered));
  for (const a of auditFlows(sim)) expect(Math.abs(a.created - a.accounted), a.flow).toBeLessThanOrEqual(1e-6 * Math.max(1, a.created));
}

function ringTotal(sim: Simulation, i: number): number {
  const n = sim.state.nodes[i];
  let s = n.stale;
  for (let k = 0; k < n.W; k++) s += n.rem[k];
  return s;
}

describe('changing settings mid-run', () => {
  it('a shorter client timeout times out the overdue requests at once, losing none', () => {
    for (const queueTimeout of ['off', 10]) {
      const sim = new Simulation(model('single-service'), { params: { queueTimeout } });
      sim.runTo(62);
      sim.setParam('timeout', 1);
      sim.runTo(70);
      sim.setParam('timeout', 30);
      sim.runTo(90);
      sim.setParam('timeout', 1);
      sim.runTo(200);
      expectConserved(sim);
      expect(ringTotal(sim, 0)).toBeCloseTo(sim.state.nodes[0].queued, 3);
    }
  });

  it('switching the queue timeout off keeps every queued request where it can be served', () => {
    const sim = new Simulation(model('single-service'), { params: { queueTimeout: 20 }, durationS: 1200 });
    sim.runTo(300);
    sim.setParam('queueTimeout', 'off');
    sim.setParam('load', 100);
    sim.runTo(1200);
    expectConserved(sim);
    expect(ringTotal(sim, 0)).toBeCloseTo(sim.state.nodes[0].queued, 3);
    expect(sim.healthOf(0)).toBe('healthy');
  });

  it('switching to the deadline discipline mid-storm drops the abandoned pool and recovers', () => {
    const sim = new Simulation(model('single-service'));
    sim.runTo(300);
    expect(sim.healthOf(0)).toBe('overloaded');
    sim.setParam('queue.discipline', 'deadline');
    sim.runTo(900);
    expectConserved(sim);
    expect(sim.state.nodes[0].stale).toBe(0);
    expect(sim.healthOf(0)).not.toBe('overloaded');
  });

  it('a queue timeout equal to the client timeout drops requests before they are served stale', () => {
    const sim = new Simulation(model('single-service'), { params: { queueTimeout: 5 } });
    sim.runTo(900);
    expect(sim.healthOf(0)).not.toBe('overloaded');
  });

  it('an operator action fires at once, even with engine events scheduled later', () => {
    const sim = new Simulation(model('azure-2026-02'), { params: { 'rollout.gate': 'sees-vm-failures' } });
    sim.runTo(40 * 60);
    sim.act({ type: 'admission', service: 'identity', regions: ['eastus'], percent: 50 });
    sim.runTo(40 * 60 + 2);
    const fired = sim.state.fired.map((e) => [e.type, e.origin]);
    expect(fired).toContainEqual(['admission', 'operator']);
    expect(sim.state.fired.find((e) => e.origin === 'operator')!.tick).toBe(40 * 60);
  });

  it('a snapshot taken on a control step resumes with the same health, step for step', () => {
    const a = new Simulation(model('azure-2026-02'));
    a.runTo(23270);
    const b = Simulation.restore(model('azure-2026-02'), a.snapshot());
    for (let k = 0; k < 60; k++) {
      a.step();
      b.step();
      expect(b.state.nodes.map((n) => n.health)).toEqual(a.state.nodes.map((n) => n.health));
    }
    expect(Array.from(b.state.cum)).toEqual(Array.from(a.state.cum));
  });
});
