/**
 * A call's own policy and a service's own policy (model schema 2): where a model gives one, it
 * applies there instead of the model-wide parameter; everywhere else the parameters apply as
 * before, and a version-1 model runs unchanged.
 */
import { describe, expect, it } from 'vitest';
import { loadModel, mustLoadModel } from '../../src/engine/load-model.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { M } from '../../src/engine/state.ts';
import { threeLayersData } from '../../src/engine/validation.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Users → front → middle → bottom (the SRE book's three layers), as a version-2 model whose bottom fails every try. */
function layers(edit: (m: Json) => void = () => {}): Json {
  const m: Json = { ...threeLayersData(), schema: 2, id: 'layers', defaults: { 'retry.attempts': 3, 'retry.jitter': 'none' } };
  m.params[0].default = 100;
  edit(m);
  return m;
}

/** Offered load at each service over 120–600 s, as a multiple of the users' new work. */
function amplification(m: Json, params: Record<string, number | string> = {}): Record<string, number> {
  const sim = new Simulation(mustLoadModel(m), { params });
  const N = sim.topo.nodes.length;
  sim.runTo(120);
  const before = Float64Array.from(sim.state.cum);
  sim.runTo(600);
  const c = sim.state.cum;
  const demand = c[M.demand * N + 0] - before[M.demand * N + 0];
  return Object.fromEntries(sim.topo.serviceIds.map((id, i) => [id, (c[M.offered * N + i] - before[M.offered * N + i]) / demand]));
}

describe('a call\'s own retry policy', () => {
  it('applies to that call only: 3 retries everywhere give 64 tries at the bottom; none on one call and one on the other give 4 × 1 × 2', () => {
    const everywhere = amplification(layers());
    expect(everywhere.front).toBeCloseTo(4, 6);
    expect(everywhere.middle).toBeCloseTo(16, 6);
    expect(everywhere.bottom).toBeCloseTo(64, 6);
    const own = amplification(layers((m) => {
      m.calls[0].policy = { 'retry.attempts': 0 };
      m.calls[1].policy = { 'retry.attempts': 1 };
    }));
    expect(own.front).toBeCloseTo(4, 6);
    expect(own.middle).toBeCloseTo(4, 6);
    expect(own.bottom).toBeCloseTo(8, 6);
  });

  it('keeps it when the model-wide parameter moves: the slider changes the calls without one', () => {
    const m = layers((x) => (x.calls[1].policy = { 'retry.attempts': 1 }));
    const a = amplification(m, { 'retry.attempts': 0 });
    expect([a.front, a.middle, a.bottom].map((x) => +x.toFixed(6))).toEqual([1, 1, 2]);
  });

  it('may name a real client\'s preset, and refine it: Envoy retries once; its budget applies to its call alone', () => {
    const envoy = amplification(layers((m) => (m.calls[0].policy = { preset: 'envoy', 'retry.budget': 'off' })));
    expect(envoy.middle).toBeCloseTo(4 * 2, 6);
    expect(envoy.bottom).toBeCloseTo(4 * 2 * 4, 6);
    // With Envoy's own 20 % budget the middle sees about 1.2 tries per request it is sent, not 2.
    const budgeted = amplification(layers((m) => (m.calls[0].policy = { preset: 'envoy' })));
    expect(budgeted.middle / budgeted.front).toBeGreaterThan(1.15);
    expect(budgeted.middle / budgeted.front).toBeLessThan(1.25);
    expect(budgeted.bottom / budgeted.middle).toBeCloseTo(4, 6);
  });

  it('a version-1 model and the same model as version 2 without policies run the same, to the bit', () => {
    const one = new Simulation(mustLoadModel(layers((m) => (m.schema = 1))));
    const two = new Simulation(mustLoadModel(layers()));
    one.advance(Infinity);
    two.advance(Infinity);
    expect(Array.from(two.state.cum)).toEqual(Array.from(one.state.cum));
  });

  it('step by step and advanced calm give the same run with a breaker and a budget on one call only', () => {
    const m = layers((x) => {
      x.calls[1].policy = { breaker: 'on', 'retry.budget': 10 };
      x.params[0].default = 0;
      x.timeline = [{ at: 200, type: 'errors', service: 'bottom', percent: 100, durationS: 60 }];
    });
    const loaded = mustLoadModel(m);
    const stepped = new Simulation(loaded);
    const calm = new Simulation(loaded);
    while (!stepped.done) stepped.step();
    calm.advance(Infinity);
    expect(calm.calmShare).toBeGreaterThan(0.3);
    for (let k = 0; k < stepped.state.cum.length; k++) expect(calm.state.cum[k]).toBeCloseTo(stepped.state.cum[k], 6);
    // The breaker opened on that call, and on no other.
    expect(stepped.state.flows.map((f) => f.brkTotal > 0)).toEqual(stepped.topo.flows.map((f) => f.call === 1));
  });
});

