/** Model files a hostile user would write: each refused naming the field, or read by its own entries only. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { loadModel } from '../../src/engine/load-model.ts';
import { ownValue } from '../../src/engine/model.ts';
import { compileTopology } from '../../src/engine/topology.ts';
import { resolveNumber } from '../../src/engine/clock.ts';
import { namesObjectMember } from '../../src/params/registry.ts';

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const single = (): Data => structuredClone(BUILTIN_MODELS['single-service']) as Data;
const incident = (): Data => structuredClone(BUILTIN_MODELS['azure-2026-02']) as Data;
const errorsOf = (m: unknown): string[] => {
  const r = loadModel(m);
  return r.ok ? [] : r.errors;
};

describe('ids that name a member every object has', () => {
  it('knows the members of Object.prototype, and only those', () => {
    for (const id of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) expect(namesObjectMember(id)).toBe(true);
    for (const id of ['local', 'server', 'proto', 'construct', 'eastus']) expect(namesObjectMember(id)).toBe(false);
  });

  it('refuses a region named constructor, with its scale, in a clear sentence', () => {
    const m = single();
    m.regions[0].id = 'constructor';
    m.focus.region = 'constructor';
    m.services[0].regionScale = { constructor: 2 };
    expect(errorsOf(m)).toEqual([
      'services.0.regionScale.constructor: "constructor" is a name every object has built in (like constructor or toString), so it cannot be an id here; choose another',
    ]);
    delete m.services[0].regionScale;
    expect(errorsOf(m)).toContain('regions.0.id: "constructor" is a name every object has built in (like constructor or toString), so it cannot be an id here; choose another');
  });

  it('refuses such a name as a service, a source, a parameter, a what-if, a group or a key', () => {
    const cases: [(m: Data) => void, RegExp][] = [
      [(m) => (m.services[0].id = 'constructor'), /^services\.0\.id: "constructor" is a name every object has built in/],
      [(m) => (m.sources[0].id = 'constructor'), /^sources\.0\.id: "constructor"/],
      [(m) => (m.params[0].id = 'toString'), /^params\.0\.id: "toString"/],
      [(m) => (m.whatIfs[0].id = 'constructor'), /^whatIfs\.0\.id: "constructor"/],
      [(m) => (m.timeline[0].group = 'constructor'), /^timeline\.0\.group: "constructor"/],
      [(m) => (m.defaults = JSON.parse('{"__proto__": 3}')), /^defaults\.__proto__: "__proto__" is a name every object has built in/],
      [(m) => (m.whatIfs[0].params = { valueOf: 1 }), /^whatIfs\.0\.params\.valueOf: "valueOf"/],
      [(m) => (m.provenance = { hasOwnProperty: { kind: 'assumed', text: 'x' } }), /^provenance\.hasOwnProperty: /],
    ];
    for (const [mutate, message] of cases) {
      const m = single();
      mutate(m);
      const errors = errorsOf(m);
      expect(errors.length, String(mutate)).toBeGreaterThan(0);
      expect(errors[0]).toMatch(message);
    }
  });

  it('reads a table by its own entries only, in the topology and the timeline', () => {
    expect(ownValue({ a: 1 }, 'a')).toBe(1);
    expect(ownValue({ a: 1 } as Record<string, number>, 'constructor')).toBeUndefined();
    expect(ownValue(undefined, 'a')).toBeUndefined();
    expect(resolveNumber('$constructor', { a: 1 })).toBeNaN();
    expect(resolveNumber('$toString', {})).toBeNaN();
    // A model that somehow reaches the engine with such a region (built in code, not loaded) still gets its numbers right.
    const loaded = loadModel(single());
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const model = { ...loaded.value.model, regions: [{ ...loaded.value.model.regions[0], id: 'constructor' }] };
    model.services = [{ ...model.services[0], regionScale: {} }];
    expect([...compileTopology(model).capacityShare_n]).toEqual([1]);
  });
});

describe('model validation: times of day, steps and what-ifs', () => {
  it('refuses a time of day with hours over 23 or minutes over 59, which would never come', () => {
    for (const at of ['99:99', '24:00', '12:60']) {
      const m = incident();
      m.timeline[1].at = at;
      expect(errorsOf(m)).toContain(`timeline.1.at: "${at}" is not a time of day; expected HH:MM with hours 00 to 23 and minutes 00 to 59`);
    }
    const chapter = incident();
    chapter.story[0].at = '25:00';
    expect(errorsOf(chapter)).toContain('story.0.at: "25:00" is not a time of day; expected HH:MM with hours 00 to 23 and minutes 00 to 59');
    const fine = incident();
    fine.timeline[1].at = '23:59';
    expect(errorsOf(fine)).toEqual([]);
  });

  it('refuses an event time off the model\'s step, rather than rounding it', () => {
    const m = single();
    m.timeline.push({ at: 60.1, type: 'note' });
    expect(errorsOf(m)).toEqual(['timeline.1.at: 60.1 is not on a step of this model (dtS 0.25 s), so it cannot happen then; use a multiple of 0.25 s']);
    const on = single();
    on.timeline.push({ at: 60.25, type: 'note' });
    expect(errorsOf(on)).toEqual([]);
    const clocked = incident();
    clocked.dtS = 7;
    expect(errorsOf(clocked).some((e) => /^timeline\.\d+\.at: \d\d:\d\d is not on a step of this model \(dtS 7 s\)/.test(e))).toBe(true);
  });

  it('refuses two what-ifs with the same id', () => {
    const m = single();
    m.whatIfs.push({ ...m.whatIfs[0], label: 'again' });
    expect(errorsOf(m)).toEqual([`whatIfs: "${m.whatIfs[0].id}" appears twice`]);
  });
});
