/** Links written by someone hostile: every one opens a working lab, and says what it left out. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/app/link.ts';
import { decodeLink, encodeLink, MAX_CONTROLS, MAX_NOTICES, opToAction, type Decoded } from '../../src/app/url.ts';
import { parseValue } from '../../src/params/registry.ts';

const catalog = builtinCatalog();

/** What every decoded link must be: a model, finite values within range, bounded notices. */
function expectSane(r: Decoded): void {
  expect(catalog.ids).toContain(r.state.model);
  expect(r.notices.length).toBeLessThanOrEqual(MAX_NOTICES + 1);
  for (const n of r.notices) expect(n.length).toBeLessThan(400);
  const defs = new Map(catalog.paramsOf(r.state.model).map((d) => [d.id, d]));
  for (const [id, value] of Object.entries(r.state.params)) {
    const def = defs.get(id)!;
    expect(Object.hasOwn(r.state.params, id) && def).toBeTruthy();
    // Whatever the link held, the simulation will take every setting read from it.
    expect(parseValue(def, value).ok).toBe(true);
    if (typeof value === 'number') {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(def.min!);
      expect(value).toBeLessThanOrEqual(def.max!);
    } else expect(def.kind === 'enum' ? def.options : ['off']).toContain(value);
  }
  if (r.page.controls) {
    expect(new Set(r.page.controls).size).toBe(r.page.controls.length);
    expect(r.page.controls.length).toBeLessThanOrEqual(MAX_CONTROLS);
  }
  const views = ['map', 'graph', 'charts', 'timeline'].filter((v) => v !== 'map' || r.state.model !== 'single-service');
  expect(views.every((v) => r.page.hide.has(v))).toBe(false);
  const duration = catalog.durationOf!(r.state.model);
  if (r.state.t !== undefined) expect(r.state.t >= 0 && r.state.t <= duration).toBe(true);
  for (const c of r.state.changes ?? []) {
    expect(c.t >= 0 && c.t <= duration).toBe(true);
    if ('action' in c) {
      for (const a of c.action.args) expect(a === 'off' || (Number.isFinite(a) && a >= 0 && a <= 604800)).toBe(true);
      expect(() => opToAction(c.action)).not.toThrow();
    }
  }
}

const KEYS = ['v', 'model', 'seed', 't', 'chapter', 'compare', 'at', 'op', 'hide', 'controls', 'sweep', 'embed', 'present', 'file', 'retry.attempts', 'retry.baseDelay', 'timeout', 'queue.limit', 'admission', 'load', 'failover', 'constructor', '__proto__', 'toString'];
const WORDS = ['', '0', '-1', '2.5', '0.5', '-0.5', '1e3', '.5', '1e308', '0x10', 'off', 'NaN', 'Infinity', '00:10', '25:99', 'constructor', '__proto__', 'single-service', 'azure-2026-02', 'identity', 'eastus', '*', '(', ')', ',', ':', '=', '%', '&', '\u0000', '\u001b[31m', '<b>', 'w:batched', 'admission', 'ramp', 'scaleout', 'fault', 'errors', 'latency', 'rollout.disable', 'server', 'local'];
const value = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((w) => w.join('')), fc.integer().map(String), fc.double().map(String));
const link = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), value), { maxLength: 20 }).map((pairs) => new URLSearchParams(pairs).toString());

