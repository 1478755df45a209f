/**
 * The per-request simulation itself: what it must get right before it can judge the fluid
 * engine, and a check that its committed thresholds still come out of it.
 */
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/des-thresholds.json';
import { desIsStuck } from './des-thresholds.ts';
import { backoffS, simulate, sumOver, type DesResult } from './queue-des.ts';
import { endGoodputShare, isStuck } from './stuck.ts';
import { THRESHOLD_CASES } from './threshold-cases.ts';

const fullOutage = (atS: number, durationS: number) => ({ atS, durationS, factor: 0 });
const total = (xs: Float64Array) => sumOver(xs, 0, xs.length);

describe('per-request simulation: a service below capacity', () => {
  it('wastes nothing and serves new demand as it comes (goodput ≈ λ within Poisson noise)', () => {
    const r = simulate({ loadRps: 700, outage: fullOutage(60, 0), runS: 900 });
    expect(total(r.bins.wasted)).toBe(0);
    expect(r.totals.givenUp).toBe(0);
    expect(r.totals.triesSent).toBe(r.totals.firstSent);
    // 700 req/s over 840 s: a Poisson count has a standard deviation of √(700·840) ≈ 767.
    const goodputRps = sumOver(r.bins.goodput, 60, 900) / 840;
    expect(Math.abs(goodputRps - 700)).toBeLessThan((4 * Math.sqrt(700 * 840)) / 840);
    expect(endGoodputShare(r)).toBeGreaterThan(0.98);
  });

  it('different seeds give different arrivals; the same seed the same run', () => {
    const a = simulate({ seed: 1, runS: 60 });
    expect(simulate({ seed: 1, runS: 60 }).totals).toEqual(a.totals);
    expect(simulate({ seed: 2, runS: 60 }).totals.firstSent).not.toBe(a.totals.firstSent);
  });
});

describe('per-request simulation: bookkeeping', () => {
  const cases: [string, DesResult][] = [
    ['no trigger', simulate({ loadRps: 900, outage: fullOutage(60, 0), runS: 300 })],
    ['a storm', simulate({ loadRps: 700, outage: fullOutage(60, 120), runS: 300 })],
    ['a partial drop', simulate({ loadRps: 700, outage: { atS: 60, durationS: 30, factor: 0.2 }, runS: 300 })],
    ['a storm that drains', simulate({ loadRps: 200, outage: fullOutage(60, 120), runS: 900 })],
  ];

  it.each(cases)('%s: tries sent = served + still queued; every request ends served, given up or in flight', (_, r) => {
    const t = r.totals;
    expect(t.triesSent).toBe(t.served + t.queuedAtEnd);
    expect(t.served).toBe(total(r.bins.goodput) + total(r.bins.wasted));
    expect(t.triesSent).toBe(total(r.bins.offered));
    expect(t.firstSent).toBe(total(r.bins.demand));
    expect(t.firstSent).toBe(t.succeeded + t.givenUp + t.inFlight);
    // Each success is one request's try served in time.
    expect(t.succeeded).toBe(total(r.bins.goodput));
  });

  it.each(cases)('%s: the server never serves faster than its capacity, and nothing in a full outage', (_, r) => {
    const { capacityRps, outage } = r.settings;
    expect(r.totals.served).toBeLessThanOrEqual(r.totals.capacityWork + 1);
    for (let k = 0; k < r.bins.goodput.length; k++) {
      const served = r.bins.goodput[k] + r.bins.wasted[k];
      const inOutage = k >= outage.atS && k + 1 <= outage.atS + outage.durationS;
      const cap = inOutage ? capacityRps * outage.factor : capacityRps;
      expect(served).toBeLessThanOrEqual(cap + 1);
    }
  });

  it('backoff doubles from the base and stops at the cap', () => {
    const policy = { baseDelayS: 1, maxDelayS: 30 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffS(policy, n))).toEqual([1, 2, 4, 8, 16, 30, 30]);
  });

  it('in an outage that never ends, a request gives up after R + 1 timeouts and R backoffs', () => {
    // 4 tries × 5 s + 1 + 2 + 4 s of backoff = 27 s from first try to giving up.
    const r = simulate({ loadRps: 500, outage: fullOutage(0, 1e6), runS: 300 });
    expect(r.totals.served).toBe(0);
    // Past the first 27 s every request sends all four tries.
    expect(sumOver(r.bins.offered, 30, 300) / sumOver(r.bins.demand, 30, 300)).toBeCloseTo(4, 1);
    // Those that first tried in the last 27 s are still in flight; everyone before has given up.
    const recent = sumOver(r.bins.demand, 300 - 27, 300);
    expect(r.totals.inFlight).toBe(recent);
    expect(r.totals.givenUp).toBe(r.totals.firstSent - recent);
  });
});

