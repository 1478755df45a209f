/**
 * The three tipping points on which the fluid engine is checked against the per-request
 * simulation, stated once for both. Every case is the `single-service` model with a full outage
 * (nothing served) starting at 60 s; one setting varies and the rest is fixed.
 */

export interface ThresholdCase {
  id: string;
  label: string;
  /** What varies: the load as a share of capacity, or the outage length in seconds. */
  varies: 'loadShare' | 'outageS';
  /** Fixed settings: load as a share of capacity, or outage length in seconds. */
  loadShare?: number;
  outageS?: number;
  /** A value known to recover and one known to be stuck, to start the bisection. */
  recovers: number;
  stuck: number;
  /** Bisection stops when the bracket is this narrow. */
  tolerance: number;
  runS: number;
}

export const CAPACITY_RPS = 1000;
export const OUTAGE_AT_S = 60;
export const TIMEOUT_S = 5;
export const RETRIES = 3;
export const BASE_DELAY_S = 1;
export const MAX_DELAY_S = 30;

export const THRESHOLD_CASES: readonly ThresholdCase[] = [
  {
    id: 'lowest-stuck-load-900s',
    label: 'lowest load stuck at the end of a 900 s run after a 120 s full outage',
    varies: 'loadShare', outageS: 120, recovers: 0.05, stuck: 1, tolerance: 0.001, runS: 900,
  },
  {
    id: 'lowest-stuck-load-3600s',
    label: 'lowest load stuck at the end of a 3600 s run after a 120 s full outage',
    varies: 'loadShare', outageS: 120, recovers: 0.05, stuck: 1, tolerance: 0.001, runS: 3600,
  },
  {
    id: 'tipping-outage-0.9',
    label: 'shortest full outage that leaves 0.9 × capacity stuck (900 s run)',
    varies: 'outageS', loadShare: 0.9, recovers: 0, stuck: 120, tolerance: 0.02, runS: 900,
  },
  {
    id: 'tipping-outage-0.675',
    label: 'shortest full outage that leaves 0.675 × capacity stuck (900 s run)',
    varies: 'outageS', loadShare: 0.675, recovers: 0, stuck: 120, tolerance: 0.02, runS: 900,
  },
];

/** The load share and outage length of one run of a case at `value`. */
export function caseSettings(c: ThresholdCase, value: number): { loadShare: number; outageS: number } {
  return c.varies === 'loadShare' ? { loadShare: value, outageS: c.outageS! } : { loadShare: c.loadShare!, outageS: value };
}
