/**
 * Computes the per-request simulation's thresholds for every case in `threshold-cases.ts`, over a
 * few seeds, and writes them to `test/fixtures/des-thresholds.json` (the runs take a few minutes,
 * so the tests check the fixture rather than recompute it). Run: `npx tsx test/des/thresholds.ts`.
 *
 * For each case it also reruns each seed's lowest stuck value for twice the run length, to show
 * whether "stuck at the end" is a lasting state or a backlog that is still draining.
 */
import { writeFileSync } from 'node:fs';
import { desIsStuck, desThreshold } from './des-thresholds.ts';
import { STUCK_GOODPUT_SHARE, STUCK_WINDOW_S } from './stuck.ts';
import { BASE_DELAY_S, CAPACITY_RPS, MAX_DELAY_S, OUTAGE_AT_S, RETRIES, THRESHOLD_CASES, TIMEOUT_S } from './threshold-cases.ts';

export const SEEDS = [1, 2, 3];
const OUT = new URL('../fixtures/des-thresholds.json', import.meta.url);

const round = (x: number) => Math.round(x * 1e5) / 1e5;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const thresholds = THRESHOLD_CASES.map((c) => {
  const started = performance.now();
  const perSeed = SEEDS.map((seed) => {
    const b = desThreshold(c, seed);
    const stuckAtTwiceRunS = desIsStuck(c, b.stuck, seed, 2 * c.runS);
    return { seed, recovers: round(b.recovers), stuck: round(b.stuck), threshold: round(b.threshold), runs: b.runs, stuckAtTwiceRunS };
  });
  const values = perSeed.map((x) => x.threshold);
  const entry = {
    id: c.id,
    label: c.label,
    varies: c.varies,
    unit: c.varies === 'loadShare' ? 'share of capacity' : 's',
    ...(c.loadShare !== undefined ? { loadShare: c.loadShare } : {}),
    ...(c.outageS !== undefined ? { outageS: c.outageS } : {}),
    runS: c.runS,
    tolerance: c.tolerance,
    median: round(median(values)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    perSeed,
  };
  console.log(`${c.id}: median ${entry.median} (${entry.min}–${entry.max}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return entry;
});

const fixture = {
  about:
    'Thresholds of the exact per-request simulation (test/des/queue-des.ts) for the single-service model: ' +
    'the fluid engine must agree within 10 %. Written by `npx tsx test/des/thresholds.ts`; do not edit by hand.',
  computedOn: new Date().toISOString().slice(0, 10),
  settings: {
    capacityRps: CAPACITY_RPS,
    timeoutS: TIMEOUT_S,
    retries: RETRIES,
    baseDelayS: BASE_DELAY_S,
    maxDelayS: MAX_DELAY_S,
    backoff: 'base·2^(n−1) capped at maxDelayS, no jitter',
    arrivals: 'Poisson',
    service: 'FIFO, one at a time, deterministic 1/C; abandoned tries are still served',
    outage: { atS: OUTAGE_AT_S, capacityFactor: 0 },
    stuck: { windowS: STUCK_WINDOW_S, goodputBelowShareOfDemand: STUCK_GOODPUT_SHARE },
  },
  theory: { lowestStuckLoadShare: 1 / (RETRIES + 1) },
  seeds: SEEDS,
  thresholds,
};
writeFileSync(OUT, JSON.stringify(fixture, null, 2) + '\n');
console.log(`wrote ${OUT.pathname}`);
