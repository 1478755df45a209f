/**
 * Rules of the model that the step and the calm fast path both call, each on its own with
 * numbers a reader can check by hand (docs/model.md §6).
 */
import { describe, expect, it } from 'vitest';
import { failedShareAfter, follow, seeOutcomes, type CallerView } from '../../src/engine/flow.ts';
import { admitShare } from '../../src/engine/node.ts';
import { lockedShare } from '../../src/engine/machines/rollout.ts';

describe('seeOutcomes: what a caller sees of a step', () => {
  it('moves each view a share of the way to the step: 60 done, 20 waiting, 10 refused of 100 (10 failed)', () => {
    const v: CallerView = { pOk: 1, pDone: 1, pRefused: 0 };
    seeOutcomes(v, 60, 20, 10, 100, 0.5);
    // accepted (done or waiting) 0.8, done 0.6, refused 0.1: half-way from 1, 1, 0.
    expect(v).toEqual({ pOk: 0.9, pDone: 0.8, pRefused: 0.05 });
  });
  it('sees nothing when nothing ended', () => {
    const v: CallerView = { pOk: 0.3, pDone: 0.2, pRefused: 0.1 };
    seeOutcomes(v, 0, 0, 0, 0, 0.5);
    expect(v).toEqual({ pOk: 0.3, pDone: 0.2, pRefused: 0.1 });
  });
  it('arrives exactly once within 1e-12 (a recovered caller is exactly healthy)', () => {
    expect(follow(1 - 1e-13, 1, 0.1)).toBe(1);
  });
});

describe('failedShareAfter: an orchestrator\'s share of work failing', () => {
  it('follows refused or given-up work over all that ended', () => expect(failedShareAfter(0, 30, 100, 0.5)).toBeCloseTo(0.15, 15));
  it('stays where it is when nothing ended', () => expect(failedShareAfter(0.4, 0, 0, 0.5)).toBe(0.4));
});

describe('admitShare: a front door', () => {
  it('admits all that wants in below its limit', () => expect(admitShare(100, 80)).toBe(1));
  it('admits its limit\'s worth of more: 100 of 400 is a quarter', () => expect(admitShare(100, 400)).toBe(0.25));
  it('admits nothing when shut', () => expect(admitShare(0, 50)).toBe(0));
});

describe('lockedShare: how much of a region the remediation workflow has locked', () => {
  it('a step\'s worth at once: 30 minutes of 150, a fifth', () => expect(lockedShare(0, 9000, 1800)).toBeCloseTo(0.2, 15));
  it('a step more every step', () => expect(lockedShare(3600, 9000, 1800)).toBeCloseTo(0.6, 15));
  it('all of it at the end, never more', () => expect(lockedShare(20000, 9000, 1800)).toBe(1));
  it('all at once when it does not lock gradually', () => expect(lockedShare(0, 0, 1800)).toBe(1));
});
