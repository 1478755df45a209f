/**
 * The ledger holds for any model and any settings: every work item a source asks for is, at every
 * step, in exactly one of completed, abandoned, or pending (parked, about to be sent, held at a
 * door, queued, waiting out a backoff, waiting on a held call) — asked = completed + abandoned +
 * pending within 1e-9 × max(asked, 1). Random models: layers of services calling each other, front
 * doors that shut and ramp (held calls several layers deep), paired regions with failover,
 * orchestrators that park, faults, and the client protections (breakers, budgets, throttling, quotas).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditFlows, auditNodes, sourceLedgers } from '../../src/engine/audit.ts';
import { mustLoadModel } from '../../src/engine/load-model.ts';
import { Simulation } from '../../src/engine/simulation.ts';

const serviceIds = ['front', 'middle', 'lower', 'bottom'];

interface Shape {
  layers: number;
  perRequest: number[];
  skip: boolean;
  doors: boolean[];
  capacities: number[];
  paired: boolean;
  sources: { at: number; rate: number; parks: boolean; resumeS: number }[];
  events: { at: number; kind: number; service: number; value: number; durationS: number }[];
}

const shape: fc.Arbitrary<Shape> = fc.record({
  layers: fc.integer({ min: 2, max: 4 }),
  perRequest: fc.array(fc.constantFrom(0.5, 1, 2, 3), { minLength: 4, maxLength: 4 }),
  skip: fc.boolean(),
  doors: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  capacities: fc.array(fc.integer({ min: 50, max: 3000 }), { minLength: 4, maxLength: 4 }),
  paired: fc.boolean(),
  sources: fc.array(fc.record({ at: fc.integer({ min: 0, max: 1 }), rate: fc.integer({ min: 1, max: 800 }), parks: fc.boolean(), resumeS: fc.integer({ min: 5, max: 120 }) }), { minLength: 1, maxLength: 3 }),
  events: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 280 }), kind: fc.integer({ min: 0, max: 7 }), service: fc.integer({ min: 0, max: 3 }), value: fc.integer({ min: 0, max: 100 }), durationS: fc.integer({ min: 1, max: 120 }) }),
    { maxLength: 8 },
  ),
});

function modelOf(s: Shape): unknown {
  const ids = serviceIds.slice(0, s.layers);
  const calls = ids.slice(1).map((to, k) => ({ from: ids[k], to, perRequest: s.perRequest[k] }));
  if (s.skip && s.layers >= 3) calls.push({ from: ids[0], to: ids[s.layers - 1], perRequest: 1 });
  const regions = s.paired
    ? [{ id: 'east', label: 'East', pair: 'west' }, { id: 'west', label: 'West', pair: 'east', scale: 0.7 }]
    : [{ id: 'east', label: 'East' }];
  const types = ['admission', 'ramp', 'fault', 'errors', 'latency', 'block', 'restore', 'isolate'] as const;
  const timeline = s.events.map((e) => {
    const service = ids[Math.min(e.service, ids.length - 1)];
    const base = { at: e.at, regions: ['east'] };
    switch (types[e.kind]) {
      case 'admission': return { ...base, type: 'admission', service, percent: e.value % 3 === 0 ? 0 : e.value };
      case 'ramp': return { ...base, type: 'ramp', service, toPercent: e.value, durationS: e.durationS };
      case 'fault': return { ...base, type: 'fault', service, capacityPercent: e.value / 2, durationS: e.durationS };
      case 'errors': return { ...base, type: 'errors', service, percent: e.value, durationS: e.durationS };
      case 'latency': return { ...base, type: 'latency', service, addS: (e.value % 6) + 1, durationS: e.durationS };
      case 'block': return { ...base, type: 'block', service };
      case 'restore': return { ...base, type: 'restore', service };
      default: return { ...base, type: 'isolate' };
    }
  });
  return {
    schema: 1,
    id: 'random-layers',
    title: 'Random layers',
    durationS: 300,
    dtS: 1,
    noise: 0.2,
    regions,
    services: ids.map((id, k) => ({ id, label: id, capacityRps: s.capacities[k], door: s.doors[k], failover: true })),
    calls,
    sources: s.sources.map((src, k) => ({ id: `src-${k}`, label: `Source ${k}`, service: ids[src.at], rateRps: src.rate, parks: src.parks, resumeS: src.resumeS })),
    params: [
      { id: 'failover', label: 'Failover share', unit: '%', group: 'regions', kind: 'number', min: 0, max: 100, step: 1, default: 30, description: 'Failover', knob: { kind: 'routing.failover' } },
      { id: 'bottom.quota', label: 'Quota', unit: '%', group: 'server', kind: 'number', min: 1, max: 100, step: 1, off: true, default: 'off', description: 'Quota', knob: { kind: 'service.quota', service: ids[ids.length - 1] } },
      { id: 'release', label: 'Release', unit: '', group: 'recovery', kind: 'enum', options: ['all', 'batched'], default: 'all', description: 'Release', knob: { kind: 'source.release' } },
    ],
    defaults: { 'retry.attempts': 3, timeout: 5, 'retry.baseDelay': 1 },
    timeline,
  };
}

const settings = fc.record(
  {
    'retry.attempts': fc.integer({ min: 0, max: 5 }),
    timeout: fc.constantFrom(1, 2, 5, 10),
    'retry.budget': fc.constantFrom<number | string>('off', 0, 10, 50),
    'throttle.k': fc.constantFrom<number | string>('off', 1.5, 2),
    breaker: fc.constantFrom('off', 'on'),
    'queue.discipline': fc.constantFrom('fifo', 'lifo', 'deadline'),
    queueTimeout: fc.constantFrom<number | string>('off', 2, 20),
    failover: fc.constantFrom(0, 30, 100),
    'bottom.quota': fc.constantFrom<number | string>('off', 20, 60),
    release: fc.constantFrom('all', 'batched'),
  },
  { requiredKeys: [] },
);

function expectLedgerHolds(sim: Simulation): void {
  for (const l of sourceLedgers(sim)) {
    const tolerance = 1e-9 * Math.max(l.asked, 1);
    expect(Math.abs(l.asked - l.completed - l.abandoned - l.pending), `${l.source} at ${sim.time} s`).toBeLessThanOrEqual(tolerance);
    for (const v of [l.completed, l.abandoned, l.parked, l.inFlight.held, l.inFlight.awaiting]) expect(v).toBeGreaterThanOrEqual(-tolerance);
  }
}

describe('the ledger (property)', () => {
  it('every source, every step: asked = completed + abandoned + pending, on random models and settings', () => {
    fc.assert(
      fc.property(shape, settings, (s, params) => {
        const sim = new Simulation(mustLoadModel(modelOf(s)), { params: params as Record<string, string | number> });
        while (!sim.done) {
          sim.step();
          expectLedgerHolds(sim);
        }
        for (const a of auditFlows(sim)) expect(Math.abs(a.created - a.accounted), a.flow).toBeLessThanOrEqual(1e-9 * Math.max(1, a.created));
        for (const a of auditNodes(sim)) expect(Math.abs(a.offered - a.accounted), a.node).toBeLessThanOrEqual(1e-9 * Math.max(1, a.offered));
      }),
      { numRuns: 40, seed: 2026 },
    );
  });

  it('holds too when calm regions are advanced a control interval at a time', () => {
    fc.assert(
      fc.property(shape, settings, (s, params) => {
        const sim = new Simulation(mustLoadModel(modelOf(s)), { params: params as Record<string, string | number> });
        while (!sim.done) {
          sim.advance(5);
          expectLedgerHolds(sim);
        }
      }),
      { numRuns: 40, seed: 2027 },
    );
  });

  it('on the incident: nothing orchestrated vanishes, and what the door held has gone on by 07:00', () => {
    const sim = new Simulation(mustLoadModel(modelOfIncident()));
    sim.runTo(Infinity);
    expectLedgerHolds(sim);
    for (const l of sourceLedgers(sim)) {
      expect(l.inFlight.awaiting, l.source).toBeLessThan(1e-6 * l.asked);
      expect(l.inFlight.held, l.source).toBeLessThan(1e-6 * l.asked);
    }
  });
});

import { BUILTIN_MODELS } from '../../models/index.ts';
function modelOfIncident(): unknown {
  return BUILTIN_MODELS['azure-2026-02'];
}
