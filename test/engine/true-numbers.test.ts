/**
 * Figures the lab shows that were once false, each checked the way a careful reader would: the
 * run that showed the fault, and the number it must show instead.
 */
import { describe, expect, it } from 'vitest';
import { scoreRun } from '../../src/engine/score.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { mean, model, run, type Run } from '../helpers.ts';

let replayRun: Run | undefined;
/** The incident as it happened, sampled every minute: run once for the whole file. */
const replayOnce = (): Run => (replayRun ??= run('azure-2026-02', { everyS: 60 }));

describe('a bounded queue limits what waits, not what is served at once', () => {
  it('at 47 % load a queue limit changes nothing (single-service)', () => {
    const r = run('single-service', { params: { load: 470, 'queue.limit': 100, 'trigger.duration': 0 }, everyS: 60 });
    const rows = r.between('local/server', 120, 900);
    expect(rows.every((x) => x.state === 'healthy' && x.rejected_rps === 0)).toBe(true);
    expect(mean(rows.map((x) => x.goodput_rps / x.demand_rps))).toBeCloseTo(1, 6);
  });

  it('East US identity at its normal load with a 1000-request limit serves all of it (incident)', () => {
    const r = run('azure-2026-02', { params: { 'queue.limit': 1000 }, durationS: 900, everyS: 300 });
    const x = r.at('eastus/identity', 900);
    expect(x.state).toBe('healthy');
    expect(x.rejected_rps).toBe(0);
    expect(x.goodput_rps).toBeCloseTo(x.demand_rps, 6);
  });

  it('under overload, what still waits after a step never exceeds the limit', () => {
    const sim = new Simulation(model('single-service'), { params: { 'queue.limit': 500 } });
    let worst = 0;
    while (!sim.done) {
      sim.step();
      worst = Math.max(worst, sim.state.nodes[0].queued);
    }
    expect(worst).toBeLessThanOrEqual(500 + 1e-6);
    expect(worst).toBeGreaterThan(400);
  });
});

describe('a circuit breaker closes again for a caller of any rate', () => {
  const breaker = run('azure-2026-02', { params: { breaker: 'on' }, everyS: 60 });

  it('VM operations in every region are back to their demand within the hour after their storage returns', () => {
    for (const region of ['southeastasia', 'eastasia', 'northeurope', 'westeurope']) {
      const x = breaker.at(`${region}/vm`, '01:30');
      expect(x.goodput_rps, region).toBeGreaterThan(0.9 * x.demand_rps);
      expect(x.trouble, region).toBe(0);
    }
  });

  it('East US VM does not flip between down and recovering for hours', () => {
    const states = breaker.between('eastus/vm', '01:00', '07:00').map((x) => x.state);
    let flips = 0;
    for (let k = 1; k < states.length; k++) if (states[k] !== states[k - 1]) flips++;
    expect(flips).toBeLessThan(10);
  });

  it('single-service with a breaker still recovers from the default trigger', () => {
    const r = run('single-service', { params: { breaker: 'on' } });
    expect(r.at('local/server', 900).trouble).toBe(0);
  });
});

describe('work held at a front door is waiting, one layer up as well', () => {
  it('while identity holds its work (03:57–04:25), East US VM operations are not reported as done', () => {
    const replay = replayOnce();
    for (const t of ['04:00', '04:10', '04:20', '04:25']) {
      const vm = replay.at('eastus/vm', t);
      const ext = replay.at('eastus/extensions', t);
      expect(vm.goodput_rps, t).toBeLessThan(0.5 * vm.demand_rps);
      expect(vm.state, t).not.toBe('healthy');
      expect(vm.trouble, t).toBe(1);
      expect(ext.goodput_rps, t).toBeLessThan(0.5 * ext.demand_rps);
    }
  });
});

