import { describe, expect, it } from 'vitest';
import { doorOutageMinutes, scoreRun, verdict } from '../../src/engine/score.ts';
import { model } from '../helpers.ts';

describe('scoring a run', () => {
  const azure = model('azure-2026-02');
  const base = scoreRun(azure, { everyS: 60 });

  it('scores the replay: trouble from 00:08, healthy for good about 06:10, hours of outage in two regions', () => {
    expect(base.troubleAt! / 3600).toBeCloseTo(6 + 38 / 60, 1);
    expect(base.recoveredAt! / 3600).toBeGreaterThan(12.4);
    expect(base.recoveredAt! / 3600).toBeLessThan(12.9);
    expect(base.outageMinutes['eastus/identity']).toBeGreaterThan(200);
    expect(base.outageMinutes['westus/identity']).toBeGreaterThan(200);
    expect(base.outageMinutes['westeurope/identity']).toBe(0);
    expect(base.peakAmplification).toBeGreaterThan(4);
    expect(base.bystanderFailures).toBeGreaterThan(1e7);
  });

  it('says what a lesson changes, measured', () => {
    const batched = scoreRun(azure, { everyS: 60, params: { 'recovery.release': 'batched' } });
    expect(batched.troubleAt).toBeNull();
    expect(verdict(base, batched, 'Managed Identity', 'identity')).toMatch(/^Managed Identity never gets into trouble; 0 instead of \d+ minutes of Managed Identity outage across regions; bystander failures fall 100 %\.$/);
    const noRetries = scoreRun(azure, { everyS: 60, params: { 'retry.attempts': 0 } });
    expect(verdict(base, noRetries, 'Managed Identity', 'identity')).toMatch(/^The outage ends \d+ h \d\d min earlier; \d+ instead of \d+ minutes/);
    expect(doorOutageMinutes(noRetries, 'identity')).toBeLessThan(20);
    expect(verdict(base, base, 'Managed Identity', 'identity')).toBe('It recovers at the same time.');
  });
});
