/**
 * The README's table of what each lesson changes, figure by figure: every time and every count it
 * states is checked here against the runs, so the table cannot drift from what the lab shows.
 */
import { describe, expect, it } from 'vitest';
import { sourceLedgers } from '../../src/engine/audit.ts';
import { scoreRun, verdict, type Score } from '../../src/engine/score.ts';
import { model, run } from '../helpers.ts';

const azure = model('azure-2026-02');
const score = (params: Record<string, string | number> = {}) => scoreRun(azure, { params });
const family = (s: Score, service: string) => s.families.find((f) => f.service === service)!;
/** Seconds since 17:30 at a time of the incident's clock ("HH:MM" or "HH:MM:SS"). */
const at = (hhmmss: string) => {
  const [h, m, sec = 0] = hhmmss.split(':').map(Number);
  return (((h * 3600 + m * 60 + sec - (17 * 3600 + 30 * 60)) % 86400) + 86400) % 86400;
};
const FOUR = ['southeastasia', 'eastasia', 'northeurope', 'westeurope'];

describe("the README's table", () => {
  const base = score();
  const r = run('azure-2026-02', { everyS: 5 });
  const rowsOf = (node: string) => r.rows.filter((x) => `${x.region}/${x.service}` === node);
  /** When a node's calls first fail, and when its last trouble ends (read every 5 s: each time is known to within 5 s). */
  const firstFailing = (node: string) => rowsOf(node).find((x) => x.failed_rps + x.rejected_rps > 0.01 * x.demand_rps)!.t;
  const firstTrouble = (node: string) => rowsOf(node).find((x) => x.trouble === 1)!.t;
  const lastOut = (node: string) => rowsOf(node).filter((x) => x.trouble === 1).at(-1)!.t + 5;
  const near = (t: number, hhmmss: string) => {
    expect(t).toBeGreaterThanOrEqual(at(hhmmss) - 5);
    expect(t).toBeLessThanOrEqual(at(hhmmss) + 5);
  };

  it('as it happened: failures start 18:03–18:53, a region every 10 minutes; trouble from 18:53 to 20:03; the four regions out by 00:23:35 (AKS, runners 00:27:10); identity 00:07:45–05:36, 650 min', () => {
    const order = ['southeastasia', 'eastasia', 'northeurope', 'westeurope', 'westus', 'eastus'];
    order.forEach((region, k) => {
      expect(firstFailing(`${region}/vm`), region).toBeGreaterThanOrEqual(at('18:03') + 600 * k);
      expect(firstFailing(`${region}/vm`), region).toBeLessThanOrEqual(at('18:03') + 600 * k + 10);
    });
    near(firstTrouble('southeastasia/vm'), '18:53:20');
    near(firstTrouble('eastus/vm'), '20:03:15');
    const vmOut = FOUR.map((region) => lastOut(`${region}/vm`));
    near(Math.min(...vmOut), '00:08:35');
    near(Math.max(...vmOut), '00:23:35');
    near(Math.max(...FOUR.flatMap((region) => ['aks', 'runners'].map((s) => lastOut(`${region}/${s}`)))), '00:27:10');
    const identity = family(base, 'identity');
    near(identity.troubleAt!, '00:07:45');
    expect(identity.recoveredAt).toBeGreaterThanOrEqual(at('05:35:55'));
    expect(identity.recoveredAt).toBeLessThan(at('05:36:30'));
    expect(Math.round(identity.minutes)).toBe(650);
    expect(identity.regions.sort()).toEqual(['eastus', 'westus']);
  });

  it('as it happened, the ledger: every orchestrated item completes (East US VM operations by 05:36, 1.42 million parked at 04:25), nothing pending at 07:00; the bystanders abandon 28 % in East and West US', () => {
    for (const f of ['vm', 'aks', 'runners']) expect(family(base, f).abandoned, f).toBe(0);
    const ledgers = sourceLedgers(r.sim);
    for (const l of ledgers) expect(l.pending, l.source).toBeLessThan(1e-6 * l.asked);
    for (const l of ledgers.filter((x) => !x.source.includes('Applications'))) expect(l.completed / l.asked, l.source).toBeCloseTo(1, 9);
    for (const region of ['eastus', 'westus']) {
      const l = ledgers.find((x) => x.source.startsWith(`${region}: Applications`))!;
      expect(Math.round((100 * l.abandoned) / l.asked)).toBe(28);
    }
    const vm = rowsOf('eastus/vm');
    const parked = vm.find((x) => x.t >= at('04:25'))!.pending;
    expect(parked).toBeGreaterThan(1.41e6);
    expect(parked).toBeLessThan(1.42e6);
    // It grows all through the storm, as the README says: 0.52, 0.64, 0.89, 1.31 million at 00:15, 00:50, 02:00, 03:55.
    const pendingAt = (t: string) => vm.find((x) => x.t >= at(t))!.pending / 1e6;
    for (const [t, m] of [['00:15', 0.52], ['00:50', 0.64], ['02:00', 0.89], ['03:55', 1.31]] as const) expect(pendingAt(t), t).toBeCloseTo(m, 2);
    // The backlog (more than a minute of new work waiting) is gone by 05:36.
    const lastBacklog = vm.filter((x) => x.pending > 60 * x.asked_rps).at(-1)!.t;
    expect(lastBacklog).toBeLessThan(at('05:36'));
    expect(lastBacklog).toBeGreaterThan(at('05:35'));
  });

  it('policy.preflight=on: nothing happens at all', () => {
    for (const f of score({ 'policy.preflight': 'on' }).families) expect(f.troubleAt, f.service).toBeNull();
  });

  it('rollout.gate=sees-vm-failures: halted at 18:13 after Southeast Asia, about 12,000 VM calls fail, nothing in trouble', () => {
    const g = run('azure-2026-02', { everyS: 60, params: { 'rollout.gate': 'sees-vm-failures' } });
    const halt = g.events.find((e) => e.type === 'rollout.halt')!;
    expect(halt.tick).toBe(at('18:13'));
    const failed = (region: string) => g.rows.filter((x) => x.region === region && x.service === 'vm').reduce((a, x) => a + (x.failed_rps + x.rejected_rps) * 60, 0);
    expect(failed('southeastasia')).toBeGreaterThan(11000);
    expect(failed('southeastasia')).toBeLessThan(13000);
    for (const region of ['eastasia', 'northeurope', 'westeurope', 'westus', 'eastus']) expect(failed(region), region).toBe(0);
    for (const f of scoreRun(azure, { params: { 'rollout.gate': 'sees-vm-failures' } }).families) expect(f.troubleAt, f.service).toBeNull();
  });

  it('rollout.disableAt=18:29: three regions keep a fifth locked, about 870,000 VM calls fail, nothing is ever in trouble', () => {
    const e = run('azure-2026-02', { everyS: 60, params: { 'rollout.disableAt': '18:29' } });
    let failed = 0;
    for (const x of e.rows) if (x.service === 'vm') failed += (x.failed_rps + x.rejected_rps) * 60;
    expect(failed).toBeGreaterThan(850_000);
    expect(failed).toBeLessThan(890_000);
    for (const region of ['westeurope', 'westus', 'eastus']) expect(e.rows.filter((x) => x.region === region && x.service === 'vm').every((x) => x.failed_rps + x.rejected_rps === 0), region).toBe(true);
    for (const f of score({ 'rollout.disableAt': '18:29' }).families) expect(f.troubleAt, f.service).toBeNull();
  });

  it('recovery.release=batched: identity never in trouble, VM operations out of trouble by 01:05', () => {
    const s = score({ 'recovery.release': 'batched' });
    expect(family(s, 'identity').troubleAt).toBeNull();
    expect(family(s, 'vm').recoveredAt).toBeLessThanOrEqual(at('01:05'));
    expect(family(s, 'vm').recoveredAt).toBeGreaterThan(at('01:04'));
    // The verdict the README quotes (Teaching with it).
    expect(verdict(base, s).text).toContain('Bystander workloads: never in trouble (instead of 648 min, summed over regions). Managed Identity: never in trouble (instead of 650 min, summed over regions).');
  });

  it('retry.budget=10 with full jitter: identity in trouble 00:07:45–00:15:35 in East US only, 6 min', () => {
    const identity = family(score({ 'retry.budget': 10, 'retry.jitter': 'full' }), 'identity');
    expect(identity.regions).toEqual(['eastus']);
    near(identity.troubleAt!, '00:07:45');
    near(identity.recoveredAt!, '00:15:35');
    expect(Math.round(identity.minutes)).toBe(6);
  });

  it('identity.quota=40: bystanders and identity never in trouble; VM operations out of trouble by 01:37', () => {
    const s = score({ 'identity.quota': 40 });
    expect(family(s, 'bystanders').troubleAt).toBeNull();
    expect(family(s, 'identity').troubleAt).toBeNull();
    expect(family(s, 'vm').recoveredAt).toBeLessThanOrEqual(at('01:37'));
    expect(family(s, 'vm').recoveredAt).toBeGreaterThan(at('01:36'));
  });

  it('failover=0: the storm stays in East US, 330 instead of 650 identity-minutes', () => {
    const identity = family(score({ failover: 0 }), 'identity');
    expect(identity.regions).toEqual(['eastus']);
    expect(Math.round(identity.minutes)).toBe(330);
  });

  it('retry.attempts=0: identity out of trouble by 00:14:05', () => {
    near(family(score({ 'retry.attempts': 0 }), 'identity').recoveredAt!, '00:14:05');
  });

  it('breaker=on: identity out of trouble by 00:15:50, VM operations by 00:38:40', () => {
    const s = score({ breaker: 'on' });
    near(family(s, 'identity').recoveredAt!, '00:15:50');
    near(family(s, 'vm').recoveredAt!, '00:38:40');
  });

  it('script.operators=off: every family is still in trouble at 07:00', () => {
    for (const f of score({ 'script.operators': 'off' }).families) expect(f.stuck, f.service).toBe(true);
  });
});
