/**
 * The fluid engine's side of the comparison: the same tipping points, found by bisection over
 * headless runs of the real engine on the `single-service` model. (The per-request simulation in
 * this folder imports nothing from `src/`; only this file does.)
 */
import { runScenario } from '../../src/engine/run.ts';
import { model } from '../helpers.ts';
import { bisectThreshold, type Bracket } from './bisect.ts';
import { STUCK_GOODPUT_SHARE, STUCK_WINDOW_S } from './stuck.ts';
import { BASE_DELAY_S, CAPACITY_RPS, caseSettings, MAX_DELAY_S, OUTAGE_AT_S, RETRIES, TIMEOUT_S, type ThresholdCase } from './threshold-cases.ts';

const NODE = { region: 'local', service: 'server' };
const STEP_S = model('single-service').model.dtS;

/** Goodput ÷ new demand of the fluid engine's server over the last minute of one run. */
export function fluidEndGoodputShare(loadShare: number, outageS: number, runS: number, seed?: number): number {
  const result = runScenario(model('single-service'), {
    seed,
    durationS: runS,
    everyS: 1,
    params: {
      load: loadShare * CAPACITY_RPS,
      capacity: CAPACITY_RPS,
      'trigger.at': OUTAGE_AT_S,
      // The engine counts an outage in whole steps of the model (0.25 s) and refuses other lengths.
      'trigger.duration': Math.round(outageS / STEP_S) * STEP_S,
      'trigger.capacity': 0,
      'retry.attempts': RETRIES,
      'retry.baseDelay': BASE_DELAY_S,
      'retry.maxDelay': MAX_DELAY_S,
      'retry.jitter': 'none',
      timeout: TIMEOUT_S,
    },
  });
  let demand = 0;
  let goodput = 0;
  for (const rows of result.samples) {
    for (const row of rows) {
      if (row.region !== NODE.region || row.service !== NODE.service || row.t <= runS - STUCK_WINDOW_S + 1e-9) continue;
      // One-second samples: a rate is that second's count.
      demand += row.demand_rps;
      goodput += row.goodput_rps;
    }
  }
  return demand > 0 ? goodput / demand : 1;
}

export function fluidIsStuck(loadShare: number, outageS: number, runS: number, seed?: number): boolean {
  return fluidEndGoodputShare(loadShare, outageS, runS, seed) < STUCK_GOODPUT_SHARE;
}

/** The fluid engine's threshold for one case, by bisection. */
export function fluidThreshold(c: ThresholdCase, seed?: number): Bracket {
  return bisectThreshold(
    (value) => {
      const { loadShare, outageS } = caseSettings(c, value);
      return fluidIsStuck(loadShare, outageS, c.runS, seed);
    },
    c.recovers,
    c.stuck,
    c.tolerance,
  );
}
