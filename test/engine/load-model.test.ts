import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { loadModel, MAX_ERRORS, MAX_MODEL_DEPTH, shown } from '../../src/engine/load-model.ts';

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
      [(m) => (m.schema = 3), /^schema: schema 1, or 2/],
      [(m) => (m.id = '<script>'), /^id: /],
      [(m) => (m.regions[0].pair = m.regions[0].id), /^regions\.0\.pair: a region cannot fail over to itself/],
      [(m) => (m.timeline[0].at = m.durationS + 1), /^timeline\.0\.at: \d+ is at or after the end of the run \(durationS \d+ s\)/],
      [(m) => (m.story[0].at = m.durationS * 2), /^story\.0\.at: \d+ is after the end of the run/],
    ];
    for (const [mutate, message] of cases) {
      const m = valid();
      mutate(m);
      const r = loadModel(m);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toMatch(message);
    }
  });

  it('refuses an incident event or chapter after the end of its clock, and takes one at the very end', () => {
    const incident = () => structuredClone(BUILTIN_MODELS['azure-2026-02']) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const late = incident();
    late.timeline[0].at = '07:30';
    late.story[0].from = '17:00'; // before 17:30: tomorrow, after the end
    const r = loadModel(late);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toContain('timeline.0.at: 07:30 is at or after the end of the run (durationS 48600 s), so it would never happen; move it earlier or lengthen durationS');
      expect(r.errors.some((e) => e.startsWith('story.0.from: 17:00 is after the end of the run'))).toBe(true);
    }
    // An event at the very end never happens: the last step begins a step before it. A chapter
    // there is a moment to look at.
    const atEnd = incident();
    atEnd.timeline[0].at = '07:00';
    expect(loadModel(atEnd).ok).toBe(false);
    const lastMinute = incident();
    lastMinute.timeline[0].at = '06:59';
    lastMinute.story[0].at = '07:00';
    expect(loadModel(lastMinute).ok).toBe(true);
  });

  it('lists at most 20 problems, and says how many more there are', () => {
    // Run for 100 s, the incident puts its opening, 14 chapter times and 23 events after the end.
    const short = structuredClone(BUILTIN_MODELS['azure-2026-02']) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    short.durationS = 100;
    const r = loadModel(short);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(MAX_ERRORS);
    expect(r.errors[0]).toMatch(/^opensAt: 00:40 is after the end of the run/);
    expect(r.errors[MAX_ERRORS - 1]).toBe('(model): and 19 more problems');
    // So does a file the schema refuses in many places.
    const many = valid();
    many.services = Array.from({ length: 30 }, () => ({ id: 'x', label: 'y', capacityRps: -1 }));
    const m = loadModel(many);
    expect(!m.ok && m.errors.length).toBe(MAX_ERRORS);
  });

  it('refuses a call graph with a cycle', () => {
    const m = structuredClone(BUILTIN_MODELS['azure-2026-02']) as { calls: { from: string; to: string }[] };
    m.calls.push({ from: 'identity', to: 'vm' });
    const r = loadModel(m);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/cycle/);
  });

  it('an error echoes what a file holds printable: control characters, line separators and direction overrides are escaped', () => {
    expect(shown('a\u001b[31mb\u202ec\u2028d\u2066e')).toBe('a\\u001B[31mb\\u202Ec\\u2028d\\u2066e');
    expect(shown('x'.repeat(400))).toHaveLength(298);
  });

  it('refuses what is not a model at all', () => {
    for (const data of [null, 42, 'model', [], {}]) expect(loadModel(data).ok).toBe(false);
  });
});

/** Deepest nesting of brackets in JSON text, outside strings: how the page measures a model file before parsing it. */
function textDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

describe('the nesting limit', () => {
  it('refuses a model nested more than 32 levels deep, naming the field, as the page refuses the file', () => {
    expect(MAX_MODEL_DEPTH).toBe(32);
    for (const data of Object.values(BUILTIN_MODELS)) expect(textDepth(JSON.stringify(data))).toBeLessThanOrEqual(8);
    const deep = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
    expect(loadModel(deep(10_000))).toEqual({ ok: false, errors: ['0: nested more than 32 levels deep; a model needs about six'] });
    const m = valid();
    m.note = deep(10_000);
    expect(loadModel(m)).toEqual({ ok: false, errors: ['note: nested more than 32 levels deep; a model needs about six'] });
  });

  it('refuses exactly the models whose JSON text is nested more than 32 levels deep', () => {
    // A value nested `levels` deep, each level an array or an object with a short key, strings with brackets in them along the way.
    const level = fc.tuple(fc.boolean(), fc.string({ maxLength: 4, unit: fc.constantFrom('a', '[', '{', '"', '\\') }));
    const nested = fc
      .integer({ min: 0, max: 45 })
      .chain((n) => fc.array(level, { minLength: n, maxLength: n }))
      .map((levels) => levels.reduce<unknown>((inner, [asArray, key]) => (asArray ? [key, inner] : { [key || 'k']: inner, s: key }), 1));
    fc.assert(
      fc.property(nested, (note) => {
        const m = valid();
        m.note = note;
        const r = loadModel(m);
        const tooDeep = textDepth(JSON.stringify(m)) > 32;
        expect(r.ok).toBe(!tooDeep);
        if (!r.ok) expect(r.errors).toEqual(['note: nested more than 32 levels deep; a model needs about six']);
      }),
      { numRuns: 300 },
    );
  });
});
