/**
 * The fluid engine against the exact per-request simulation (test/des): the same tipping points of
 * the single-service model — the lowest load that stays stuck after a 120 s full outage, and the
 * shortest full outage that tips 0.9 C and 0.675 C — must agree within 10 %. The per-request
 * figures come from the committed fixture (checked by test/des/queue-des.test.ts); the fluid ones
 * are computed here, live. Where the two disagree, the per-request simulation is right.
 */
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/des-thresholds.json';
import { fluidThreshold } from '../des/fluid-thresholds.ts';
import { THRESHOLD_CASES } from '../des/threshold-cases.ts';

const AGREEMENT = 0.1;

describe('fluid engine vs per-request simulation: tipping points', () => {
  it.each(THRESHOLD_CASES)('$id: within a tenth of the per-request figure', (c) => {
    const des = fixture.thresholds.find((t) => t.id === c.id)!;
    const fluid = fluidThreshold(c).threshold;
    const gap = (fluid - des.median) / des.median;
    expect(Math.abs(gap), `fluid ${fluid.toFixed(4)} vs per-request ${des.median} (${(100 * gap).toFixed(1)} %)`).toBeLessThan(AGREEMENT);
  });
});
