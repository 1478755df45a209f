/**
 * Calm regions advanced a control interval at a time (`Simulation.advance`) give the run a
 * step-by-step run gives: every count to the rounding of a sum, every health state and every
 * second of trouble exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/engine/model.ts';
import type { ParamValue } from '../../src/params/registry.ts';
import { Simulation, type Snapshot } from '../../src/engine/simulation.ts';
import { model } from '../helpers.ts';

/** The largest difference between two runs' figures, relative to the step-by-step run's (`a`). */
function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]) / Math.max(1, Math.abs(a[k])));
  return worst;
}

/** What the machines make of every service (health and condition), and which services are in trouble. */
const seen = (sim: Simulation) => `${sim.state.nodes.map((n) => `${n.health}${n.condition}`).join(' ')} ${sim.state.trouble.now.join('')}`;

/** The incident run both ways to `fromS`, and the front doors of the storm regions (East and West US). */
function stormDoorsAt(fromS: number) {
  const loaded = model('azure-2026-02');
  const stepped = new Simulation(loaded);
  const calm = new Simulation(loaded);
  stepped.runTo(fromS);
  calm.runTo(fromS);
  const storm = ['eastus', 'westus'].map((id) => calm.topo.regionIds.indexOf(id));
  const doors = calm.topo.nodes.filter((n) => storm.includes(n.region) && loaded.model.services[n.service].door).map((n) => n.index);
  const calmBefore = calm.calmShare * calm.state.tick * calm.topo.regionIds.length;
  /** Region-steps advanced calm since `fromS`. */
  const calmSteps = () => calm.calmShare * calm.state.tick * calm.topo.regionIds.length - calmBefore;
  return { stepped, calm, doors, calmSteps };
}

/**
 * Runs the model both ways, comparing health and trouble every `chunkS` seconds (calm stretches
 * end there), from the start or from `fromS` (both from a snapshot of a run to then); returns the
 * share of region-steps the calm run advanced calm. A second calm run advanced `longS` at a time (stretches of calm intervals running to
 * the next event), if asked for, is compared where the two meet.
 */
function bothWays(id: string, params: Record<string, ParamValue> = {}, chunkS = 60, durationS?: number, fromS = 0, longS?: number): number {
  const loaded = model(id);
  const start = new Simulation(loaded, { params, durationS });
  start.runTo(fromS);
  const from = start.snapshot();
  const stepped = Simulation.restore(loaded, from);
  const calm = Simulation.restore(loaded, from);
  const long = longS ? Simulation.restore(loaded, from) : undefined;
  const minute = Math.round(chunkS / stepped.dtS);
  const view = (sim: Simulation) => `${sim.state.tick} ${sim.state.nodes.map((n) => n.health).join('')} ${sim.state.trouble.now.join('')}`;
  const differ: string[] = [];
  while (!stepped.done) {
    for (let k = 0; k < minute && !stepped.done; k++) stepped.step();
    calm.advance(minute);
    if (view(calm) !== view(stepped)) differ.push(`${view(stepped)} ≠ ${view(calm)}`);
    if (long && (stepped.done || (stepped.state.tick - from.state.tick) % Math.round(longS! / stepped.dtS) === 0)) {
      long.advance(stepped.state.tick - long.state.tick);
      if (view(long) !== view(stepped)) differ.push(`${view(stepped)} ≠ ${view(long)} (long stretches)`);
    }
  }
  expect(differ.slice(0, 3)).toEqual([]);
  for (const sim of long ? [calm, long] : [calm]) {
    expect(worstDiff(stepped.state.cum, sim.state.cum)).toBeLessThan(1e-9);
    expect([...sim.state.trouble.seconds]).toEqual([...stepped.state.trouble.seconds]);
    const parked = (s: Simulation) => s.state.sources.map((src) => Math.round(src.parked));
    expect(parked(sim)).toEqual(parked(stepped));
  }
  const calmShareSince = (sim: Simulation) => (sim.calmShare * sim.state.tick) / (sim.state.tick - from.state.tick);
  if (long) expect(calmShareSince(long)).toBeGreaterThan(0.8);
  return calmShareSince(calm);
}

/** 23:50, twenty minutes before storage is back in East US. */
const STORM_FROM = 6 * 3600 + 20 * 60;

