import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../models/index.ts';
import { clockAt, secondsAtTimeOfDay } from '../../src/engine/clock.ts';
import { decodeLink, encodeLink, PAGE_KEYS, readSettingsKey, settingsKey, type ModelCatalog } from '../../src/app/url.ts';
import { RESERVED_IDS, type ParamDef } from '../../src/params/registry.ts';
import { model } from '../helpers.ts';

const catalog: ModelCatalog = {
  ids: Object.keys(BUILTIN_MODELS),
  defaultId: DEFAULT_MODEL_ID,
  paramsOf: (id) => model(id).params,
  timeOf: (id, hhmm) => secondsAtTimeOfDay(model(id).model, hhmm),
  clockOf: (id, t) => (model(id).model.clock ? clockAt(model(id).model, t).slice(11, 16) : null),
  chaptersOf: (id) => model(id).model.story.length,
  servicesOf: (id) => model(id).model.services.map((x) => x.id),
  regionsOf: (id) => model(id).model.regions.map((x) => x.id),
};

const valueOf = (d: ParamDef): fc.Arbitrary<string | number> => {
  if (d.kind === 'enum') return fc.constantFrom(...d.options!);
  const step = d.step ?? 1;
  const n = fc.integer({ min: Math.ceil(d.min! / step), max: Math.floor(Math.min(d.max!, 1e6) / step) }).map((k) => Number((k * step).toFixed(6)));
  return d.off ? fc.oneof(n, fc.constant('off')) : n;
};

