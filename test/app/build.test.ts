/** The builder's model: edits, the loader's verdict placed at its field, undo and redo, and the model link. */
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { applyPatch, diff, type Json } from '../../src/app/build/json-patch.ts';
import { decodeModelLink, encodeModelLink, MAX_INFLATED_BYTES } from '../../src/app/build/model-link.ts';
import { checkDraft, placeOf, problemOf } from '../../src/app/build/check.ts';
import { addCall, addEvent, addRegion, addService, addSource, fixEventValue, placeRegion, REGION_PLACES, removeService, setDefault, setField, setPolicy } from '../../src/app/build/edits.ts';
import { createBuildStore } from '../../src/app/build/state.ts';
import { fromModel, template, TEMPLATES } from '../../src/app/build/templates.ts';

const single = () => fromModel(BUILTIN_MODELS['single-service']);
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('JSON Patch', () => {
  it('a diff applied to the first document gives the second', () => {
    const key = fc.string({ maxLength: 6 }).filter((k) => !['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'].includes(k) && !(k in Object.prototype));
    const json: fc.Arbitrary<Json> = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 5 }), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    })).value as fc.Arbitrary<Json>;
    fc.assert(fc.property(json, json, (a, b) => {
      expect(applyPatch(a, diff(a, b))).toEqual(b);
    }), { numRuns: 300 });
  });

  it('refuses paths through a prototype, other operations and missing members', () => {
    expect(() => applyPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: 1 }])).toThrow(/member every object has/);
    expect(() => applyPatch({ a: {} }, [{ op: 'add', path: '/a/constructor', value: 1 }])).toThrow(/member every object has/);
    expect(() => applyPatch({}, [{ op: 'move', from: '/a', path: '/b' }])).toThrow(/not add, remove or replace/);
    expect(() => applyPatch({}, [{ op: 'replace', path: '/a', value: 1 }])).toThrow(/no member "a"/);
    expect(() => applyPatch([1], [{ op: 'remove', path: '/1' }])).toThrow(/no element 1/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('checking a draft', () => {
  it('places what the loader refuses at the field it names, with what is allowed', () => {
    const d = setField(single(), ['services', 0, 'capacityRps'], -5);
    const c = checkDraft(d);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.problems[0].path).toBe('services.0.capacityRps');
    expect(c.problems[0].message).toMatch(/>=0/);
    expect(placeOf('services.0.capacityRps', ['services.0', 'services.0.capacityRps', 'services.0.capacity'])).toBe('services.0.capacityRps');
    expect(placeOf('calls.3', ['calls.3.perRequest', 'calls'])).toBe('calls');
    expect(placeOf('timeline.0.at', ['services.0'])).toBe('');
    expect(problemOf('regions.0, services.1: the load there could reach …')).toEqual({ path: 'services.1', message: 'the load there could reach …' });
    expect(problemOf('(model): too much work')).toEqual({ path: '', message: 'too much work' });
  });

  it('refuses a call from a service to itself and a cycle, as a model file would be', () => {
    let d = addService(single()).draft;
    d = addCall(d, 'server', 'server');
    const c = checkDraft(d);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.problems.map((p) => p.path)).toContain('calls.0');
    d = addCall(addCall(addService(single()).draft, 'server', 'service-1'), 'service-1', 'server');
    expect(checkDraft(d).ok).toBe(false);
  });

  it('every template loads and runs within the budget, except the empty one, which has nothing to run', () => {
    for (const t of TEMPLATES) {
      const c = checkDraft(template(t.id));
      expect(c.ok, t.id).toBe(t.id !== 'empty');
      if (c.ok) {
        expect(c.loaded.model.id).toMatch(/^built/);
        expect(c.loaded.model.whatIfs).toEqual([]);
        expect(c.loaded.model.story).toEqual([]);
      }
    }
  });

  it('a model started from a built-in one keeps its parameters, what-ifs and story, under a built id and title', () => {
    const d = fromModel(BUILTIN_MODELS['azure-2026-02']);
    const c = checkDraft(d);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.loaded.model.id).toBe('built-azure-2026-02');
    expect(c.loaded.model.title).toMatch(/^Built: /);
    expect(c.loaded.model.story.length).toBeGreaterThan(3);
    expect(c.loaded.model.whatIfs.length).toBeGreaterThan(3);
    // Removing a service takes what names it along, so the model still loads.
    const without = removeService(d, 'bystanders');
    expect(checkDraft(without).ok).toBe(true);
    expect(JSON.stringify(without)).not.toMatch(/"bystanders"/);
  });

  it('builds clients → gateway → API → database from nothing with the edits the view makes', () => {
    let d = template('empty');
    for (let k = 0; k < 3; k++) d = addService(d).draft;
    d = addSource(d, 'service-1');
    d = addCall(addCall(d, 'service-1', 'service-2'), 'service-2', 'service-3');
    d = setDefault(d, 'retry.attempts', 3);
    d = addEvent(d, 'errors', 0);
    d = setField(d, ['timeline', 0, 'service'], 'service-3');
    const c = checkDraft(d);
    expect(c.ok && c.loaded.model.timeline[0]).toMatchObject({ type: 'errors', service: 'service-3', percent: 100 });
  });
});