describe('calm regions advanced a control interval at a time', () => {
  it('the incident: the same run, with most region-steps advanced calm, a minute at a time or to the next event', () => {
    const calmShare = bothWays('azure-2026-02', {}, 60, undefined, 0, 3 * 3600);
    // Including regions with half of their storage restored, whose orchestrators hold their backlog
    // while exactly half of the work fails, regions whose orchestrators resume their backlog once
    // their storage is back, and the storm regions once the storm is over.
    expect(calmShare).toBeGreaterThan(0.8);
  });

  it('the incident with a health gate that halts the rollout and schedules its rollback: the same run (to 19:30)', () => {
    expect(bothWays('azure-2026-02', { 'rollout.gate': 'sees-vm-failures' }, 60, 2 * 3600)).toBeGreaterThan(0.3);
  });

  it.each<[string, Record<string, ParamValue>]>([
    ['failover to the pair at 100 %', { failover: 100 }],
    ['a bounded queue', { 'queue.limit': 1000 }],
    ['a per-caller quota at identity that bystanders go over while identity has room', { 'identity.quota': 40 }],
  ])('the incident with %s: the same run (23:50 to 01:30, through the storm\'s onset)', (_, params) => {
    expect(bothWays('azure-2026-02', params, 60, 8 * 3600, STORM_FROM)).toBeGreaterThan(0.3);
  });

  it('a service the noise takes over its capacity in some steps: only intervals with room in every step are calm', () => {
    // 975 req/s with ±3.5 % noise against 1000: most intervals have a step over capacity, and queue.
    const calmShare = bothWays('single-service', { load: 975, 'trigger.duration': 0, 'retry.attempts': 0 });
    expect(calmShare).toBeGreaterThan(0);
    expect(calmShare).toBeLessThan(0.5);
  });

  it('a service comfortably below capacity is', () => {
    expect(bothWays('single-service', { load: 500, 'trigger.duration': 0 })).toBeGreaterThan(0.9);
  });

  it.each<[string, ParamValue]>([
    ['all at once, as in the incident', 'all'],
    ['in batches', 'batched'],
  ])('orchestrators resuming parked work %s: calm, and their backlog runs down exactly as step by step', (_, release) => {
    // From 00:00 the quiet regions have all of their storage back and resume the work they parked.
    const loaded = model('azure-2026-02');
    const params = { 'recovery.release': release };
    const stepped = new Simulation(loaded, { params });
    const calm = new Simulation(loaded, { params });
    const midnight = 6.5 * 3600;
    stepped.runTo(midnight);
    calm.runTo(midnight);
    const quiet = ['westeurope', 'northeurope', 'southeastasia', 'eastasia'].map((id) => calm.topo.regionIds.indexOf(id));
    const sources = calm.topo.sources.filter((src) => quiet.includes(src.region) && loaded.model.sources[src.def].parks).map((src) => src.index);
    const parked = (sim: Simulation) => sources.map((k) => sim.state.sources[k].parked);
    const before = parked(calm);
    expect(Math.min(...before)).toBeGreaterThan(1000);
    const calmBefore = calm.calmShare * calm.state.tick * calm.topo.regionIds.length;
    const differ: string[] = [];
    for (let minute = 0; minute < 60; minute++) {
      for (let k = 0; k < 60; k++) stepped.step();
      calm.advance(60);
      if (parked(calm).join() !== parked(stepped).join()) differ.push(`${minute}: ${parked(stepped)} ≠ ${parked(calm)}`);
    }
    expect(differ.slice(0, 3)).toEqual([]);
    const after = parked(calm);
    expect(after.every((p, k) => p < before[k])).toBe(true);
    // The storm regions step every step; the four quiet ones are calm for most of the hour.
    const calmSteps = calm.calmShare * calm.state.tick * calm.topo.regionIds.length - calmBefore;
    expect(calmSteps).toBeGreaterThan(0.75 * 4 * 3600);
    expect([...calm.state.trouble.seconds]).toEqual([...stepped.state.trouble.seconds]);
  });

  it('a front door ramping traffic back once it holds nothing: calm, and seen as step by step', () => {
    // The storm regions' doors ramp back until 06:05; what they held has drained by 05:42. From
    // 05:45:30, the minutes compared end between control steps of the ramp, not at its end.
    const { stepped, calm, doors, calmSteps } = stormDoorsAt(12.25 * 3600 + 30);
    expect(doors.every((i) => calm.state.nodes[i].rampEnd > calm.state.tick && calm.doorHeld(i) === 0)).toBe(true);
    const differ: string[] = [];
    let whileRamping = 0;
    for (let minute = 0; minute < 30; minute++) {
      for (let j = 0; j < 60; j++) stepped.step();
      calm.advance(60);
      if (seen(calm) !== seen(stepped)) differ.push(`${calm.time}: ${seen(stepped)} ≠ ${seen(calm)}`);
      if (minute === 18) whileRamping = calmSteps();
    }
    expect(differ.slice(0, 3)).toEqual([]);
    // Until 06:04 the doors still ramp: every region, theirs too, was calm most of the time.
    expect(whileRamping).toBeGreaterThan(0.75 * 6 * 19 * 60);
    // Then the doors opened (door-limited, then not), as step by step.
    expect(doors.every((i) => calm.state.nodes[i].doorLimit !== calm.state.nodes[i].doorLimit)).toBe(true);
    expect([...calm.state.trouble.seconds]).toEqual([...stepped.state.trouble.seconds]);
    expect(worstDiff(stepped.state.cum, calm.state.cum)).toBeLessThan(1e-9);
  });

  it('a front door ramping traffic back while it holds work: calm, its callers\' views stepped, as step by step', () => {
    // From 04:30 to 05:30 the storm regions' doors admit a growing share of what they hold (East
    // US's callers also have work held at West US's door, and the other way round).
    const { stepped, calm, doors, calmSteps } = stormDoorsAt(11 * 3600); // 04:30
    expect(doors.every((i) => calm.doorHeld(i) > 1e6 && calm.state.nodes[i].doorLimit < 0.1)).toBe(true);
    const views = (sim: Simulation) => sim.state.flows.map((f) => [f.pOk, f.pDone, f.held0, f.held1]).flat();
    const differ: string[] = [];
    let worst = 0;
    for (let minute = 0; minute < 60; minute++) {
      for (let j = 0; j < 60; j++) stepped.step();
      calm.advance(60);
      if (seen(calm) !== seen(stepped)) differ.push(`${calm.time}: ${seen(stepped)} ≠ ${seen(calm)}`);
      worst = Math.max(worst, worstDiff(views(stepped), views(calm)));
    }
    expect(differ.slice(0, 3)).toEqual([]);
    expect(worst).toBeLessThan(1e-9);
    // The doors admitted more and more, and the views moved: identity's callers saw less held back.
    expect(doors.every((i) => calm.state.nodes[i].doorLimit > 0.6)).toBe(true);
    expect(calmSteps()).toBeGreaterThan(0.9 * 6 * 3600);
    expect(worstDiff(stepped.state.cum, calm.state.cum)).toBeLessThan(1e-9);
    expect([...calm.state.trouble.seconds]).toEqual([...stepped.state.trouble.seconds]);
  });

  it('a ramp that ends between events: its door opening is seen when it opens, as step by step', () => {
    // From 05:00 UTC the operators ramp East and West US to full traffic over 3517 s, so the door
    // opens in the middle of a calm stretch; the service looks fine from then, and is healthy once
    // it has looked fine for five minutes.
    const loaded = model('azure-2026-02');
    const from = 11.5 * 3600;
    const start = new Simulation(loaded);
    start.runTo(from);
    const stepped = Simulation.restore(loaded, start.snapshot());
    const calm = Simulation.restore(loaded, start.snapshot());
    const ramp: Action = { type: 'ramp', service: 'identity', regions: ['eastus', 'westus'], toPercent: 100, durationS: 3517 };
    stepped.act(ramp);
    calm.act(ramp);
    const i = calm.topo.nodeIndex(calm.topo.regionIds.indexOf('eastus'), calm.topo.serviceIds.indexOf('identity'));
    const end = from + 3517;
    const health = { stepped: [] as string[], calm: [] as string[] };
    for (const after of [290, 300, 306, 320, 400]) {
      while (stepped.time < end + after) stepped.step();
      calm.advance((end + after - calm.time) / calm.dtS);
      health.stepped.push(`${after}: ${stepped.healthOf(i)}`);
      health.calm.push(`${after}: ${calm.healthOf(i)}`);
    }
    expect(health.calm).toEqual(health.stepped);
    expect([health.stepped[0], health.stepped[4]]).toEqual(['290: recovering', '400: healthy']);
  });

  it.each<[string, Record<string, ParamValue>]>([
    ['a circuit breaker', { breaker: 'on' }],
    ['a retry budget', { 'retry.budget': 10 }],
    ['adaptive throttling', { 'throttle.k': 2 }],
  ])('the incident with %s, whose averages move every step: the same run (23:50 to 01:30)', (_, params) => {
    expect(bothWays('azure-2026-02', params, 60, 8 * 3600, STORM_FROM)).toBeGreaterThan(0.3);
  });
});

