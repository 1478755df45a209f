/**
 * Bisection for a tipping point: the lowest value of a setting at which a run ends stuck, given
 * one value that recovers and one that is stuck. It assumes stuck-ness is monotone in the value,
 * which holds for load and for outage length away from noise.
 */

export interface Bracket {
  /** Highest value seen to recover. */
  recovers: number;
  /** Lowest value seen stuck. */
  stuck: number;
  /** The threshold estimate: the middle of the final bracket. */
  threshold: number;
  runs: number;
}

export function bisectThreshold(stuckAt: (value: number) => boolean, recovers: number, stuck: number, tolerance: number): Bracket {
  if (stuckAt(recovers)) throw new Error(`expected ${recovers} to recover`);
  if (!stuckAt(stuck)) throw new Error(`expected ${stuck} to be stuck`);
  let runs = 2;
  let lo = recovers;
  let hi = stuck;
  while (hi - lo > tolerance) {
    const mid = (lo + hi) / 2;
    runs++;
    if (stuckAt(mid)) hi = mid;
    else lo = mid;
  }
  return { recovers: lo, stuck: hi, threshold: (lo + hi) / 2, runs };
}
