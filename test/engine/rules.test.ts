/**
 * Rules of the model that the step and the calm fast path both call, each on its own with
 * numbers a reader can check by hand (docs/model.md §6).
 */
import { describe, expect, it } from 'vitest';
import { breakerSees, budgetCaps, budgetEarns, callsMade, failedShareAfter, flowRates, follow, reachPast, seeOutcomes, throttleSeesAccepts, throttleSeesRequests, type CallerView, type ProtectionAverages } from '../../src/engine/flow.ts';
import { admitShare, queueRoom } from '../../src/engine/node.ts';
import { lockedShare } from '../../src/engine/machines/rollout.ts';
import { freshWork, resumeShare } from '../../src/engine/ledger.ts';
import { seedState } from '../../src/engine/rng.ts';

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


describe('the client protections\' averages, as the step and the calm kernel keep them', () => {
  const r = flowRates(1);
  const fresh = (): ProtectionAverages => ({ tokens: 0, firstRate: 0, thrReq: 0, thrAcc: 0, brkFail: 0, brkTotal: 0 });
  it('a 10 % budget earns a tenth of a token per first try', () => {
    const a = fresh();
    budgetEarns(a, 0.1, 50, r);
    expect(a.tokens).toBeCloseTo(5, 12);
    expect(a.firstRate).toBeCloseTo(50 * r.alphaBudget, 12);
  });
  it('tokens never pile past the window\'s worth plus one', () => {
    const a = { ...fresh(), tokens: 1000, firstRate: 10 };
    budgetCaps(a, 0.1, r);
    expect(a.tokens).toBeCloseTo(0.1 * 10 * r.windowTicksBudget + 1, 12);
  });
  it('throttling averages requests and accepts over its window', () => {
    const a = fresh();
    throttleSeesRequests(a, 100, r);
    throttleSeesAccepts(a, 40, r);
    expect(a.thrReq).toBeCloseTo(100 * r.alphaThrottle, 12);
    expect(a.thrAcc).toBeCloseTo(40 * r.alphaThrottle, 12);
  });
  it('a closed breaker averages backend failures over all answered calls', () => {
    const a = fresh();
    breakerSees(a, 30, 70, r);
    expect(a.brkFail / a.brkTotal).toBeCloseTo(0.3, 12);
  });
});

describe('queueRoom: a bounded queue', () => {
  it('takes what fits after this step\'s service: limit 100, 50 served, 30 queued, rejecting free → 120', () => expect(queueRoom(100, 50, 0, 200, 30)).toBe(120));
  it('rejecting costs a share of serving, so fewer fit: cost ½ of 100 arriving → (100 + 50 − 50 − 30) ÷ ½ = 140', () => expect(queueRoom(100, 50, 0.5, 100, 30)).toBe(140));
});

describe('freshWork: the new work a source asks for in a step', () => {
  it('is exactly its rate without noise, and draws nothing from its stream', () => {
    const src = { rng: seedState(7) };
    const before = { ...src };
    expect(freshWork(src, 20, 0)).toBe(20);
    expect(src).toEqual(before);
  });
  it('with 2 % noise stays within ±2·√3 % and averages its rate (standard deviation 2 %)', () => {
    const src = { rng: seedState(7) };
    const xs = Array.from({ length: 20000 }, () => freshWork(src, 100, 0.02));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(100 * (1 - 0.02 * Math.sqrt(3)));
    expect(Math.max(...xs)).toBeLessThanOrEqual(100 * (1 + 0.02 * Math.sqrt(3)));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(100, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
  it('is never below nothing, however large the noise', () => {
    const src = { rng: seedState(3) };
    for (let k = 0; k < 1000; k++) expect(freshWork(src, 10, 0.9)).toBeGreaterThanOrEqual(0);
  });
});

describe('resumeShare: an orchestrator resuming its backlog all at once', () => {
  it('sends 1 − e^(−1/300) of it per second when it resumes over 300 s', () => expect(resumeShare(1, 300)).toBeCloseTo(1 - Math.exp(-1 / 300), 15));
  it('sends about 63 % within one resume time', () => expect(1 - (1 - resumeShare(1, 300)) ** 300).toBeCloseTo(1 - Math.exp(-1), 10));
});

describe('callsMade and reachPast: the calls a served request makes, in order', () => {
  it('200 served, 2 calls each to a dependency every call reaches: 400 calls', () => expect(callsMade(200, 2, 1)).toBe(400));
  it('past a dependency that answers 90 % of 2 calls, 81 % of requests go on to the next', () => expect(reachPast(1, 0.9, 2)).toBeCloseTo(0.81, 15));
  it('the next dependency is called by those alone: 200 served, 1 call each, 162 calls', () => expect(callsMade(200, 1, reachPast(1, 0.9, 2))).toBeCloseTo(162, 12));
});