describe('the story and the README say what the charts show', () => {
  it('single-service without retries: the queue drains within a minute of the trigger, out of trouble a minute later', () => {
    const r = run('single-service', { params: { 'retry.attempts': 0 }, everyS: 10 });
    expect(r.at('local/server', 150).queue).toBeLessThan(1);
    expect(r.between('local/server', 200, 900).every((x) => x.trouble === 0)).toBe(true);
    const withRetries = run('single-service', { everyS: 10 });
    expect(withRetries.between('local/server', 200, 900).every((x) => x.trouble === 1)).toBe(true);
  });

  it('the story\'s normal evening: identity runs at about half its capacity in every region, West US with less than East US', () => {
    const evening = run('azure-2026-02', { durationS: 3600, everyS: 60 });
    for (const region of ['eastus', 'westus', 'westeurope', 'northeurope', 'southeastasia', 'eastasia']) {
      const x = evening.at(`${region}/identity`, '17:45');
      expect(x.demand_rps / x.capacity_rps, region).toBeGreaterThan(0.4);
      expect(x.demand_rps / x.capacity_rps, region).toBeLessThan(0.55);
      expect(x.trouble, region).toBe(0);
    }
    expect(evening.at('westus/identity', '17:45').capacity_rps).toBeLessThan(evening.at('eastus/identity', '17:45').capacity_rps);
  });

  it('Managed Identity carries about 95 % of its normal load while the VM work is blocked', () => {
    const replay = replayOnce();
    const before = replay.at('eastus/identity', '17:50').demand_rps;
    const during = replay.at('eastus/identity', '20:00').demand_rps;
    expect(during / before).toBeGreaterThan(0.9);
    expect(during / before).toBeLessThan(0.99);
  });

  it('the scale-outs take East US identity from 30 k to 45 k to 75 k; the retries offer the same load, 25, 17 then 10 × capacity', () => {
    const replay = replayOnce();
    expect(replay.at('eastus/identity', '00:40').capacity_rps).toBeCloseTo(30000, -2);
    expect(replay.at('eastus/identity', '01:00').capacity_rps).toBeCloseTo(45000, -2);
    expect(replay.at('eastus/identity', '02:10').capacity_rps).toBeCloseTo(75000, -2);
    // The story and the figure's caption: "about 25 times", "17 times after the first and 10 after the second".
    const ratio = (t: string) => replay.at('eastus/identity', t).offered_rps / replay.at('eastus/identity', t).capacity_rps;
    expect(Math.round(ratio('00:40'))).toBe(25);
    for (const t of ['01:10', '01:30', '01:50']) expect(Math.round(ratio(t)), t).toBe(17);
    for (const t of ['02:10', '02:30', '03:30', '03:50']) expect(Math.round(ratio(t)), t).toBe(10);
    // The figure's caption: "peaks near 60 times it at 00:11".
    expect(Math.round(ratio('00:11') / 10) * 10).toBe(60);
    for (const t of ['00:09', '00:10', '00:12', '00:15']) expect(ratio(t), t).toBeLessThan(ratio('00:11'));
    // Capacity grew 2.5 times; what the retries offer did not move.
    const offered = ['00:40', '01:30', '03:30'].map((t) => replay.at('eastus/identity', t).offered_rps);
    expect(Math.max(...offered) / Math.min(...offered)).toBeLessThan(1.05);
  });

  it('the story\'s last hours: the backlog is gone by 05:40, nothing is in trouble from then, every service is healthy by 06:12', () => {
    const replay = replayOnce();
    expect(replay.at('eastus/identity', '05:35').backlog).toBeGreaterThan(1);
    for (const x of replay.rows.filter((r) => r.t >= replay.seconds('05:40'))) {
      expect(x.trouble, `${x.region}/${x.service} ${x.clock}`).toBe(0);
      expect(x.backlog, `${x.region}/${x.service} ${x.clock}`).toBeLessThan(1);
    }
    expect(replay.at('eastus/identity', '06:05').state).not.toBe('healthy');
    const at = replay.rows.filter((r) => r.t === replay.seconds('06:12'));
    expect(at.length).toBeGreaterThan(30);
    for (const x of at) expect(x.state, `${x.region}/${x.service}`).toBe('healthy');
  });

  it('the rollback restores half of the accounts first in five regions; East US\'s all at once, last, at 00:07', () => {
    const restores = model('azure-2026-02').model.timeline.filter((e) => e.type === 'restore');
    const last = restores[restores.length - 1];
    expect(last.at).toBe('00:07');
    const halves = restores.filter((e) => 'percent' in e && e.percent === 50).flatMap((e) => e.regions ?? []);
    expect(halves.sort()).toEqual(['eastasia', 'northeurope', 'southeastasia', 'westeurope', 'westus']);
    expect(restores.filter((e) => e.regions?.includes('eastus'))).toEqual([last]);
    expect('percent' in last ? last.percent : undefined).toBeUndefined();
  });
});

describe('what the lessons change, as their texts say', () => {
  const identityMinutes = (params: Record<string, string | number>) =>
    scoreRun(model('azure-2026-02'), { params }).families.find((f) => f.service === 'identity')!.minutes;

  it('a retry budget ends the storm; jitter, with the budget or without it, changes the time in trouble by under 1 % without it, by seconds with it (the what-if\'s text)', () => {
    const plain = identityMinutes({});
    const budget = identityMinutes({ 'retry.budget': 10, 'retry.jitter': 'none' });
    expect(budget).toBeLessThan(0.05 * plain);
    for (const jitter of ['equal', 'full', 'decorrelated']) {
      expect(Math.abs(identityMinutes({ 'retry.jitter': jitter }) - plain) / plain, jitter).toBeLessThan(0.01);
      // With the budget the storm lasts minutes; jitter moves its end by a few seconds.
      expect(Math.abs(identityMinutes({ 'retry.budget': 10, 'retry.jitter': jitter }) - budget), jitter).toBeLessThan(0.25);
    }
  });
});

