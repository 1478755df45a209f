/** A map in a shared link does not spend a reader's CPU without asking. */
import { describe, expect, it } from 'vitest';
import { linkMapWaits } from '../../src/app/sweep-link.ts';
import { model } from '../helpers.ts';

describe('a map from a link', () => {
  const incident = model('azure-2026-02').model; // 48,600 steps × 42 services in every region: about 2 million node updates a run
  const single = model('single-service').model; // 3,600 steps × 1: 3,600 a run

  it('runs by itself up to 20 million node updates and 1,000 runs', () => {
    expect(linkMapWaits(9, incident)).toBeNull(); // 18.4 million
    expect(linkMapWaits(1000, single)).toBeNull();
  });

  it('waits for Run beyond either, saying what it would take', () => {
    expect(linkMapWaits(10, incident)).toBe('This map takes 10 runs, 20.4 million node updates: press Run to start it.');
    expect(linkMapWaits(100, incident)).toBe('This map takes 100 runs, 204 million node updates: press Run to start it.');
    expect(linkMapWaits(3600, single)).toBe('This map takes 3,600 runs: press Run to start it.');
  });
});
