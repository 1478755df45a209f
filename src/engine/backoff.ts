/**
 * Retry delays as fluid distributions. A delay distribution is represented by equally weighted
 * quantile points; each point is split between the two neighbouring ticks so that the mean delay
 * is exact whatever the time step.
 */

export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

export interface BackoffPolicy {
  baseS: number;
  maxS: number;
  jitter: Jitter;
}

/** Quantile points per jittered distribution. */
const POINTS = 8;

/**
 * Delay points (seconds, equal weights) before retry number `retry` (1 = the first retry).
 * Decorrelated jitter depends on the previous delay; a fluid model uses its mean.
 */
export function delayPointsS(p: BackoffPolicy, retry: number): number[] {
  const cap = Math.max(0, p.maxS);
  const base = Math.min(Math.max(0, p.baseS), cap);
  const v = Math.min(cap, base * 2 ** (retry - 1));
  const q = (k: number) => (k + 0.5) / POINTS;
  const points: number[] = [];
  switch (p.jitter) {
    case 'none':
      points.push(v);
      break;
    case 'full':
      for (let k = 0; k < POINTS; k++) points.push(q(k) * v);
      break;
    case 'equal':
      for (let k = 0; k < POINTS; k++) points.push(v / 2 + (q(k) * v) / 2);
      break;
    case 'decorrelated': {
      let prev = base;
      for (let r = 1; r < retry; r++) prev = Math.min(cap, (base + 3 * prev) / 2);
      const hi = Math.max(base, 3 * prev);
      for (let k = 0; k < POINTS; k++) points.push(Math.min(cap, base + q(k) * (hi - base)));
      break;
    }
    default: {
      const never: never = p.jitter;
      throw new Error(`unknown jitter ${String(never)}`);
    }
  }
  return points;
}

/**
 * A compiled delay table for retries 1..maxRetries: for retry r, entries
 * [start[r], start[r+1]) of `offset` (ticks ≥ 1) and `weight` (summing to 1).
 */
export interface DelayTable {
  start: Int32Array;
  offset: Int32Array;
  weight: Float64Array;
  /** Largest offset in ticks: the retry ring must be longer than this. */
  maxOffset: number;
}

export function compileDelays(p: BackoffPolicy, maxRetries: number, dtS: number): DelayTable {
  const offsets: number[] = [];
  const weights: number[] = [];
  const start = new Int32Array(maxRetries + 2);
  let maxOffset = 1;
  for (let r = 1; r <= maxRetries; r++) {
    start[r] = offsets.length;
    const pts = delayPointsS(p, r);
    const byOffset = new Map<number, number>();
    for (const d of pts) {
      // A retry can never land in the tick its failure was seen.
      const x = Math.max(1, d / dtS);
      const lo = Math.floor(x);
      const frac = x - lo;
      const w = 1 / pts.length;
      byOffset.set(lo, (byOffset.get(lo) ?? 0) + w * (1 - frac));
      if (frac > 1e-9) byOffset.set(lo + 1, (byOffset.get(lo + 1) ?? 0) + w * frac);
    }
    for (const [off, w] of byOffset) {
      if (w <= 0) continue;
      offsets.push(off);
      weights.push(w);
      if (off > maxOffset) maxOffset = off;
    }
  }
  start[maxRetries + 1] = offsets.length;
  return { start, offset: Int32Array.from(offsets), weight: Float64Array.from(weights), maxOffset };
}