describe('per-request simulation: metastability', () => {
  it('after a long full outage at λ = 0.7 C with 3 retries it stays stuck, offering ≈ 4 λ', () => {
    const r = simulate({ loadRps: 700, retries: 3, outage: fullOutage(60, 120), runS: 900 });
    expect(isStuck(r)).toBe(true);
    const offered = sumOver(r.bins.offered, 600, 900);
    const demand = sumOver(r.bins.demand, 600, 900);
    // Retries in the window come from requests that began a little earlier: ≈, not =.
    expect(offered / demand).toBeCloseTo(4, 1);
    // The server is busy all the time, on tries nobody waits for.
    expect(sumOver(r.bins.wasted, 600, 900) / 300).toBeGreaterThan(990);
    expect(endGoodputShare(r)).toBeLessThan(0.05);
  });

  it('with no retries the same outage passes: the backlog drains and goodput returns', () => {
    const r = simulate({ loadRps: 700, retries: 0, outage: fullOutage(60, 120), runS: 900 });
    expect(isStuck(r)).toBe(false);
    expect(endGoodputShare(r)).toBeGreaterThan(0.98);
    expect(sumOver(r.bins.wasted, 600, 900)).toBe(0);
  });

  it('an outage shorter than the timeout passes even at 0.9 C', () => {
    expect(isStuck(simulate({ loadRps: 900, outage: fullOutage(60, 4), runS: 600 }))).toBe(false);
  });
});

describe('the committed thresholds come out of the simulation', () => {
  // A seed the fixture was not computed with: the thresholds must hold for the model, not a draw.
  const SEED = 11;
  const MARGIN = 0.1;

  it('the fixture covers every case, with the settings the cases state now', () => {
    expect(fixture.thresholds.map((t) => t.id)).toEqual(THRESHOLD_CASES.map((c) => c.id));
    for (const c of THRESHOLD_CASES) {
      const t = fixture.thresholds.find((x) => x.id === c.id)!;
      expect(t.runS).toBe(c.runS);
      expect(t.varies).toBe(c.varies);
    }
  });

  it.each(THRESHOLD_CASES)('$id: a tenth above the threshold is stuck, a tenth below recovers', (c) => {
    const median = fixture.thresholds.find((x) => x.id === c.id)!.median;
    expect(desIsStuck(c, median * (1 + MARGIN), SEED)).toBe(true);
    expect(desIsStuck(c, median * (1 - MARGIN), SEED)).toBe(false);
  });

  it("a fixture seed's bracket is reproduced exactly", () => {
    const c = THRESHOLD_CASES.find((x) => x.id === 'tipping-outage-0.675')!;
    const seed = fixture.thresholds.find((x) => x.id === c.id)!.perSeed[0];
    expect(desIsStuck(c, seed.stuck, seed.seed)).toBe(true);
    expect(desIsStuck(c, seed.recovers, seed.seed)).toBe(false);
  });

  it('the lowest stuck load approaches C / (R + 1) as runs get longer, from below', () => {
    const short = fixture.thresholds.find((x) => x.id === 'lowest-stuck-load-900s')!.median;
    const long = fixture.thresholds.find((x) => x.id === 'lowest-stuck-load-3600s')!.median;
    expect(short).toBeLessThan(long);
    expect(long).toBeLessThan(fixture.theory.lowestStuckLoadShare);
    expect(long).toBeGreaterThan(0.95 * fixture.theory.lowestStuckLoadShare);
  });
});
