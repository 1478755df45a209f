import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMON_PARAMS, describeAllowed, formatValue, parseValue, type ParamDef } from '../../src/params/registry.ts';
import { model } from '../helpers.ts';

const REQUIRED = [
  'retry.attempts', 'retry.baseDelay', 'retry.maxDelay', 'retry.jitter', 'retry.budget', 'throttle.k', 'breaker',
  'queue.limit', 'queue.discipline', 'timeout', 'queueTimeout', 'admission',
];

describe('parameter registry', () => {
  it('declares every required parameter once, each with a label, unit, range or options, default and description', () => {
    const ids = COMMON_PARAMS.map((p) => p.id);
    for (const id of REQUIRED) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of COMMON_PARAMS) {
      expect(p.label.length).toBeGreaterThan(0);
      expect(p.description.length).toBeGreaterThan(20);
      expect(parseValue(p, p.default).ok, p.id).toBe(true);
      if (p.kind === 'number') expect(p.min! <= p.max!).toBe(true);
      else expect(p.options!.length).toBeGreaterThan(1);
    }
  });

  it('the incident model adds its own parameters with the interface ids', () => {
    const ids = model('azure-2026-02').params.map((p) => p.id);
    for (const id of ['failover', 'recovery.release', 'identity.quota', 'policy.preflight', 'rollout.gate', 'script.operators']) expect(ids).toContain(id);
    const single = model('single-service').params.map((p) => p.id);
    for (const id of ['load', 'capacity', 'trigger.at', 'trigger.duration', 'trigger.capacity']) expect(single).toContain(id);
  });

  it('parses text the way the CLI and URL give it', () => {
    const def = (id: string) => COMMON_PARAMS.find((p) => p.id === id)!;
    expect(parseValue(def('retry.attempts'), '3')).toEqual({ ok: true, value: 3 });
    expect(parseValue(def('retry.budget'), 'OFF')).toEqual({ ok: true, value: 'off' });
    expect(parseValue(def('retry.jitter'), 'Full')).toEqual({ ok: true, value: 'full' });
    expect(parseValue(def('timeout'), '1e1')).toEqual({ ok: true, value: 10 });
  });

  it('refuses bad values with a message naming the parameter and what is allowed', () => {
    const def = (id: string) => COMMON_PARAMS.find((p) => p.id === id)!;
    for (const [id, raw] of [['retry.attempts', '11'], ['retry.attempts', 'off'], ['timeout', 'abc'], ['timeout', 'NaN'], ['retry.jitter', 'lots'], ['queue.limit', '-1'], ['timeout', '']] as const) {
      const r = parseValue(def(id), raw);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toContain(id);
        expect(r.error).toContain(describeAllowed(def(id)));
      }
    }
  });

  it('refuses, never rounds, a value the engine cannot represent: fractions of a count or of the model\'s step', () => {
    const azure = model('azure-2026-02').params;
    const single = model('single-service').params;
    const d = (defs: readonly ParamDef[], id: string) => defs.find((p) => p.id === id)!;
    // The incident steps 1 s: a quarter-second timeout cannot be told apart from 1 s.
    for (const [id, raw] of [['timeout', '0.25'], ['timeout', '1.25'], ['queueTimeout', '30.25'], ['retry.attempts', '2.5'], ['retry.baseDelay', '0.5']] as const) {
      const r = parseValue(d(azure, id), raw);
      expect(r.ok, `${id}=${raw}`).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/whole number|multiple of 1 s|from 1 /);
    }
    // The single-service model steps 0.25 s: there they are exact.
    for (const [id, raw] of [['timeout', '0.25'], ['timeout', '1.25'], ['queueTimeout', '30.25'], ['trigger.duration', '4.75'], ['latency', '0.5']] as const) {
      expect(parseValue(d(single, id), raw).ok, `${id}=${raw}`).toBe(true);
    }
    expect(parseValue(d(single, 'trigger.duration'), '4.8').ok).toBe(false);
  });

  it('round-trips every valid value through its text form (property)', () => {
    const anyValue = (d: ParamDef) =>
      d.kind === 'enum'
        ? fc.constantFrom(...d.options!)
        : fc.oneof(
            d.multipleOf
              ? fc.integer({ min: Math.ceil(d.min! / d.multipleOf), max: Math.floor(d.max! / d.multipleOf) }).map((k) => k * d.multipleOf!)
              : fc.double({ min: d.min!, max: d.max!, noNaN: true }),
            ...(d.off ? [fc.constant('off')] : []),
          );
    for (const d of [...COMMON_PARAMS, ...model('azure-2026-02').params, ...model('single-service').params]) {
      fc.assert(
        fc.property(anyValue(d), (v) => {
          const r = parseValue(d, formatValue(v));
          expect(r).toEqual({ ok: true, value: v });
        }),
        { numRuns: 50 },
      );
    }
  });
});