describe('a service\'s own policy', () => {
  /** One service at twice its capacity for a minute. */
  const overloaded = (policy?: Json) => ({
    schema: 2, id: 'one', title: 'One service', durationS: 300, dtS: 1, noise: 0,
    regions: [{ id: 'local', label: 'Local' }],
    services: [{ id: 'server', label: 'Server', capacityRps: 1000, ...(policy ? { policy } : {}) }],
    calls: [],
    sources: [{ id: 'users', label: 'Users', service: 'server', rateRps: 2000 }],
    params: [],
    defaults: { 'retry.attempts': 0, timeout: 30 },
    timeline: [],
  });

  it('a queue limit of its own bounds its queue; without it the queue grows', () => {
    const run = (policy?: Json) => {
      const sim = new Simulation(mustLoadModel(overloaded(policy)));
      let most = 0;
      while (sim.time < 60) {
        sim.step();
        most = Math.max(most, sim.state.nodes[0].queued);
      }
      return most;
    };
    expect(run({ 'queue.limit': 500 })).toBeLessThanOrEqual(500 + 1e-6);
    expect(run()).toBeGreaterThan(10_000);
  });

  it('a quota of its own refuses what a caller sends over it while the service has no room; without it nothing is refused', () => {
    const throttledPerS = (policy?: Json) => {
      const sim = new Simulation(mustLoadModel(overloaded(policy)));
      sim.runTo(60);
      return sim.state.cum[M.throttled * sim.topo.nodes.length] / 60;
    };
    // 2000 req/s from one caller against 1000 req/s: over its quota, what finds no room is refused at once.
    expect(throttledPerS({ quota: 25 })).toBeCloseTo(1000, 0);
    expect(throttledPerS()).toBe(0);
  });
});

describe('the loader', () => {
  const refused = (m: Json) => {
    const r = loadModel(m);
    expect(r.ok).toBe(false);
    return r.ok ? '' : r.errors.join('\n');
  };

  it('names the field and what is allowed', () => {
    expect(refused(layers((m) => ((m.schema = 1), (m.calls[0].policy = { 'retry.attempts': 2 }))))).toMatch(/^calls\.0\.policy: a call's own policy needs "schema": 2/);
    expect(refused(layers((m) => (m.calls[0].policy = { 'retry.attempts': 99 })))).toMatch(/^calls\.0\.policy\.retry\.attempts: expected a whole number from 0 to 10/);
    expect(refused(layers((m) => (m.calls[0].policy = { retries: 3 })))).toMatch(/^calls\.0\.policy\.retries: /);
    expect(refused(layers((m) => (m.calls[0].policy = { preset: 'nginx' })))).toMatch(/^calls\.0\.policy\.preset: /);
    expect(refused(layers((m) => (m.calls[0].policy = { 'retry.baseDelay': 0.1 })))).toMatch(/^calls\.0\.policy\.retry\.baseDelay: expected .*0\.5/);
    expect(refused(layers((m) => (m.services[0].policy = { 'queue.discipline': 'random' })))).toMatch(/^services\.0\.policy\.queue\.discipline: expected one of/);
    expect(refused(layers((m) => (m.services[0].policy = { quota: 0 })))).toMatch(/^services\.0\.policy\.quota: expected/);
    expect(refused(layers((m) => (m.calls[0].policy = { ['__proto__']: 1 })))).toMatch(/^calls\.0\.policy/);
  });

  it('lets calls set a timeout only where every caller of the service waits as long', () => {
    // Sources enter the front: they wait the model-wide timeout.
    const m = layers();
    expect(loadModel(layers((x) => (x.calls[0].policy = { timeout: 2 }))).ok).toBe(true);
    m.services.push({ id: 'cache', label: 'Cache', capacityRps: 1e6 });
    m.calls.push({ from: 'front', to: 'cache', policy: { timeout: 2 } }, { from: 'middle', to: 'cache', policy: { timeout: 3 } });
    expect(refused(m)).toMatch(/^calls\.3\.policy\.timeout: 3 s, but calls\.2 into "cache" waits 2 s/);
    m.calls[3].policy = {};
    expect(refused(m)).toMatch(/^calls\.3\.policy\.timeout: every call into "cache" waits as long as the others/);
    m.sources.push({ id: 'jobs', label: 'Jobs', service: 'cache', rateRps: 1 });
    m.calls[3].policy = { timeout: 2 };
    expect(refused(m)).toMatch(/^calls\.2\.policy\.timeout: sources enter "cache" too/);
  });

  it('a call\'s own timeout is how long its service\'s queue keeps a request its caller waits for', () => {
    const sim = new Simulation(mustLoadModel(layers((m) => (m.calls[1].policy = { timeout: 2 }))));
    const bottom = sim.topo.serviceIds.indexOf('bottom');
    expect(sim.settings.timeoutTicks_s[bottom]).toBe(4);
    expect(sim.settings.timeoutTicks_s[sim.topo.serviceIds.indexOf('middle')]).toBe(sim.settings.call.timeoutTicks);
  });
});