describe('regions on the world map', () => {
  it('a region added to a model whose regions have places gets a place of its own, 10° or more from the others, and the model keeps its map', () => {
    let d = fromModel(BUILTIN_MODELS['azure-2026-02']);
    for (let k = 0; k < 3; k++) d = addRegion(d);
    const added = d.regions.slice(-3);
    for (const r of added) {
      expect(REGION_PLACES).toContainEqual([r.lat, r.lon]);
      for (const o of d.regions) if (o !== r) expect(Math.abs(o.lat! - r.lat!) >= 10 || Math.abs(o.lon! - r.lon!) >= 10).toBe(true);
    }
    const c = checkDraft(d);
    expect(c.ok && c.loaded.model.regions.every((r) => r.lat !== undefined && r.lon !== undefined)).toBe(true);
  });

  it('a region is placed to a tenth of a degree, within the globe, as one edit; an unknown region is left alone', () => {
    const d = template('two-regions');
    const placed = placeRegion(d, 'west', 51.4779, -0.00153);
    expect(placed.regions[1].lat).toBe(51.5);
    expect(Object.is(placed.regions[1].lon, 0)).toBe(true);
    expect(d.regions[1]).toMatchObject({ lat: 47.2, lon: -119.9 });
    expect(placeRegion(d, 'east', 95, -200).regions[0]).toMatchObject({ lat: 90, lon: -180 });
    expect(placeRegion(d, 'nowhere', 0, 0)).toBe(d);
    expect(checkDraft(placed).ok).toBe(true);
  });
});

describe('a call\'s and a service\'s own policy', () => {
  it('makes the model a version-2 model, runs with it, places a refused value at its field, and goes back to model-wide when emptied', () => {
    let d = template('three-tier');
    d = setPolicy(d, 'calls', 0, 'preset', 'grpc');
    d = setPolicy(d, 'calls', 0, 'retry.attempts', 1);
    d = setPolicy(d, 'services', 0, 'queue.limit', 500);
    expect(d.schema).toBe(2);
    const c = checkDraft(d);
    expect(c.ok).toBe(true);
    if (c.ok) {
      expect(c.loaded.model.calls[0].policy).toEqual({ preset: 'grpc', 'retry.attempts': 1 });
      expect(c.loaded.model.services[0].policy).toEqual({ 'queue.limit': 500 });
    }
    const wrong = checkDraft(setPolicy(d, 'calls', 0, 'retry.attempts', 99));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(placeOf(wrong.problems[0].path, ['calls.0', 'calls.0.policy.retry.attempts'])).toBe('calls.0.policy.retry.attempts');
    let back = setPolicy(setPolicy(d, 'calls', 0, 'preset', undefined), 'calls', 0, 'retry.attempts', undefined);
    back = setPolicy(back, 'services', 0, 'queue.limit', undefined);
    expect(back.calls[0].policy).toBeUndefined();
    expect(back.services[0].policy).toBeUndefined();
    expect(checkDraft(back).ok).toBe(true);
  });
});

