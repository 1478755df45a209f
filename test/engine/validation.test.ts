import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/engine/validation.ts';

describe('how we know: the engine against published results and the per-request simulation', () => {
  const rows = allChecks();
  it('covers Brooker, both SRE chapters and the three per-request thresholds', () => {
    expect(rows.map((r) => r.id)).toEqual([
      'brooker-load', 'brooker-success', 'brooker-budget', 'sre-layers', 'sre-throttle',
      'des-lowest-stuck-load-900s', 'des-tipping-outage-0.9', 'des-tipping-outage-0.675',
    ]);
  });
  for (const r of rows) {
    it(`${r.id}: ${r.claim}`, () => {
      if (r.kind === 'atMost') expect(r.measured).toBeLessThanOrEqual(r.expected * (1 + r.tolerance));
      else expect(Math.abs(r.measured - r.expected) / Math.abs(r.expected)).toBeLessThanOrEqual(r.tolerance);
    });
  }
});
