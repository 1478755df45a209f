/**
 * Model files written by someone hostile (property tests): the loader never throws, says what is
 * wrong in bounded, printable words, and every model it accepts within the work budget runs with
 * every output finite.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { secondsAtTimeOfDay } from '../../src/engine/clock.ts';
import { loadModel, overBudget, workOf } from '../../src/engine/load-model.ts';
import { runScenario } from '../../src/engine/run.ts';
import { SimHost } from '../../src/worker/host.ts';

const single = BUILTIN_MODELS['single-service'] as Record<string, unknown>;
const incident = BUILTIN_MODELS['azure-2026-02'] as Record<string, unknown>;

/** Every path to a number, string or boolean in a JSON value. */
function leaves(x: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (x === null || typeof x !== 'object') return [path];
  return Object.entries(x).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(x) ? Number(k) : k]));
}

function setAt(root: unknown, path: (string | number)[], value: unknown): void {
  let o = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]] = value;
}

const EXTREMES = [0, -0, 1e-9, -1, 1, 100, 101, 1e4, 1e9, 1e9 + 1, 1e308, -1e308, 2 ** 32, 0.1, 'x', '', '$load', '00:00', '99:99', 'constructor', '__proto__', '\u001b[31m', 'x'.repeat(100_000), null, true, [], {}];

/** A built-in model with a few leaves set to extreme values, and a few entries copied. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = leaves(base).filter((p) => p.length > 0);
  return fc
    .record({
      edits: fc.array(fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...EXTREMES)), { minLength: 1, maxLength: 4 }),
      numbers: fc.array(fc.tuple(fc.constantFrom(...paths), fc.double({ min: -1e12, max: 1e12, noNaN: true })), { maxLength: 3 }),
    })
    .map(({ edits, numbers }) => {
      const m = structuredClone(base);
      for (const [p, v] of [...edits, ...numbers]) setAt(m, p, structuredClone(v));
      return m;
    });
}

/** A built-in model with some numbers set to the largest or smallest the schema allows (mostly accepted). */
function atBounds(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = leaves(base).filter((p) => p.length > 0 && typeof p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], base) === 'number');
  return fc.array(fc.tuple(fc.constantFrom(...paths), fc.constantFrom(0, 1e-9, 0.5, 1, 100, 1e4, 1e9)), { minLength: 1, maxLength: 6 }).map((edits) => {
    const m = structuredClone(base);
    for (const [p, v] of edits) setAt(m, p, v);
    return m;
  });
}

let ran = 0;
function expectFiniteRun(data: unknown): void {
  const r = loadModel(data);
  if (!r.ok || overBudget(r.value.model).length) return;
  ran++;
  runScenario(r.value, { everyS: Math.max(60, r.value.model.dtS) }, (rows) => {
    for (const row of rows) for (const v of Object.values(row)) if (typeof v === 'number') expect(Number.isFinite(v), JSON.stringify(row)).toBe(true);
  });
}