describe('links', () => {
  it('reserves every key the page uses, so that no model parameter can take one', () => {
    for (const key of ['v', 'model', 'seed', 't', 'chapter', 'at', 'op', 'compare', 'sweep', ...PAGE_KEYS]) expect(RESERVED_IDS, key).toContain(key);
  });

  it('round-trip every parameter of every model, with seed and time (property)', () => {
    for (const id of catalog.ids) {
      const defs = catalog.paramsOf(id);
      fc.assert(
        fc.property(
          fc.record(Object.fromEntries(defs.map((d) => [d.id, valueOf(d)])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string | number>>,
          fc.option(fc.integer({ min: 0, max: 4294967295 }), { nil: undefined }),
          fc.integer({ min: 0, max: Math.floor(model(id).model.durationS / 60) }).map((m) => m * 60),
          (params, seed, t) => {
            const link = encodeLink({ model: id, seed, t, params }, catalog);
            const back = decodeLink('?' + link, catalog);
            expect(back.notices).toEqual([]);
            expect(back.state.model).toBe(id);
            expect(back.state.seed).toBe(seed);
            if (t > 0) expect(back.state.t).toBe(t);
            // Defaults are left out; everything else comes back as it was.
            for (const d of defs) expect(back.state.params[d.id] ?? d.default).toEqual(params[d.id] ?? d.default);
          },
        ),
        { numRuns: 100 },
      );
    }
  });

  it('carries changes made during the run and operator actions, readably', () => {
    const link = encodeLink(
      {
        model: 'azure-2026-02',
        params: {},
        changes: [
          { t: 7.5 * 3600, id: 'failover', value: 0 },
          { t: 7.5 * 3600, action: { type: 'admission', service: 'identity', regions: ['eastus'], args: [0] } },
          { t: 8 * 3600, action: { type: 'ramp', service: 'identity', regions: ['eastus'], args: [100, 3600] } },
          { t: 9 * 3600, action: { type: 'rollout.disable', args: [] } },
        ],
      },
      catalog,
    );
    expect(decodeURIComponent(link)).toBe('v=2&model=azure-2026-02&at=01:00:failover=0&op=01:00:admission(identity,eastus,0)&op=01:30:ramp(identity,eastus,100,3600)&op=02:30:rollout.disable(,*)');
    const back = decodeLink('?' + link, catalog);
    expect(back.notices).toEqual([]);
    expect(back.state.changes).toEqual([
      { t: 7.5 * 3600, id: 'failover', value: 0 },
      { t: 7.5 * 3600, action: { type: 'admission', service: 'identity', regions: ['eastus'], args: [0] } },
      { t: 8 * 3600, action: { type: 'ramp', service: 'identity', regions: ['eastus'], args: [100, 3600] } },
      { t: 9 * 3600, action: { type: 'rollout.disable', service: undefined, regions: undefined, args: [] } },
    ]);
  });

  it('leaves out changes it cannot read, and says so', () => {
    const r = decodeLink('?model=azure-2026-02&at=01:00:failover=500&at=nonsense&op=01:00:admission(identity,mars,0)&op=01:00:explode()&op=01:00:ramp(identity,eastus,100)', catalog);
    expect(r.state.changes).toBeUndefined();
    expect(r.notices).toHaveLength(5);
    expect(r.notices[0]).toBe('The change "01:00:failover=500" could not be read and was left out.');
  });

  it('writes only what differs from the defaults, readably', () => {
    const link = encodeLink({ model: 'azure-2026-02', t: 6 * 3600 + 38 * 60, params: { 'retry.attempts': 0, failover: 30 } }, catalog);
    expect(link).toBe('v=2&model=azure-2026-02&t=00%3A08&retry.attempts=0');
  });

  it('opens garbage anyway: drops or clamps, and says which and why', () => {
    const r = decodeLink('?model=azure-2026-02&retry.attempts=99&timeout=abc&bogus=1&seed=-4&t=25:99&retry.jitter=<b>x</b>&hide=controls,sidebar', catalog);
    expect(r.state.model).toBe('azure-2026-02');
    expect(r.state.params).toEqual({ 'retry.attempts': 10 });
    expect(r.page.hide).toEqual(new Set(['controls']));
    expect(r.notices).toEqual([
      'Seed "-4" is not a whole number from 0 to 4294967295: the model\'s own seed is used.',
      'Time "25:99" is not a time on this model\'s clock: starting at the beginning.',
      'Retries: 99 is out of range, so 10 is used.',
      'Client timeout: "abc" is not a valid value and was ignored.',
      'Unknown setting "bogus" was ignored.',
      'Jitter: "<b>x</b>" is not a valid value and was ignored.',
      '"sidebar" cannot be hidden; parts that can: story, whatifs, operator, scoreboard, settings, charts, timeline, map, graph, share, compare, checks, controls.',
    ]);
  });

  it('falls back to the default model for an unknown one, and ignores a host\'s own keys', () => {
    const r = decodeLink('?model=nope&secret=abc&embed=1', catalog);
    expect(r.state.model).toBe(DEFAULT_MODEL_ID);
    expect(r.page.embed).toBe(true);
    expect(r.notices).toEqual(['Unknown model "nope": showing azure-2026-02 instead.']);
  });
});

describe('run B with settings of its own (compare=s:…)', () => {
  const grpc = { 'retry.attempts': 3, 'retry.baseDelay': 1, 'retry.maxDelay': 1, 'retry.jitter': 'full', 'retry.budget': 10, 'throttle.k': 'off', breaker: 'off', timeout: 10 };

  it('a link carries the settings and reads them back exactly, within the link budget', () => {
    const compare = settingsKey(grpc);
    expect(compare).toBe('s:retry.attempts=3,retry.baseDelay=1,retry.maxDelay=1,retry.jitter=full,retry.budget=10,throttle.k=off,breaker=off,timeout=10');
    const q = encodeLink({ model: 'azure-2026-02', t: 2400, params: {}, compare }, catalog);
    expect(q.length).toBeLessThan(300);
    const back = decodeLink('?' + q, catalog);
    expect(back.notices).toEqual([]);
    expect(back.state.compare).toBe(compare);
    expect(readSettingsKey(back.state.compare!, catalog.paramsOf('azure-2026-02'))!.params).toEqual(grpc);
  });

  it('a setting out of range is brought into it, an unknown one left out, each with a notice', () => {
    const back = decodeLink('?v=2&model=single-service&compare=s:retry.attempts=25,nonsense=1,__proto__=1,retry.jitter=full', catalog);
    expect(back.state.compare).toBe('s:retry.attempts=10,retry.jitter=full');
    expect(back.notices).toEqual([
      'Run B: Retries: 25 is out of range, so 10 is used.',
      'Run B: "nonsense=1" is not a setting of this model, so it was left out.',
      'Run B: "__proto__=1" is not a setting of this model, so it was left out.',
    ]);
    // Nothing usable: no comparison, said once.
    const none = decodeLink('?v=2&model=single-service&compare=s:constructor=1', catalog);
    expect(none.state.compare).toBeUndefined();
    expect(none.notices.at(-1)).toBe('"s:constructor=1" is not something to compare with, so there is no comparison.');
    expect(decodeLink(`?compare=s:${'retry.attempts=1,'.repeat(40)}`, catalog).state.compare).toBeUndefined();
  });

  it('version-2 links read back as they did: a what-if and a client policy', () => {
    expect(decodeLink('?v=2&model=azure-2026-02&t=01:30&compare=w:isolated', catalog)).toMatchObject({ state: { compare: 'w:isolated', t: 28800 }, notices: [] });
    expect(decodeLink('?v=2&compare=p:grpc', catalog).state.compare).toBe('p:grpc');
  });
});
