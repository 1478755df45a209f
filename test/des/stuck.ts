/**
 * The lab's definition of trouble at the end of a run: over its last minute, goodput below 90 %
 * of new demand.
 */
import { sumOver, type DesResult } from './queue-des.ts';

export const STUCK_WINDOW_S = 60;
export const STUCK_GOODPUT_SHARE = 0.9;

/** Goodput ÷ new demand over the last `windowS` seconds of the run. */
export function endGoodputShare(r: DesResult, windowS = STUCK_WINDOW_S): number {
  const end = r.settings.runS;
  const demand = sumOver(r.bins.demand, end - windowS, end);
  return demand > 0 ? sumOver(r.bins.goodput, end - windowS, end) / demand : 1;
}

export function isStuck(r: DesResult): boolean {
  return endGoodputShare(r) < STUCK_GOODPUT_SHARE;
}
