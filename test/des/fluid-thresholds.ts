/**
 * The fluid engine's side of the comparison: the same tipping points, found by bisection over
 * headless runs of the real engine on the `single-service` model. (The per-request simulation in
 * this folder imports nothing from `src/`; only this file does.)
 */
import { fluidEndGoodputShare as engineEndGoodputShare } from '../../src/engine/validation.ts';
import { model } from '../helpers.ts';
import { bisectThreshold, type Bracket } from './bisect.ts';
import { STUCK_GOODPUT_SHARE } from './stuck.ts';
import { caseSettings, type ThresholdCase } from './threshold-cases.ts';

/** Goodput ÷ new demand of the fluid engine's server over the last minute of one run. */
export function fluidEndGoodputShare(loadShare: number, outageS: number, runS: number, seed?: number): number {
  return engineEndGoodputShare(model('single-service'), loadShare, outageS, runS, seed);
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
