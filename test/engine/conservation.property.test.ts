/**
 * Conservation, whatever the settings: every attempt that reaches a service is rejected, served,
 * dropped or still queued; every work item is done (succeeded, given up, refused), parked, held at
 * a door, waiting out a backoff, or queued while its caller waits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditFlows, auditNodes } from '../../src/engine/audit.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { COMMON_PARAMS, type ParamDef } from '../../src/params/registry.ts';
import { model } from '../helpers.ts';

/** Any valid value of a parameter. */
function valueOf(def: ParamDef): fc.Arbitrary<string | number> {
  if (def.kind === 'enum') return fc.constantFrom(...def.options!);
  const step = def.step ?? 1;
  const max = Math.min(def.max!, def.id === 'queue.limit' ? 1e5 : def.max!);
  const n = fc.integer({ min: Math.ceil(def.min! / step), max: Math.floor(max / step) }).map((k) => Number((k * step).toFixed(6)));
  return def.off ? fc.oneof(n, fc.constant('off')) : n;
}

function settingsFor(defs: readonly ParamDef[], ids: string[]): fc.Arbitrary<Record<string, string | number>> {
  const pick = defs.filter((d) => ids.includes(d.id));
  return fc.record(Object.fromEntries(pick.map((d) => [d.id, valueOf(d)])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string | number>>;
}

function expectConserved(sim: Simulation): void {
  for (const a of auditNodes(sim)) expect(Math.abs(a.offered - a.accounted), a.node).toBeLessThanOrEqual(1e-6 * Math.max(1, a.offered));
  for (const a of auditFlows(sim)) expect(Math.abs(a.created - a.accounted), a.flow).toBeLessThanOrEqual(1e-6 * Math.max(1, a.created));
}

describe('conservation (property)', () => {
  const single = model('single-service');
  const ids = [...COMMON_PARAMS.map((p) => p.id), 'load', 'capacity', 'trigger.at', 'trigger.duration', 'trigger.capacity'];

  it('holds on the single-service model for any settings and any mid-run change', () => {
    const change = fc.constantFrom(...COMMON_PARAMS).chain((def) => valueOf(def).map((value) => ({ id: def.id, value })));
    fc.assert(
      fc.property(settingsFor(single.params, ids), fc.integer({ min: 1, max: 400 }), change, fc.integer({ min: 1, max: 400 }), (params, changeAt, ch, more) => {
        const sim = new Simulation(single, { params });
        sim.runTo(changeAt);
        sim.setParam(ch.id, ch.value);
        sim.runTo(changeAt + more);
        expectConserved(sim);
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('holds on the incident model with failover, quotas and parked work', () => {
    const azure = model('azure-2026-02');
    fc.assert(
      fc.property(
        settingsFor(azure.params, ['retry.attempts', 'failover', 'identity.quota', 'recovery.release', 'queue.discipline', 'queueTimeout', 'admission', 'breaker', 'retry.budget']),
        fc.integer({ min: 6 * 3600, max: 8 * 3600 }),
        (params, endAt) => {
          const sim = new Simulation(azure, { params });
          sim.runTo(endAt);
          expectConserved(sim);
        },
      ),
      { numRuns: 4, seed: 7 },
    );
  });
});