describe('calm regions with front doors that operators set, shut and ramp (property)', () => {
  /** Runs the model both ways with the operators' actions at their times; compares every `chunkS`. */
  function bothWaysActing(id: string, params: Record<string, ParamValue>, actions: { at: number; action: Action }[], endS: number, chunkS: number, from?: Snapshot): Simulation {
    const loaded = model(id);
    // Both ways from one moment (a snapshot of a run to just before the first action), or from the start.
    const stepped = from ? Simulation.restore(loaded, from) : new Simulation(loaded, { params, durationS: endS });
    const calm = from ? Simulation.restore(loaded, from) : new Simulation(loaded, { params, durationS: endS });
    const chunk = Math.round(chunkS / stepped.dtS);
    const view = (sim: Simulation) => `${sim.state.tick} ${seen(sim)}`;
    const differ: string[] = [];
    const due = [...actions].sort((a, b) => a.at - b.at);
    while (!stepped.done) {
      const next = Math.min(stepped.state.tick + chunk, due.length > 0 ? Math.round(due[0].at / stepped.dtS) : Infinity);
      while (stepped.state.tick < next && !stepped.done) stepped.step();
      calm.advance(next - calm.state.tick);
      while (due.length > 0 && Math.round(due[0].at / stepped.dtS) <= stepped.state.tick) {
        const { action } = due.shift()!;
        stepped.act(action);
        calm.act(action);
      }
      if (view(calm) !== view(stepped)) differ.push(`${view(stepped)} ≠ ${view(calm)}`);
    }
    expect(differ.slice(0, 3)).toEqual([]);
    const held = (sim: Simulation) => sim.state.flows.map((f) => f.held0 + f.held1);
    expect(worstDiff(stepped.state.cum, calm.state.cum)).toBeLessThan(1e-9);
    expect(worstDiff(held(stepped), held(calm))).toBeLessThan(1e-9);
    expect([...calm.state.trouble.seconds]).toEqual([...stepped.state.trouble.seconds]);
    return calm;
  }

  const door = fc.oneof(
    fc.record({ kind: fc.constant('admission' as const), percent: fc.oneof(fc.constant<number | 'off'>(0), fc.constant<number | 'off'>('off'), fc.integer({ min: 0, max: 100 })) }),
    fc.record({ kind: fc.constant('ramp' as const), toPercent: fc.integer({ min: 0, max: 100 }), durationS: fc.integer({ min: 1, max: 600 }) }),
  );

  it('the single service: the same run, whatever the doors do and when', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 1100 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 850 }), door }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 7, max: 97 }),
        (load, doors, chunkS) => {
          const actions = doors.map(({ at, door: d }) => ({
            at,
            action: (d.kind === 'admission' ? { type: 'admission', service: 'server', percent: d.percent } : { type: 'ramp', service: 'server', toPercent: d.toPercent, durationS: d.durationS }) as Action,
          }));
          bothWaysActing('single-service', { load, 'trigger.duration': 0 }, actions, 900, chunkS);
        },
      ),
      { numRuns: 25, seed: 11 },
    );
  });

  it('the incident, in a quiet region: the same run, and calm while its door admits all or is shut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 7200, max: 10800 }), door }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 31, max: 611 }),
        (doors, chunkS) => {
          const actions = doors.map(({ at, door: d }) => ({
            at,
            action: (d.kind === 'admission'
              ? { type: 'admission', service: 'identity', regions: ['westeurope'], percent: d.percent }
              : { type: 'ramp', service: 'identity', regions: ['westeurope'], toPercent: d.toPercent, durationS: d.durationS }) as Action,
          }));
          const sim = bothWaysActing('azure-2026-02', {}, actions, 12600, chunkS);
          expect(sim.calmShare).toBeGreaterThan(0.5);
        },
      ),
      { numRuns: 4, seed: 5 },
    );
  });

  it('the incident while operators shut, open, ramp and isolate regions at random (storm pair included): the same run', () => {
    const regions = fc.subarray(['eastus', 'westus', 'westeurope', 'northeurope'], { minLength: 1 });
    const act = fc.oneof(
      fc.record({ kind: fc.constant('admission' as const), percent: fc.oneof(fc.constant<number | 'off'>(0), fc.constant<number | 'off'>('off'), fc.integer({ min: 0, max: 100 })), regions }),
      fc.record({ kind: fc.constant('ramp' as const), toPercent: fc.integer({ min: 0, max: 100 }), durationS: fc.integer({ min: 1, max: 3000 }), regions }),
      fc.record({ kind: fc.constantFrom('isolate' as const, 'reconnect' as const), regions }),
    );
    // Every case runs both ways from the same moment, ten minutes before the first action can come.
    const start = new Simulation(model('azure-2026-02'), { durationS: 46000 });
    start.runTo(30000 - 600);
    const from = start.snapshot();
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.integer({ min: 30000, max: 44000 }), a: act }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 31, max: 611 }), (acts, chunkS) => {
        const actions = acts.map(({ at, a }) => ({
          at,
          action: (a.kind === 'admission'
            ? { type: 'admission', service: 'identity', regions: a.regions, percent: a.percent }
            : a.kind === 'ramp'
              ? { type: 'ramp', service: 'identity', regions: a.regions, toPercent: a.toPercent, durationS: a.durationS }
              : { type: a.kind, regions: a.regions }) as Action,
        }));
        bothWaysActing('azure-2026-02', {}, actions, 46000, chunkS, from);
      }),
      { numRuns: 3, seed: 31 },
    );
  }, 120_000);
});
