/** The per-request simulation's side of the comparison: one run of a threshold case, and its threshold. */
import { bisectThreshold, type Bracket } from './bisect.ts';
import { simulate } from './queue-des.ts';
import { isStuck } from './stuck.ts';
import { BASE_DELAY_S, CAPACITY_RPS, caseSettings, MAX_DELAY_S, OUTAGE_AT_S, RETRIES, TIMEOUT_S, type ThresholdCase } from './threshold-cases.ts';

/** Whether the run of case `c` at `value` ends stuck (the run length defaults to the case's). */
export function desIsStuck(c: ThresholdCase, value: number, seed: number, runS = c.runS): boolean {
  const { loadShare, outageS } = caseSettings(c, value);
  return isStuck(
    simulate({
      capacityRps: CAPACITY_RPS,
      loadRps: loadShare * CAPACITY_RPS,
      timeoutS: TIMEOUT_S,
      retries: RETRIES,
      baseDelayS: BASE_DELAY_S,
      maxDelayS: MAX_DELAY_S,
      outage: { atS: OUTAGE_AT_S, durationS: outageS, factor: 0 },
      runS,
      seed,
    }),
  );
}

export function desThreshold(c: ThresholdCase, seed: number): Bracket {
  return bisectThreshold((value) => desIsStuck(c, value, seed), c.recovers, c.stuck, c.tolerance);
}
