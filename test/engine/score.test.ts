import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { mustLoadModel } from '../../src/engine/load-model.ts';
import { runScenario } from '../../src/engine/run.ts';
import { scoreOf, scoreRun, verdict, type Score } from '../../src/engine/score.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { model, run } from '../helpers.ts';

const family = (s: Score, service: string) => s.families.find((f) => f.service === service)!;
const clock = (s: number) => new Date(Date.parse('2026-02-02T17:30:00Z') + s * 1000).toISOString().slice(11, 16);

describe('scoring a run', () => {
  const azure = model('azure-2026-02');
  const base = scoreRun(azure, {});

  it('scores the replay by families: identity in trouble 00:07–06:05 in two regions, VM operations everywhere', () => {
    const identity = family(base, 'identity');
    expect(clock(identity.troubleAt!)).toMatch(/^00:0[789]$/);
    expect(identity.recoveredAt! / 3600).toBeGreaterThan(11.5); // after 05:00
    expect(identity.recoveredAt! / 3600).toBeLessThan(12.6); // by about 06:05
    expect(identity.regions.sort()).toEqual(['eastus', 'westus']);
    expect(base.outageMinutes['westeurope/identity']).toBe(0);
    const vm = family(base, 'vm');
    expect(vm.regions).toHaveLength(6);
    // Failing from 18:03; in trouble once half of Southeast Asia's accounts are locked.
    expect(clock(vm.troubleAt!)).toBe('18:53');
    // Orchestrated work is never abandoned; bystanders' failed calls are.
    for (const f of ['vm', 'aks', 'runners']) expect(family(base, f).abandoned, f).toBe(0);
    expect(family(base, 'bystanders').abandoned).toBeGreaterThan(1e7);
  });

  it('the score read from the engine equals what the samples show, minute by minute', () => {
    // Count the minutes the samples' `trouble` column says 1, and compare with the score.
    const r = run('single-service', { everyS: 5 });
    const minutes = r.rows.filter((x) => x.trouble === 1).length * (5 / 60);
    const s = scoreOf(runScenario(model('single-service'), { everyS: 900 }).sim);
    expect(Math.abs(family(s, 'server').minutes - minutes)).toBeLessThanOrEqual(5 / 60 + 1e-9);
  });

  it('a verdict covers every family, not only the front door', () => {
    const breaker = scoreRun(azure, { params: { breaker: 'on' } });
    const v = verdict(base, breaker);
    const services = v.parts.map((p) => p.service);
    expect(services).toEqual(expect.arrayContaining(['vm', 'aks', 'runners', 'bystanders', 'identity']));
    expect(v.text).toMatch(/VM operations: /);
    // With breakers that close again, VM operations are out of trouble by 01:00.
    expect(family(breaker, 'vm').recoveredAt! / 3600).toBeLessThan(7.5);
  });

  it('says what a lesson changes, measured', () => {
    const batched = scoreRun(azure, { params: { 'recovery.release': 'batched' } });
    expect(family(batched, 'identity').troubleAt).toBeNull();
    expect(verdict(base, batched).text).toMatch(/Managed Identity: never in trouble \(instead of \d+ min, summed over regions\)\./);
    const noRetries = scoreRun(azure, { params: { 'retry.attempts': 0 } });
    const text = verdict(base, noRetries).text;
    expect(text).toMatch(/Managed Identity: out of trouble \d+ h \d\d min earlier; \d+ min instead of \d+ min in trouble/);
    expect(family(noRetries, 'identity').minutes).toBeLessThan(30);
  });

  it('says "summed over regions" only where there are regions to sum', () => {
    const single = mustLoadModel(BUILTIN_MODELS['single-service']);
    const a = scoreRun(single, {});
    const b = scoreRun(single, { params: { 'retry.attempts': 0 } });
    const v = verdict(a, b);
    expect(v.text).toMatch(/^Server: out of trouble before the end, where it was not; \d+ min instead of \d+ min in trouble\.$/);
    expect(v.text).not.toMatch(/regions/);
  });
});

describe('the scoreboard\'s ledger', () => {
  it('per family, every item asked for is completed, abandoned or pending — mid-storm and at the end', () => {
    for (const t of [3 * 3600, 8 * 3600, 11 * 3600]) {
      const sim = new Simulation(model('azure-2026-02'));
      sim.runTo(t);
      for (const f of scoreOf(sim).families) {
        expect(Math.abs(f.asked - f.completed - f.abandoned - f.pending), `${f.service} at ${t}`).toBeLessThanOrEqual(1e-9 * Math.max(1, f.asked));
        if (f.service === 'vm' && t === 8 * 3600) expect(f.pending, 'East US VM operations pending in the storm').toBeGreaterThan(1e5);
        if (f.service === 'identity') expect(f.asked, 'identity asks nothing of its own').toBe(0);
      }
    }
  });
});
