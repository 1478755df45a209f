/**
 * The incident model against the report's timeline (docs/model.md §1) and each lesson's what-if.
 * Times are UTC clock times of 2–3 February 2026; samples are one minute apart.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.ts';
import { model, run, type Run } from '../helpers.ts';

const EUS = 'eastus/identity';
const WUS = 'westus/identity';
const REGIONS = ['eastus', 'westus', 'westeurope', 'northeurope', 'southeastasia', 'eastasia'];

let replay: Run;
beforeAll(() => {
  replay = run('azure-2026-02');
});

describe('azure-2026-02: the replay follows the report', () => {
  it('extension failures start at 18:03, a region every 10 minutes, and reach every region through the blind gate', () => {
    expect(replay.at('southeastasia/extensions', '18:02').state).toBe('healthy');
    expect(replay.at('southeastasia/extensions', '18:05').state).not.toBe('healthy');
    // 18:29: failures rising "in a subset of regions" — the three the workflow has reached.
    for (const r of REGIONS) expect(replay.at(`${r}/vm`, '18:29').failed_rps > 0, r).toBe(['southeastasia', 'eastasia', 'northeurope'].includes(r));
    for (const r of REGIONS) {
      // 19:46: correlated across regions.
      expect(replay.at(`${r}/vm`, '19:46').state, r).not.toBe('healthy');
      expect(replay.at(`${r}/vm`, '21:00').backlog, r).toBeGreaterThan(0);
    }
    // Identity itself is fine in the first phase: its callers cannot even get that far.
    expect(replay.between(EUS, '17:31', '00:06').every((x) => x.state === 'healthy')).toBe(true);
  });

  it('the rollback restores storage region by region; most regions are out of trouble by about 00:30', () => {
    const parked = replay.at('southeastasia/vm', '21:49').backlog;
    expect(parked).toBeGreaterThan(0);
    // Half the accounts come back at 21:50: customers see improvement, the rest still waits.
    expect(replay.at('southeastasia/vm', '22:30').goodput_rps).toBeGreaterThan(0);
    expect(replay.at('southeastasia/vm', '22:30').trouble).toBe(1);
    // While half of the calls still fail, the orchestrators hold their parked work (the backlog
    // grows); once all of the storage is back (23:45), it resumes within minutes.
    const held = replay.at('southeastasia/vm', '23:40').backlog;
    expect(held).toBeGreaterThan(replay.at('southeastasia/vm', '22:30').backlog);
    expect(replay.at('southeastasia/vm', '00:10').backlog).toBeLessThan(0.05 * held);
    // "Initial impact … until 00:30 UTC for most regions": the four regions away from the storm
    // leave trouble between 23:45 and 00:45.
    for (const r of ['southeastasia', 'eastasia', 'northeurope', 'westeurope']) {
      const rows = replay.between(`${r}/vm`, '21:00', '07:00');
      const out = rows.find((x, k) => k > 0 && x.trouble === 0 && rows[k - 1].trouble === 1)!;
      expect(out.t, r).toBeGreaterThan(replay.seconds('23:45'));
      expect(out.t, r).toBeLessThan(replay.seconds('00:45'));
      expect(replay.between(`${r}/vm`, '00:45', '07:00').every((x) => x.trouble === 0), r).toBe(true);
    }
  });

  it('orchestrated work is never given up: East US VM operations wait out the storm and complete by 05:40 (the report: 06:05)', () => {
    expect(replay.at('eastus/vm', '00:06').backlog).toBeGreaterThan(5e5);
    // During the storm the orchestrators hold their backlog rather than abandon it.
    expect(replay.at('eastus/vm', '02:00').backlog).toBeGreaterThan(5e5);
    expect(replay.at('eastus/vm', '05:40').backlog).toBeLessThan(1);
    expect(replay.at('eastus/vm', '05:40').pending).toBeLessThan(1);
    for (const svc of ['vm', 'aks', 'runners']) {
      const rows = replay.rows.filter((x) => x.service === svc);
      expect(rows.reduce((a, x) => a + x.abandoned_rps, 0), svc).toBe(0);
    }
    const last = replay.between('eastus/vm', '06:05', '07:00');
    expect(last.every((x) => x.trouble === 0)).toBe(true);
  });

  it('a service sitting on a threshold holds its state: half-restored storage does not flap between down and recovering', () => {
    // With half of a region's extension accounts back, exactly half of the calls fail: the
    // share of successes sits on the `down` threshold, and without hysteresis the rounding of a
    // sum flipped five services per region between down and recovering every few seconds.
    const sim = new Simulation(model('azure-2026-02'));
    const N = sim.topo.nodes.length;
    const seen = Array.from({ length: N }, (_, i) => sim.healthOf(i));
    const changes = new Array<number>(N).fill(0);
    while (!sim.done) {
      sim.advance(5);
      for (let i = 0; i < N; i++) {
        const h = sim.healthOf(i);
        if (h !== seen[i]) changes[i]++;
        seen[i] = h;
      }
    }
    const worst = changes.indexOf(Math.max(...changes));
    expect(changes[worst], `${sim.topo.regionIds[sim.topo.nodes[worst].region]}/${sim.topo.serviceIds[sim.topo.nodes[worst].service]}`).toBeLessThanOrEqual(12);
  });

  it('Managed Identity collapses in East US within minutes of 00:07, then in West US', () => {
    const east = replay.firstTime(EUS, 'overloaded', '00:00')!;
    const west = replay.firstTime(WUS, 'overloaded', '00:00')!;
    expect(east).toBeGreaterThanOrEqual(replay.seconds('00:07'));
    expect(east).toBeLessThanOrEqual(replay.seconds('00:12'));
    expect(west).toBeGreaterThanOrEqual(east);
    expect(west).toBeLessThanOrEqual(replay.seconds('00:20'));
    // West US gets the storm through routing: retries from East US.
    expect(replay.at(WUS, '00:30').routed_rps).toBeGreaterThan(replay.at(WUS, '00:30').capacity_rps);
    // Other regions restored their storage too, and their identity never broke.
    for (const r of REGIONS.filter((x) => x !== 'eastus' && x !== 'westus')) {
      expect(replay.rows.filter((x) => x.region === r && x.service === 'identity').every((x) => x.state === 'healthy'), r).toBe(true);
    }
  });

  it('both scale-outs land and neither ends the storm', () => {
    const base = replay.at(EUS, '00:30').capacity_rps;
    expect(replay.at(EUS, '00:52').capacity_rps).toBeCloseTo(1.5 * base, 0);
    expect(replay.at(EUS, '02:02').capacity_rps).toBeCloseTo(2.5 * base, 0);
    for (const t of ['01:30', '02:30', '03:50']) {
      const x = replay.at(EUS, t);
      expect(x.state, t).toBe('overloaded');
      expect(x.offered_rps, t).toBeGreaterThan(x.capacity_rps);
      expect(x.goodput_rps, t).toBeLessThan(0.05 * x.capacity_rps);
    }
  });

  it('bystanders that changed nothing see failures while identity is overloaded', () => {
    expect(replay.at('eastus/bystanders', '01:00').state).toBe('down');
    expect(replay.at('westus/bystanders', '01:00').state).toBe('down');
    expect(replay.at('westeurope/bystanders', '01:00').state).toBe('healthy');
  });

  it('removing traffic at 03:55 and ramping from 04:25 ends it; the backlog drains by about 06:05', () => {
    const removed = replay.at(EUS, '04:10');
    expect(removed.offered_rps).toBeLessThan(1);
    expect(removed.queue).toBeLessThan(1);
    expect(removed.backlog).toBeGreaterThan(0);
    expect(replay.between(EUS, '04:00', '07:00').every((x) => x.state !== 'overloaded')).toBe(true);
    expect(replay.between(EUS, '04:30', '07:00').every((x) => x.timedout_rps < 1)).toBe(true);
    expect(replay.at(EUS, '06:05').backlog).toBeLessThan(1);
    expect(replay.at(EUS, '05:00').backlog).toBeGreaterThan(1e6);
    const healthy = replay.firstTime(EUS, 'healthy', '04:00')!;
    expect(healthy).toBeGreaterThan(replay.seconds('05:45'));
    expect(healthy).toBeLessThan(replay.seconds('06:30'));
    expect(replay.at(WUS, '06:30').state).toBe('healthy');
  });

  it('amplification at East US identity is several-fold during the storm', () => {
    const x = replay.at(EUS, '02:30');
    expect(x.offered_rps / x.demand_rps).toBeGreaterThan(4);
  });
});

describe('azure-2026-02: each lesson changes the outcome the way the report says', () => {
  const neverOverloaded = (r: Run, node: string) => r.rows.filter((x) => `${x.region}/${x.service}` === node).every((x) => x.state !== 'overloaded');

  it('a pre-flight diff keeps the extension packages readable: no incident at all', () => {
    const r = run('azure-2026-02', { params: { 'policy.preflight': 'on' } });
    expect(r.rows.every((x) => x.service !== 'vm' || x.state === 'healthy')).toBe(true);
    expect(neverOverloaded(r, EUS)).toBe(true);
  });

  it('a health gate that sees VM failures stops at the first region and rolls it back', () => {
    const r = run('azure-2026-02', { params: { 'rollout.gate': 'sees-vm-failures' } });
    expect(r.at('southeastasia/vm', '18:05').state).not.toBe('healthy');
    expect(r.at('southeastasia/vm', '19:00').state).toBe('healthy');
    for (const region of REGIONS.filter((x) => x !== 'southeastasia')) {
      expect(r.rows.filter((x) => x.region === region && x.service === 'vm').every((x) => x.state === 'healthy'), region).toBe(true);
    }
    expect(neverOverloaded(r, EUS)).toBe(true);
  });

  it('releasing blocked work in batches avoids the storm', () => {
    const r = run('azure-2026-02', { params: { 'recovery.release': 'batched' } });
    expect(neverOverloaded(r, EUS)).toBe(true);
    expect(neverOverloaded(r, WUS)).toBe(true);
    expect(r.at('eastus/vm', '03:00').backlog).toBeLessThan(1);
  });

  it('a retry budget with jitter turns hours of collapse into minutes', () => {
    const r = run('azure-2026-02', { params: { 'retry.budget': 10, 'retry.jitter': 'full' } });
    expect(r.at(EUS, '01:00').state).not.toBe('overloaded');
    expect(neverOverloaded(r, WUS)).toBe(true);
  });

  it('a per-caller quota at identity protects the bystanders', () => {
    const r = run('azure-2026-02', { params: { 'identity.quota': 40 } });
    for (const region of ['eastus', 'westus']) {
      expect(r.rows.filter((x) => x.region === region && x.service === 'bystanders').every((x) => x.state === 'healthy'), region).toBe(true);
    }
    expect(neverOverloaded(r, EUS)).toBe(true);
  });

  it('isolated regions keep the storm out of West US', () => {
    const r = run('azure-2026-02', { params: { failover: 0 } });
    expect(r.at(EUS, '01:00').state).toBe('overloaded');
    expect(neverOverloaded(r, WUS)).toBe(true);
    expect(r.at(WUS, '01:00').routed_rps).toBe(0);
  });

  it('an operator isolating East US before 00:07 keeps the storm out of West US', () => {
    const sim = new Simulation(model('azure-2026-02'));
    sim.runTo(replay.seconds('00:00'));
    sim.act({ type: 'isolate', regions: ['eastus'] });
    const west = sim.topo.nodeIndex(sim.topo.regionIds.indexOf('westus'), sim.topo.serviceIds.indexOf('identity'));
    const east = sim.topo.nodeIndex(sim.topo.regionIds.indexOf('eastus'), sim.topo.serviceIds.indexOf('identity'));
    const states = new Set<string>();
    while (sim.time < replay.seconds('03:00')) {
      sim.runTo(sim.time + 60);
      states.add(sim.healthOf(west));
    }
    expect(states).toEqual(new Set(['healthy']));
    expect(sim.healthOf(east)).toBe('overloaded');
  });

  it('without retries the burst passes in minutes and identity stays healthy after it', () => {
    const r = run('azure-2026-02', { params: { 'retry.attempts': 0 } });
    expect(r.between(EUS, '00:30', '07:00').every((x) => x.state === 'healthy')).toBe(true);
    expect(neverOverloaded(r, WUS)).toBe(true);
  });

  it('with nobody responding, the storm never ends on its own', () => {
    const r = run('azure-2026-02', { params: { 'script.operators': 'off' } });
    expect(r.between(EUS, '00:15', '07:00').every((x) => x.state === 'overloaded')).toBe(true);
    expect(r.at(EUS, '07:00').goodput_rps).toBeLessThan(0.05 * r.at(EUS, '07:00').capacity_rps);
  });

  it('removing traffic at 01:00 and ramping at 01:30 ends the storm hours earlier', () => {
    const r = run('azure-2026-02', {
      params: { 'script.operators': 'off' },
      changes: [
        { atS: replay.seconds('01:00'), id: 'admission', value: 0 },
        ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p, k) => ({ atS: replay.seconds('01:30') + 300 * k, id: 'admission', value: p })),
      ],
    });
    expect(r.between(EUS, '01:05', '07:00').every((x) => x.state !== 'overloaded')).toBe(true);
    expect(r.at(EUS, '03:00').goodput_rps).toBeGreaterThan(0.9 * r.at(EUS, '03:00').demand_rps);
  });
});