describe('an event that reads a setting', () => {
  it('gets a value of its own: the setting\'s default, a time of day as it is', () => {
    const d = single();
    const fixed = fixEventValue(fixEventValue(d, 0, 'at'), 0, 'capacityPercent');
    expect(fixed.timeline[0]).toMatchObject({ at: 60, capacityPercent: 20, durationS: '$trigger.duration' });
    expect(d.timeline[0]).toMatchObject({ at: '$trigger.at', capacityPercent: '$trigger.capacity' });
    expect(checkDraft(fixed).ok).toBe(true);
    const azure = fromModel(BUILTIN_MODELS['azure-2026-02']);
    const i = azure.timeline.findIndex((e) => e.at === '$rollout.disableAt');
    const own = fixEventValue(azure, i, 'at');
    expect(own.timeline[i].at).toBe('21:18');
    expect(checkDraft(own).ok).toBe(true);
  });

  it('a value of its own already, or a draft the loader refuses, is left as it is', () => {
    const d = fixEventValue(single(), 0, 'at');
    expect(fixEventValue(d, 0, 'at')).toBe(d);
    const refused = setField(single(), ['dtS'], -1);
    expect(fixEventValue(refused, 0, 'at')).toBe(refused);
  });
});

describe('undo and redo', () => {
  it('go back and forth over edits; the last valid draft is what runs', () => {
    const store = createBuildStore();
    store.getState().start(single(), 'single-service');
    const first = store.getState().draft;
    store.getState().edit((d) => addService(d).draft);
    const added = store.getState().draft;
    store.getState().edit((d) => setField(d, ['services', 1, 'capacityRps'], -1));
    expect(store.getState().checked?.ok).toBe(false);
    expect(store.getState().valid).toBe(added);
    store.getState().undo();
    expect(store.getState().draft).toBe(added);
    store.getState().undo();
    expect(store.getState().draft).toBe(first);
    store.getState().undo();
    expect(store.getState().draft).toBe(first);
    store.getState().redo();
    expect(store.getState().draft).toBe(added);
    store.getState().edit((d) => setField(d, ['title'], 'Built: mine'));
    expect(store.getState().future).toEqual([]);
  });
});

describe('the model link', () => {
  it('carries a patch against the model it started from, and reads back the same model', async () => {
    const d = addService(single()).draft;
    const text = await encodeModelLink(d as Json, 'single-service');
    const whole = await encodeModelLink(d as Json, null);
    expect(text.length).toBeLessThan(whole.length);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    const read = await decodeModelLink(text);
    expect(read.ok && read.data).toEqual(d);
    expect(read.ok && read.origin).toBe('single-service');
    const back = await decodeModelLink(whole);
    expect(back.ok && back.data).toEqual(d);
  });

  it('carries a new model whole, within the link budget', async () => {
    const d = template('two-regions');
    const text = await encodeModelLink(d as Json, null);
    expect(text.length).toBeLessThan(1000);
    const read = await decodeModelLink(text);
    expect(read.ok && read.data).toEqual(d);
  });

  it('refuses hostile links with one sentence, without inflating them', async () => {
    const say = async (text: string) => {
      const r = await decodeModelLink(text);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error;
    };
    // 50 MB of spaces deflate to about 50 KB; 2 MB of them to a couple of KB.
    const bomb = b64url(deflateRawSync(Buffer.alloc(2 * MAX_INFLATED_BYTES, 32), { level: 9 }));
    expect(bomb.length).toBeLessThan(16_384);
    expect(await say(bomb)).toMatch(/inflates to more than 1 MB/);
    expect(await say('not base64!')).toMatch(/base64url/);
    expect(await say('AAAA')).toMatch(/not a deflated model/);
    const pack = (payload: unknown) => b64url(deflateRawSync(Buffer.from(JSON.stringify(payload))));
    expect(await say(pack({ b: 'toString', p: [] }))).toMatch(/not a model of this lab/);
    expect(await say(pack({ b: 'single-service', p: [{ op: 'add', path: '/__proto__/x', value: 1 }] }))).toMatch(/member every object has/);
    expect(await say(pack({ m: BUILTIN_MODELS['single-service'] }))).toMatch(/does not say it was built/);
    expect(await say(pack({ m: { ...single(), services: 'x' } }))).toMatch(/the model is invalid: services/);
    expect(await say(pack({ m: { ...single(), durationS: 7 * 86400, dtS: 0.01 } }))).toMatch(/too big to run here/);
    expect(await say(pack({ m: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] }))).toMatch(/nested more than/);
    expect(await say(pack({ m: single(), x: 1 }))).toMatch(/holds no model/);
  });
});
