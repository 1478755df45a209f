/**
 * The basic dynamics of a retry storm on one service (docs/model.md §3), on the teaching model:
 * 700 req/s against 1000 req/s, a 30 s drop to 20 % capacity at t = 60 s, 3 retries, 5 s timeout.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.ts';
import { mean, model, run } from '../helpers.ts';

const S = 'local/server';
const every = { everyS: 10 };

describe('single-service: metastability', () => {
  it('a retry storm outlives its trigger: offered ≈ 4× demand, goodput ≈ 0, long after capacity is back', () => {
    const r = run('single-service', every);
    const late = r.between(S, 400, 900);
    expect(late.every((x) => x.state === 'overloaded')).toBe(true);
    expect(mean(late.map((x) => x.capacity_rps))).toBeCloseTo(1000, 0);
    expect(mean(late.map((x) => x.offered_rps / x.demand_rps))).toBeGreaterThan(3.8);
    expect(mean(late.map((x) => x.goodput_rps))).toBeLessThan(0.01 * 700);
    // The server is busy the whole time, on requests nobody waits for any more.
    expect(mean(late.map((x) => x.wasted_rps))).toBeGreaterThan(990);
  });

  it('with no retries the same trigger recovers once it ends', () => {
    const r = run('single-service', { ...every, params: { 'retry.attempts': 0 } });
    expect(r.at(S, 80).state).toBe('overloaded');
    const after = r.between(S, 300, 900);
    expect(after.every((x) => x.state !== 'overloaded')).toBe(true);
    expect(mean(after.map((x) => x.goodput_rps / x.demand_rps))).toBeGreaterThan(0.99);
    expect(r.at(S, 900).state).toBe('healthy');
    expect(r.at(S, 900).queue).toBeLessThan(1);
  });

  it('stays healthy when the trigger is too small to push waits past the timeout', () => {
    const r = run('single-service', { ...every, params: { 'trigger.capacity': 90 } });
    expect(r.rows.every((x) => x.state === 'healthy')).toBe(true);
  });

  it('a load below capacity ÷ attempts is not metastable: the storm dies out by itself', () => {
    // 240 req/s × 4 tries = 960 < 1000: after the trigger, even a full retry storm fits.
    const r = run('single-service', { ...every, params: { load: 240, 'trigger.capacity': 0 } });
    expect(r.at(S, 80).state).toBe('down');
    expect(r.at(S, 100).offered_rps).toBeGreaterThan(2 * 240);
    expect(r.at(S, 900).state).toBe('healthy');
  });
});

describe('single-service: amplification and client protections', () => {
  const outage = { 'trigger.capacity': 0, 'trigger.duration': 840 };
  const ratio = (r: ReturnType<typeof run>) => mean(r.between(S, 400, 880).map((x) => x.offered_rps / x.demand_rps));

  it('in a full outage, offered load is attempts × demand', () => {
    for (const retries of [0, 1, 3, 5]) {
      const r = run('single-service', { ...every, params: { ...outage, 'retry.attempts': retries } });
      expect(ratio(r)).toBeCloseTo(retries + 1, 1);
    }
  });

  it('a 10 % retry budget keeps offered load near 1.1 × demand', () => {
    const r = run('single-service', { ...every, params: { ...outage, 'retry.budget': 10 } });
    expect(ratio(r)).toBeGreaterThan(1.05);
    expect(ratio(r)).toBeLessThan(1.15);
  });

  it('jitter spreads retries but does not reduce total work under sustained overload', () => {
    const none = ratio(run('single-service', { ...every, params: { ...outage } }));
    for (const jitter of ['full', 'equal', 'decorrelated']) {
      const r = run('single-service', { ...every, params: { ...outage, 'retry.jitter': jitter } });
      expect(ratio(r)).toBeCloseTo(none, 1);
    }
  });

  it('an open circuit breaker sheds nearly all load from a dead service', () => {
    const r = run('single-service', { ...every, params: { ...outage, breaker: 'on' } });
    expect(ratio(r)).toBeLessThan(0.2);
  });

  it('adaptive throttling (K = 2) rejects locally so the backend sees a fraction of demand', () => {
    const r = run('single-service', { ...every, params: { ...outage, 'throttle.k': 2 } });
    expect(ratio(r)).toBeLessThan(0.2);
  });

  it('budget, breaker, throttling and a deadline-aware queue each end the storm of the default trigger', () => {
    const settings: Record<string, string | number>[] = [{ 'retry.budget': 10 }, { breaker: 'on' }, { 'throttle.k': 2 }, { 'queue.discipline': 'deadline' }];
    for (const params of settings) {
      const r = run('single-service', { ...every, params });
      expect(r.at(S, 900).state, JSON.stringify(params)).not.toBe('overloaded');
      expect(r.at(S, 900).goodput_rps, JSON.stringify(params)).toBeGreaterThan(0.9 * 700);
    }
  });

  it('LIFO keeps serving fresh requests during the storm while old ones starve', () => {
    const r = run('single-service', { ...every, params: { 'queue.discipline': 'lifo' } });
    expect(mean(r.between(S, 300, 900).map((x) => x.goodput_rps))).toBeGreaterThan(0.95 * 700);
  });

  it('a bounded queue rejects at once instead of letting waits grow', () => {
    const r = run('single-service', { ...every, params: { 'queue.limit': 2000 } });
    expect(Math.max(...r.rows.map((x) => x.queue))).toBeLessThanOrEqual(2000 + 1e-6);
    expect(r.at(S, 80).rejected_rps).toBeGreaterThan(1000);
    // Waits never exceed 2 s, under the 5 s timeout: the storm ends with its trigger.
    expect(r.at(S, 300).state).not.toBe('overloaded');
  });
});

describe('single-service: recovery', () => {
  it('scale-out below the amplified load does not recover; above it, it does', () => {
    // The storm offers ≈ 2 800 req/s; capacity changes at t = 200 s.
    const below = run('single-service', { ...every, changes: [{ atS: 200, id: 'capacity', value: 2000 }] });
    expect(below.at(S, 900).state).toBe('overloaded');
    const above = run('single-service', { ...every, changes: [{ atS: 200, id: 'capacity', value: 3500 }] });
    expect(above.at(S, 900).state).not.toBe('overloaded');
    expect(above.at(S, 900).goodput_rps).toBeGreaterThan(0.95 * 700);
  });

  it('removing traffic then ramping it back recovers; a step re-enable relapses', () => {
    // Traffic is removed at 200 s; the server works off its queue (≈ 245 000 abandoned requests)
    // without new load; from 480 s the door admits 10 %, 25 %, … 100 % of capacity.
    const remove = { atS: 200, id: 'admission', value: 0 };
    const ramp = [10, 25, 40, 55, 70, 85, 100].map((p, k) => ({ atS: 480 + 30 * k, id: 'admission', value: p }));
    const ramped = run('single-service', { ...every, changes: [remove, ...ramp] });
    expect(ramped.at(S, 240).offered_rps).toBeLessThan(1);
    expect(ramped.at(S, 470).queue).toBeLessThan(1);
    expect(ramped.between(S, 490, 900).every((x) => x.timedout_rps < 1 && x.state !== 'overloaded')).toBe(true);
    // At full admission the held work drains at capacity − demand ≈ 300 req/s.
    expect(ramped.at(S, 800).backlog - ramped.at(S, 900).backlog).toBeGreaterThan(250 * 100);
    expect(ramped.at(S, 900).goodput_rps).toBeCloseTo(1000, -1);

    const step = run('single-service', { ...every, changes: [remove, { atS: 480, id: 'admission', value: 'off' }] });
    expect(step.at(S, 900).state).toBe('overloaded');
    expect(step.at(S, 900).goodput_rps).toBeLessThan(0.05 * 700);
  });

  it('an operator ramp keeps the door at capacity until the backlog drains, then opens it', () => {
    const sim = new Simulation(model('single-service'), { durationS: 2400 });
    sim.runTo(200);
    sim.act({ type: 'admission', service: 'server', percent: 0 });
    sim.runTo(480);
    sim.act({ type: 'ramp', service: 'server', toPercent: 100, durationS: 210 });
    sim.runTo(1000);
    expect(sim.backlogOf(0)).toBeGreaterThan(10_000);
    expect(sim.healthOf(0)).not.toBe('overloaded');
    sim.runTo(2400);
    expect(sim.backlogOf(0)).toBeLessThan(1e-6);
    expect(Number.isNaN(sim.state.nodes[0].doorLimit)).toBe(true);
    expect(sim.healthOf(0)).toBe('healthy');
    expect(sim.state.fired.map((e) => e.type)).toEqual(['fault', 'admission', 'ramp']);
  });

  it('work held at the front door is not lost: it waits in the backlog and is served later', () => {
    const r = run('single-service', { ...every, params: { 'retry.attempts': 0 }, changes: [{ atS: 10, id: 'admission', value: 50 }] });
    // 700 req/s against a door of 500 req/s: the backlog grows by about 200 per second.
    expect(r.at(S, 50).backlog).toBeGreaterThan(150 * 40);
    expect(r.at(S, 50).offered_rps).toBeCloseTo(500, -1);
  });
});
