/**
 * The ledger's rules, each on its own with numbers a reader can check by hand (src/engine/ledger.ts).
 */
import { describe, expect, it } from 'vitest';
import { goesOnShare, newShareOf, parkedRelease, resolveAwaiting, settleSource, stockOf, type AwaitView } from '../../src/engine/ledger.ts';
import { newFlowState, type SourceState } from '../../src/engine/state.ts';

function flowWithRows(rows: number) {
  const f = newFlowState();
  f.rows = rows;
  f.fail = new Float64Array(rows);
  f.await0 = new Float64Array(rows);
  f.await1 = new Float64Array(rows);
  return f;
}

function source(parked = 0): SourceState {
  return { rng: 1, parked, failedShare: 0, holding: 0, parkedTotal: 0, released: 0, asked: 0, completed: 0, abandoned: 0 };
}

describe('newShareOf: the share of new work among what a service admits', () => {
  it('is 1 when all it admits is new', () => expect(newShareOf(100, 0, 100)).toBe(1));
  it('is new tries over all tries: 100 new among 400 (300 retries) is a quarter', () => expect(newShareOf(100, 0, 400)).toBe(0.25));
  it('counts work held at the door as new (its calls were never made): 100 new + 200 held among 400 + 200', () => expect(newShareOf(100, 200, 400)).toBe(0.5));
  it('is 1 when nothing arrives (nothing is called either)', () => expect(newShareOf(0, 0, 0)).toBe(1));
  it('never passes 1 (new work a client rejected before it arrived)', () => expect(newShareOf(120, 0, 100)).toBe(1));
});

describe('parkedRelease: how much parked work an orchestrator sends again in a step', () => {
  it('sends a share of the backlog (1 − e^(−dt/resumeS))', () => expect(parkedRelease(1000, 1, false, 4, 0.1)).toBeCloseTo(100, 12));
  it('sends a batch per step when released in batches', () => expect(parkedRelease(1000, 1, true, 4, 0.1)).toBe(4));
  it('sends the stragglers all at once once fewer than a step of new work is left', () => expect(parkedRelease(0.5, 1, false, 4, 0.1)).toBe(0.5));
  it('never sends more than is parked', () => expect(parkedRelease(3, 1, true, 4, 0.1)).toBe(3));
});

describe('goesOnShare: the share of what waited in a step that went on', () => {
  it('is what went on over what went on and what still waits', () => expect(goesOnShare(25, 75)).toBe(0.25));
  it('is 0 while a shut door holds it all', () => expect(goesOnShare(0, 500)).toBe(0));
  it('is 1 when nothing waited', () => expect(goesOnShare(0, 0)).toBe(1));
});

describe('resolveAwaiting: work waiting on a held call goes on as that call does', () => {
  const view = (goesOn: number, pOk: number, pDone: number, pRefused: number): AwaitView => ({ goesOn, pOk, pDone, pRefused });

  it('moves the share that went on, by attempt, and answers it as the calls answered now are', () => {
    const f = flowWithRows(3);
    f.await0.set([80, 20, 0]);
    f.awaitTotal = 100;
    // Of the calls: 40 % done, 40 % still held (pOk − pDone), 10 % refused, 10 % failed.
    // Of those answered (60 %): two thirds done, a sixth refused, a sixth failed.
    const moved = resolveAwaiting(f, f.await0, view(0.5, 0.8, 0.4, 0.1));
    expect(moved).toBe(50);
    expect(Array.from(f.await0)).toEqual([40, 10, 0]);
    expect(f.awaitTotal).toBe(50);
    expect(f.succ).toBeCloseTo((50 * 0.4) / 0.6, 12);
    expect(f.refused).toBeCloseTo((50 * 0.1) / 0.6, 12);
    // Failures go back to the attempt they were on, to be retried by the caller's policy.
    expect(f.fail[0]).toBeCloseTo((40 * 0.1) / 0.6, 12);
    expect(f.fail[1]).toBeCloseTo((10 * 0.1) / 0.6, 12);
    expect(f.stockOut).toBe(50);
  });

  it('moves nothing while what it waits on does not go on (a shut door)', () => {
    const f = flowWithRows(2);
    f.await0.set([10, 0]);
    f.awaitTotal = 10;
    expect(resolveAwaiting(f, f.await0, view(0, 1, 0, 0))).toBe(0);
    expect(f.awaitTotal).toBe(10);
  });

  it('moves everything, to exactly zero, once what it waited on is gone', () => {
    const f = flowWithRows(2);
    f.await0.set([0.1 + 0.2, 1e-17]);
    f.awaitTotal = 0.3;
    resolveAwaiting(f, f.await0, view(1, 1, 1, 0));
    expect(f.awaitTotal).toBe(0);
    expect(Array.from(f.await0)).toEqual([0, 0]);
    expect(f.succ).toBeCloseTo(0.3, 15);
  });

  it('counts work waiting, held or not, as what callers of callers wait on', () => {
    const f = flowWithRows(1);
    f.held0 = 2;
    f.held1 = 3;
    f.awaitTotal = 5;
    expect(stockOf(f)).toBe(10);
  });
});

describe('settleSource: what a source does with its outcomes', () => {
  it('an orchestrator parks what failed, to send it again, and abandons nothing', () => {
    const src = source(10);
    expect(settleSource(src, true, 5, 2, 3)).toBe(0);
    expect(src.completed).toBe(5);
    expect(src.parked).toBe(15);
    expect(src.parkedTotal).toBe(5);
    expect(src.abandoned).toBe(0);
  });
  it('any other source abandons what was given up or refused', () => {
    const src = source();
    expect(settleSource(src, false, 5, 2, 3)).toBe(5);
    expect(src.abandoned).toBe(5);
    expect(src.parked).toBe(0);
  });
});
