import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/engine/validation.ts';

describe('how we know: the engine against published results and the per-request simulation', () => {
  const rows = allChecks();
  it('covers Brooker, both SRE chapters and the three per-request thresholds', () => {
    expect(rows.map((r) => r.id)).toEqual([
      'brooker-load', 'brooker-success', 'brooker-no-budget', 'brooker-budget', 'sre-layers', 'sre-throttle',
      'des-lowest-stuck-load-900s', 'des-tipping-outage-0.9', 'des-tipping-outage-0.675',
    ]);
  });
  it('the retry budget is checked against a server that fails every call: 4 × without it, 1.1 × with it', () => {
    const no = rows.find((r) => r.id === 'brooker-no-budget')!;
    const yes = rows.find((r) => r.id === 'brooker-budget')!;
    expect(no.measured).toBeGreaterThan(3.9);
    expect(yes.measured).toBeGreaterThan(1.05);
    expect(yes.measured).toBeLessThan(1.15);
  });
  it('the SRE ch. 21 row says it is a formula check, not a published figure', () => {
    expect(rows.find((r) => r.id === 'sre-throttle')!.reference).toMatch(/formula/);
  });
  for (const r of rows) {
    it(`${r.id}: ${r.claim}`, () => {
      if (r.kind === 'atMost') expect(r.measured).toBeLessThanOrEqual(r.expected * (1 + r.tolerance));
      else expect(Math.abs(r.measured - r.expected) / Math.abs(r.expected)).toBeLessThanOrEqual(r.tolerance);
    });
  }
});