describe('hostile model files', () => {
  it('the loader never throws, and its errors are bounded and printable (property)', () => {
    fc.assert(
      fc.property(fc.oneof(mutated(single), mutated(incident), fc.anything()), (data) => {
        const r = loadModel(data);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          expect(r.errors.length).toBeLessThanOrEqual(20);
          for (const e of r.errors) {
            expect(e.length).toBeLessThanOrEqual(300);
            expect(e).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          }
        } else expect(() => overBudget(r.value.model)).not.toThrow();
      }),
      { numRuns: 1500 },
    );
  });

  it('every model accepted within the budget runs with every output finite (property)', () => {
    ran = 0;
    // Fixed seeds: the same models every run, so the count below is exact, not luck (260: the loader refuses more since
    // argument ranges, steps and times of day are checked, and as many must still run).
    fc.assert(fc.property(fc.oneof(mutated(single), atBounds(single)), expectFiniteRun), { numRuns: 260, seed: 20261130 });
    // Two hours of the incident, with the events that fall in them (a later one would be refused).
    const timeline = (incident.timeline as { at: string }[]).filter((e) => secondsAtTimeOfDay(incident as never, e.at)! <= 2 * 3600);
    expect(timeline.length).toBeGreaterThanOrEqual(2);
    const shortIncident = { ...incident, durationS: 2 * 3600, story: [], timeline, opensAt: '18:00' };
    expect(loadModel(shortIncident).ok).toBe(true);
    fc.assert(fc.property(atBounds(shortIncident), expectFiniteRun), { numRuns: 10, seed: 20261130 });
    expect(ran).toBeGreaterThan(30);
  }, 300_000);

  it('extreme but valid numbers keep every output finite', () => {
    const m = structuredClone(single) as { sources: { rateRps: number }[]; services: { capacityRps: number }[]; regions: { scale?: number }[]; params: { id: string }[] };
    m.sources[0].rateRps = 1e9;
    m.services[0].capacityRps = 1e9;
    m.regions[0].scale = 1e4;
    // Their parameters would set the rate and capacity back to their defaults.
    m.params = m.params.filter((p) => p.id !== 'load' && p.id !== 'capacity');
    expect(loadModel(m).ok).toBe(true);
    expectFiniteRun(m);
  });

  it('a chain of calls that multiplies beyond reason is refused before it runs, saying what to reduce', () => {
    const services = Array.from({ length: 32 }, (_, k) => ({ id: `s${k}`, label: `S${k}`, capacityRps: 1e9 }));
    const calls = services.slice(1).map((s, k) => ({ from: `s${k}`, to: s.id, perRequest: 100 }));
    const chain = { schema: 1, id: 'chain', title: 'Chain', durationS: 600, dtS: 1, regions: [{ id: 'r', label: 'R', scale: 1e4 }], services, calls, sources: [{ id: 'c', label: 'C', service: 's0', rateRps: 1e9 }], params: [], timeline: [] };
    const r = loadModel(chain);
    expect(r.ok).toBe(true);
    const over = overBudget(r.ok ? r.value.model : (null as never));
    expect(over).toHaveLength(1);
    expect(over[0]).toMatch(/^regions\.0, services\.31: the load there could reach \d\.\de\+\d+ req\/s .* at most 1e\+15: reduce rateRps, scale, regionScale or perRequest$/);
    expect(new SimHost().handle({ type: 'load', model: chain })[0]).toMatchObject({ type: 'refused', message: expect.stringMatching(/^the model is too big to run here: /) });
  });

  it('sizes beyond the budget are refused with what to reduce: 256 regions × 32 services, dtS 0.01 over 7 days', () => {
    const regions = Array.from({ length: 256 }, (_, k) => ({ id: `r${k}`, label: `R${k}` }));
    const services = Array.from({ length: 32 }, (_, k) => ({ id: `s${k}`, label: `S${k}`, capacityRps: 1000 }));
    const wide = { schema: 1, id: 'wide', title: 'Wide', durationS: 900, dtS: 0.25, regions, services, calls: [], sources: [{ id: 'c', label: 'C', service: 's0', rateRps: 10 }], params: [], timeline: [] };
    const r = loadModel(wide);
    expect(r.ok && overBudget(r.value.model)).toEqual([
      '(model): too much work for one run: 256 regions × 32 services and 1 callers over 3600 steps is 30.4 million updates; at most 20 million: use fewer regions, services or calls, a shorter durationS or a larger dtS',
      "(model): the run's state would take up to 126 MB (256 callers, each remembering 720 s in steps of 0.25 s); at most 16 MB: use fewer regions or calls, or a larger dtS",
    ]);
    const fine = loadModel({ ...single, dtS: 0.01, durationS: 7 * 86400 });
    expect(fine.ok && overBudget(fine.value.model)).toEqual([expect.stringMatching(/^\(model\): too much work for one run: .* over 60\.5 million steps is 121 million updates/)]);
    // The built-in models are well within it.
    for (const data of Object.values(BUILTIN_MODELS)) {
      const b = loadModel(data);
      expect(b.ok && overBudget(b.value.model)).toEqual([]);
      if (b.ok) expect(workOf(b.value.model).work).toBeLessThan(6e6);
    }
  });
});

describe('texts in model files', () => {
  it('every text is bounded before the schema sees it, keys too', () => {
    const m = structuredClone(single) as { params: { id: string }[]; defaults?: Record<string, unknown> };
    m.params[0].id = 'a' + '.a'.repeat(500_000);
    expect(loadModel(m)).toEqual({ ok: false, errors: ['params.0.id: a text of 1000001 characters; at most 2000'] });
    const k = structuredClone(single) as { defaults?: Record<string, unknown> };
    k.defaults = { ['x'.repeat(1_000_000)]: 1 };
    expect(loadModel(k)).toEqual({ ok: false, errors: ['defaults: a key of 1000000 characters; at most 100'] });
  });
});
