import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { loadModel } from '../../src/engine/load-model.ts';

const valid = () => structuredClone(BUILTIN_MODELS['single-service']) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('loading models', () => {
  it('loads every built-in model', () => {
    for (const [id, data] of Object.entries(BUILTIN_MODELS)) {
      const r = loadModel(data);
      expect(r.ok, id + (r.ok ? '' : r.errors.join('; '))).toBe(true);
    }
  });

  it('names the field and the problem', () => {
    const cases: [(m: Record<string, any>) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      [(m) => (m.dtS = 0), /^dtS: /],
      [(m) => (m.services[0].capacityRps = -5), /^services\.0\.capacityRps: /],
      [(m) => (m.sources[0].service = 'nowhere'), /^sources\.0\.service: no service "nowhere"/],
      [(m) => (m.regions[0].pair = 'mars'), /^regions\.0\.pair: no region "mars"/],
      [(m) => (m.timeline[0].at = '$nope'), /^timeline\.0\.at: no parameter "nope"/],
      [(m) => (m.timeline[0].at = '18:00'), /^timeline\.0\.at: "HH:MM" times need a clocked model/],
      [(m) => (m.defaults['retry.attempts'] = 99), /^defaults\.retry\.attempts: expected a whole number from 0 to 10/],
      [(m) => (m.params[0].default = 'lots'), /^params\.0\.default: /],
      [(m) => (m.schema = 2), /^schema: /],
      [(m) => (m.id = '<script>'), /^id: /],
    ];
    for (const [mutate, message] of cases) {
      const m = valid();
      mutate(m);
      const r = loadModel(m);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toMatch(message);
    }
  });

  it('refuses a call graph with a cycle', () => {
    const m = structuredClone(BUILTIN_MODELS['azure-2026-02']) as { calls: { from: string; to: string }[] };
    m.calls.push({ from: 'identity', to: 'vm' });
    const r = loadModel(m);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/cycle/);
  });

  it('refuses what is not a model at all', () => {
    for (const data of [null, 42, 'model', [], {}]) expect(loadModel(data).ok).toBe(false);
  });
});