describe('error and latency faults, as people inject them', () => {
  const quiet = { 'trigger.duration': 0 };

  it('an error fault fails that share of tries at once; retries make up for it while there is room', () => {
    const r = run('single-service', { params: { ...quiet, errors: 20 }, everyS: 60 });
    const x = r.at('local/server', 600);
    // 1 + p + p² + p³ tries per request, 1 − p⁴ of requests succeed (p = 0.2).
    expect(x.offered_rps / x.demand_rps).toBeCloseTo(1 + 0.2 + 0.04 + 0.008, 2);
    expect(x.goodput_rps / x.demand_rps).toBeCloseTo(1 - 0.2 ** 4, 3);
    expect(x.errored_rps / x.offered_rps).toBeCloseTo(0.2, 3);
    expect(x.trouble).toBe(0);
  });

  it('a latency fault shorter than the timeout leaves a quiet service fine; as long as the timeout, every try is lost', () => {
    const slow = run('single-service', { params: { ...quiet, latency: 4.75 }, everyS: 60 }).at('local/server', 600);
    expect(slow.goodput_rps).toBeCloseTo(slow.demand_rps, 6);
    expect(slow.trouble).toBe(0);
    const lost = run('single-service', { params: { ...quiet, latency: 5 }, everyS: 60 }).at('local/server', 600);
    expect(lost.goodput_rps).toBe(0);
    expect(lost.offered_rps / lost.demand_rps).toBeCloseTo(4, 1);
    expect(lost.wasted_rps).toBeGreaterThan(0.9 * lost.served_rps);
    expect(lost.trouble).toBe(1);
  });

  it('a latency fault retries at the timeout, not earlier: timed-out tries come back after T plus the backoff', () => {
    // Full-outage latency, one retry, 1 s backoff: the retry of a try sent at t is sent at t + 5 + 1.
    const sim = new Simulation(model('single-service'), { params: { ...quiet, latency: 10, 'retry.attempts': 1, 'retry.jitter': 'none' } });
    sim.runTo(5.75);
    const f = sim.state.flows[0];
    expect(f.sentRetry).toBe(0);
    sim.runTo(6.25);
    expect(f.sentRetry).toBeGreaterThan(0);
  });

  it('operators inject them on the incident: errors at East US identity put it in trouble for as long as they last', () => {
    const r = run('azure-2026-02', {
      durationS: 3600,
      everyS: 60,
      changes: [{ atS: 600, action: { type: 'errors', service: 'identity', regions: ['eastus'], percent: 100, durationS: 600 } }],
    });
    expect(r.at('eastus/identity', 590).trouble).toBe(0);
    expect(r.at('eastus/identity', 900).trouble).toBe(1);
    expect(r.at('eastus/identity', 900).errored_rps).toBeGreaterThan(0);
    expect(r.at('westeurope/identity', 900).trouble).toBe(0);
  });
});

describe('what is from the report and what is assumed', () => {
  const m = model('azure-2026-02').model;
  it('every timeline event, region, service, call, source, the rollout and every parameter of the incident carries its provenance', () => {
    const things: [string, { provenance?: { kind: string; text: string } }][] = [
      ...m.timeline.map((e, k): [string, typeof e] => [`timeline.${k}`, e]),
      ...m.regions.map((r): [string, typeof r] => [`region ${r.id}`, r]),
      ...m.services.map((x): [string, typeof x] => [`service ${x.id}`, x]),
      ...m.calls.map((c, k): [string, typeof c] => [`calls.${k}`, c]),
      ...m.sources.map((x): [string, typeof x] => [`source ${x.id}`, x]),
      ['rollout', m.rollout!],
      ...m.params.map((p): [string, typeof p] => [`param ${p.id}`, p]),
    ];
    for (const [what, x] of things) {
      expect(x.provenance, what).toBeDefined();
      expect(x.provenance!.text.length, what).toBeGreaterThan(10);
    }
    for (const id of Object.keys(m.defaults)) expect(m.provenance[`defaults.${id}`], id).toBeDefined();
  });

  it('what the report says is quoted from it; what it does not say is marked assumed', () => {
    const report = m.timeline.filter((e) => e.provenance?.kind === 'report');
    // Every reported event's time appears in its quote.
    // (An event at a parameter's time quotes the parameter's default, the time of the report.)
    const timeOf = (at: string | number) => (typeof at === 'string' && at.startsWith('$') ? String(m.params.find((p) => p.id === at.slice(1))!.default) : String(at));
    for (const e of report) expect(e.provenance!.text, String(e.at)).toContain(timeOf(e.at));
    // The regional restores after 21:50 are not in the report.
    for (const e of m.timeline.filter((x) => x.type === 'restore' && x.at !== '00:07')) expect(e.provenance!.kind).toBe('assumed');
  });
});