describe('hostile links', () => {
  it('a name is looked up as the table\'s own entry, never through its prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const r = decodeLink(`?op=00:10:${name}(,*,5)&model=${name}&${name}=1&compare=w:${name}&hide=${name}&chapter=${name}`, catalog);
      expect(r.state.model).toBe('azure-2026-02');
      expect(r.state.changes).toBeUndefined();
      expect(Object.keys(r.state.params)).toEqual([]);
      expect(r.notices.join(' ')).toContain(`"00:10:${name}(,*,5)" could not be read`);
      expectSane(r);
    }
  });

  it('a map it cannot read is left out with a notice beside the link\'s other notices', () => {
    const r = decodeLink('?retry.attempts=abc&sweep=x=load;by=nothing', catalog);
    expect(r.state.sweep).toBeUndefined();
    expect(r.notices).toHaveLength(2);
    expect(r.notices).toContain('The map "x=load;by=nothing" could not be read, so it was left out.');
    expect(r.notices).toContain('Retries: "abc" is not a valid value and was ignored.');
    expect(decodeLink('?sweep=x=retry.attempts=0:4:5;by=trouble_s;seeds=2', catalog).state.sweep).toBe('x=retry.attempts=0:4:5;by=trouble_s;seeds=2');
    for (const bad of ['x=', 'by=outcome', 'x=load=1:2:3;seeds=0', 'x=load=1:2:3;seeds=11', ';;', 'x=load=1:2:3;by=__proto__']) {
      expect(decodeLink(`?sweep=${encodeURIComponent(bad)}`, catalog).state.sweep, bad).toBeUndefined();
    }
  });

  it('an operator action\'s seconds are whole steps of the model, and a link that said otherwise is told', () => {
    const r = decodeLink('?model=single-service&op=60:latency(server,local,0.1,30)&op=90:latency(server,local,2.6,30.5)', catalog);
    expect(r.state.changes!.map((c) => ('action' in c ? c.action.args : []))).toEqual([[0, 30], [2.5, 30.5]]);
    expect(r.notices).toEqual([
      'The operator action "60:latency(server,local,0.1,30)": latency added 0.1 s is not a whole number of this model\'s 0.25 s steps, so 0 s is used.',
      'The operator action "90:latency(server,local,2.6,30.5)": latency added 2.6 s is not a whole number of this model\'s 0.25 s steps, so 2.5 s is used.',
    ]);
    // A scale-out's delay is not counted in steps by the engine (it lands on the first step after it): kept as written.
    const delay = decodeLink('?op=00:10:scaleout(identity,eastus,50,0.4)', catalog);
    expect(delay.state.changes!.map((c) => ('action' in c ? c.action.args : []))).toEqual([[50, 0.4]]);
    expect(delay.notices).toEqual([]);
    // Whole steps pass without a word, and the link writes back what was used.
    const again = decodeLink('?' + encodeLink({ ...r.state }, catalog), catalog);
    expect(again.notices).toEqual([]);
  });

  it('a link cannot hide every view of the run: the page would be empty', () => {
    const all = decodeLink('?hide=story,whatifs,operator,scoreboard,settings,charts,timeline,map,graph,share,compare,checks,controls', catalog);
    expect([...all.page.hide].sort()).toEqual(['checks', 'compare', 'controls', 'operator', 'scoreboard', 'settings', 'share', 'story', 'whatifs']);
    expect(all.notices).toEqual(['This link hides every view of the run (map, graph, charts, timeline), which would leave an empty page, so they are shown.']);
    // single-service has no map: graph, charts and timeline are all its views.
    expect(decodeLink('?model=single-service&hide=graph,charts,timeline', catalog).page.hide.size).toBe(0);
    // Hiding some of them is a choice the link keeps.
    const some = decodeLink('?hide=map,graph,charts', catalog);
    expect([...some.page.hide].sort()).toEqual(['charts', 'graph', 'map']);
    expect(some.notices).toEqual([]);
  });

  it('an embed shows each setting once and at most MAX_CONTROLS of them, and says which it left out', () => {
    const ids = catalog.paramsOf('azure-2026-02').map((d) => d.id);
    const twice = decodeLink(`?controls=retry.attempts,failover,retry.attempts, failover`, catalog);
    expect(twice.page.controls).toEqual(['retry.attempts', 'failover']);
    expect(twice.notices).toEqual([]);
    expect(ids.length).toBeGreaterThan(MAX_CONTROLS);
    const all = decodeLink(`?controls=${[...ids, ...ids].join(',')}`, catalog);
    expect(all.page.controls).toEqual(ids.slice(0, MAX_CONTROLS));
    expect(all.notices).toEqual([`An embed shows at most ${MAX_CONTROLS} settings; the first ${MAX_CONTROLS} are shown and ${ids.length - MAX_CONTROLS} more are not.`]);
  });

  it('never throws, keeps every value finite and in range, and bounds its notices (property)', () => {
    fc.assert(fc.property(link, (q) => expectSane(decodeLink('?' + q, catalog))), { numRuns: 2000 });
  });

  it('reads what it can of an operator action and checks every argument', () => {
    const r = decodeLink('?model=azure-2026-02&op=18:00:scaleout(identity,eastus,-200,-5)&op=18:10:admission(identity,eastus,0x10)&op=18:20:ramp(identity,eastus,-500,-60)&op=18:30:fault(identity,eastus,1e308,60)&op=18:40:admission(identity,*,off)', catalog);
    const actions = (r.state.changes ?? []).map((c) => ('action' in c ? c.action : null));
    expect(actions).toEqual([
      { type: 'scaleout', service: 'identity', regions: ['eastus'], args: [0, 0] },
      { type: 'ramp', service: 'identity', regions: ['eastus'], args: [0, 1] },
      { type: 'admission', service: 'identity', regions: undefined, args: ['off'] },
    ]);
    expect(r.notices).toEqual([
      'The operator action "18:00:scaleout(identity,eastus,-200,-5)": capacity added -200 % is outside 0 to 1000 %, so 0 % is used.',
      'The operator action "18:00:scaleout(identity,eastus,-200,-5)": delay -5 s is outside 0 to 604800 s, so 0 s is used.',
      'The operator action "18:10:admission(identity,eastus,0x10)" was left out: its share "0x10" is not a number of %.',
      'The operator action "18:20:ramp(identity,eastus,-500,-60)": ramp to -500 % is outside 0 to 200 %, so 0 % is used.',
      'The operator action "18:20:ramp(identity,eastus,-500,-60)": duration -60 s is outside 1 to 604800 s, so 1 s is used.',
      'The operator action "18:30:fault(identity,eastus,1e308,60)" was left out: its capacity left "1e308" is not a number of %.',
    ]);
  });

  it('carries error and latency faults, validated', () => {
    const q = encodeLink({ model: 'single-service', params: {}, changes: [
      { t: 10, action: { type: 'errors', service: 'server', regions: ['local'], args: [50, 60] } },
      { t: 20, action: { type: 'latency', service: 'server', regions: ['local'], args: [2.5, 30] } },
    ] }, catalog);
    expect(decodeURIComponent(q)).toBe('v=2&model=single-service&op=10:errors(server,local,50,60)&op=20:latency(server,local,2.5,30)');
    const back = decodeLink('?' + q, catalog);
    expect(back.notices).toEqual([]);
    expect(back.state.changes).toEqual([
      { t: 10, action: { type: 'errors', service: 'server', regions: ['local'], args: [50, 60] } },
      { t: 20, action: { type: 'latency', service: 'server', regions: ['local'], args: [2.5, 30] } },
    ]);
    const example = decodeLink('?model=single-service&op=00:10:errors(server,local,50,60)', catalog);
    expect(example.notices).toEqual([]);
    expect(example.state.changes).toEqual([{ t: 600, action: { type: 'errors', service: 'server', regions: ['local'], args: [50, 60] } }]);
    const bad = decodeLink('?model=single-service&op=10:errors(server,local,150,60)&op=10:latency(nowhere,local,1,60)&op=10:errors(,*,50,60)', catalog);
    expect(bad.state.changes?.map((c) => ('action' in c ? c.action.args : null))).toEqual([[100, 60]]);
    expect(bad.notices).toHaveLength(3);
  });

  it('caps long values and long links, and echoes only a few dozen characters', () => {
    const digits = '1'.repeat(100_000) + 'x';
    const r = decodeLink(`?model=single-service&retry.attempts=${digits}&timeout=${digits}&at=10:timeout=${digits}`, catalog);
    expect(r.state.params).toEqual({});
    expect(r.notices.join(' ')).toContain('only its first 16,384 were read');
    for (const n of r.notices) expect(n.length).toBeLessThan(200);
    const short = decodeLink(`?model=single-service&load=${'1'.repeat(150)}x`, catalog);
    expect(short.notices).toEqual([`Load: "${'1'.repeat(37)}…" is not a valid value and was ignored.`]);
  });

  it('bounds its notices: says how many were ignored and shows the first few', () => {
    const junk = (n: number) => Array.from({ length: n }, (_, k) => `p${k}`).join(',');
    const r = decodeLink(`?model=single-service&hide=map,${junk(2000)}`, catalog);
    expect(r.page.hide).toEqual(new Set(['map']));
    expect(r.notices).toEqual(['"p0", "p1", "p2" and 1,997 more cannot be hidden; parts that can: story, whatifs, operator, scoreboard, settings, charts, timeline, map, graph, share, compare, checks, controls.']);
    const huge = decodeLink(`?model=single-service&load=500&hide=${junk(30_000)}`, catalog);
    expect(huge.state.params).toEqual({ load: 500 });
    expect(huge.notices).toEqual(['This link is 198,924 characters long; only its first 16,384 were read.']);
    const many = decodeLink('?' + Array.from({ length: 50 }, (_, k) => `x${k}=1`).join('&'), catalog);
    expect(many.notices).toHaveLength(MAX_NOTICES + 1);
    expect(many.notices[MAX_NOTICES]).toBe('42 more things in the link were ignored.');
  });

  it('says so when a time is outside the model\'s clock', () => {
    const r = decodeLink('?model=single-service&t=99999&at=99999:load=500&op=99999:restore(server,*)', catalog);
    expect(r.state.t).toBe(catalog.durationOf!('single-service'));
    expect(r.state.changes).toBeUndefined();
    expect(r.notices[0]).toMatch(/^Time "99999" is after the end of this model's clock \(\d+ s\): showing the end\.$/);
    expect(r.notices).toHaveLength(3);
    const clocked = decodeLink('?model=azure-2026-02&t=12:00', catalog);
    expect(clocked.notices).toEqual(['Time "12:00" is after the end of this model\'s clock (07:00): showing the end.']);
  });

  it('takes the last value of a key given twice, for every single-valued key', () => {
    const r = decodeLink('?model=azure-2026-02&model=single-service&seed=1&seed=2&t=10&t=20&load=100&load=200&chapter=1&compare=w:x&compare=w:y&embed=0&embed=1&hide=map&hide=graph&at=5:load=300&at=6:load=400', catalog);
    expect(r.state).toMatchObject({ model: 'single-service', seed: 2, t: 20, params: { load: 200 }, compare: 'w:y' });
    expect(r.state.changes).toHaveLength(2);
    expect(r.page).toEqual({ embed: true, present: false, hide: new Set(['graph']) });
  });
});
