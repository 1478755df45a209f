/** A point's accessible name: its values and how its seeds ended, or pending. */
import { describe, expect, it } from 'vitest';
import type { CellResult, SweepSpec } from '../../src/engine/sweep.ts';
import { pointName } from '../../src/view/phase-tip.ts';

const spec = (y: boolean): SweepSpec => ({
  x: { id: 'retry.attempts', values: [0, 2, 4], text: 'retry.attempts=0:4:3' },
  y: y ? { id: 'failover', values: ['off', 0.5], text: 'failover=off,0.5' } : null,
  seed: 1, seeds: 2, params: {}, changes: [], service: 'eastus/identity',
});
const row = (outcome: CellResult['outcome']): CellResult => ({
  x: 0, y: null, seed: 1, outcome, troubleS: 0, recoveryS: null, goodputShare: 1, peakAmplification: 1, wasted: 0,
});

describe('a point’s name', () => {
  it('gives both values, or x alone on a line', () => {
    expect(pointName(spec(true), [2, 0], null)).toBe('retry.attempts = 4, failover = off: pending');
    expect(pointName(spec(false), [1, 0], null)).toBe('retry.attempts = 2: pending');
  });

  it('says how the seeds ended: the outcome they share, or the share stuck and each', () => {
    expect(pointName(spec(true), [0, 1], [row('stuck')])).toBe('retry.attempts = 0, failover = 0.5: stuck');
    expect(pointName(spec(true), [0, 1], [row('ok'), row('ok')])).toBe('retry.attempts = 0, failover = 0.5: ok (all 2 seeds)');
    expect(pointName(spec(true), [0, 1], [row('recovered'), row('stuck')])).toBe('retry.attempts = 0, failover = 0.5: 50 % of 2 seeds stuck (recovered, stuck)');
  });
});
