/**
 * An exact per-request discrete-event simulation of one service under a retry storm, written to
 * check the fluid engine: independent code that imports nothing from `src/`.
 *
 * One FIFO server serves one request at a time in 1/C seconds (1/(factor·C) during an outage;
 * nothing during a full outage). New requests arrive as a Poisson process at λ. Every try is a
 * separate queued request. A client waits `timeoutS` for its try; if the try has not completed
 * by then it gives up on it — the server cannot know, keeps it queued and serves it later
 * (wasted work) — and, with retries left, sends the next try after a backoff of
 * base·2^(n−1) seconds capped at `maxDelayS` (n = retry number, from 1; no jitter).
 *
 * Because service is deterministic and FIFO, a try's completion time is known when it arrives:
 * the only events are arrivals, taken in time order from the Poisson stream and one sorted
 * stream per retry number.
 */
import { exponentialS, seededUniform } from './prng.ts';
import { TimeQueue } from './time-queue.ts';
import { workClock, type Outage } from './work-clock.ts';

export interface DesSettings {
  capacityRps: number;
  /** New requests per second (first tries only). */
  loadRps: number;
  timeoutS: number;
  /** Retries after the first try. */
  retries: number;
  baseDelayS: number;
  maxDelayS: number;
  outage: Outage;
  runS: number;
  seed: number;
}

/** The lab's `single-service` model, as a per-request simulation. */
export const SINGLE_SERVICE: DesSettings = {
  capacityRps: 1000,
  loadRps: 700,
  timeoutS: 5,
  retries: 3,
  baseDelayS: 1,
  maxDelayS: 30,
  outage: { atS: 60, durationS: 30, factor: 0.2 },
  runS: 900,
  seed: 1,
};

/** Counts per 1-second bin (bin k covers [k, k + 1) s); each try counted when it arrives or completes. */
export interface DesBins {
  /** First tries arriving. */
  demand: Float64Array;
  /** All tries arriving. */
  offered: Float64Array;
  /** Tries completed while their client still waited. */
  goodput: Float64Array;
  /** Tries completed after their client gave up on them. */
  wasted: Float64Array;
}

export interface DesTotals {
  triesSent: number;
  firstSent: number;
  /** Tries completed by the end of the run. */
  served: number;
  /** Tries sent but not yet completed at the end (still in the server's queue). */
  queuedAtEnd: number;
  /** First tries whose request ended in a success, in a give-up after the last try, or neither yet. */
  succeeded: number;
  givenUp: number;
  inFlight: number;
  /** Requests' worth of service the server could have done in the run. */
  capacityWork: number;
}

export interface DesResult {
  settings: DesSettings;
  bins: DesBins;
  totals: DesTotals;
}

export function backoffS(s: Pick<DesSettings, 'baseDelayS' | 'maxDelayS'>, retry: number): number {
  return Math.min(s.maxDelayS, s.baseDelayS * 2 ** (retry - 1));
}

export function simulate(overrides: Partial<DesSettings> = {}): DesResult {
  const s: DesSettings = { ...SINGLE_SERVICE, ...overrides };
  const { runS, timeoutS, retries } = s;
  const clock = workClock(s.capacityRps, s.outage);
  const u = seededUniform(s.seed);
  const nBins = Math.ceil(runS);
  const bins: DesBins = {
    demand: new Float64Array(nBins),
    offered: new Float64Array(nBins),
    goodput: new Float64Array(nBins),
    wasted: new Float64Array(nBins),
  };
  const totals: DesTotals = {
    triesSent: 0, firstSent: 0, served: 0, queuedAtEnd: 0, succeeded: 0, givenUp: 0, inFlight: 0, capacityWork: clock.workAt(runS),
  };
  // Time from a try's arrival to the arrival of the retry that follows it, by retry number.
  const retryAfterS = [0];
  for (let n = 1; n <= retries; n++) retryAfterS.push(timeoutS + backoffS(s, n));
  // streams[n]: arrival times of retry number n, sorted.
  const streams: TimeQueue[] = [new TimeQueue()];
  for (let n = 1; n <= retries; n++) streams.push(new TimeQueue());

  let nextFirstS = s.loadRps > 0 ? exponentialS(u, s.loadRps) : Infinity;
  // Work done by the time the last queued try completes.
  let workDone = 0;
  for (;;) {
    let tS = nextFirstS;
    let tryNo = 0;
    for (let n = 1; n <= retries; n++) {
      const head = streams[n].peek();
      if (head < tS) {
        tS = head;
        tryNo = n;
      }
    }
    if (tS >= runS) break;
    if (tryNo === 0) {
      nextFirstS = tS + exponentialS(u, s.loadRps);
      totals.firstSent++;
      bins.demand[Math.floor(tS)]++;
    } else streams[tryNo].shift();
    totals.triesSent++;
    bins.offered[Math.floor(tS)]++;

    workDone = Math.max(workDone, clock.workAt(tS)) + 1;
    const doneS = clock.timeAtWork(workDone);
    const inTime = doneS <= tS + timeoutS;
    if (doneS < runS) {
      totals.served++;
      (inTime ? bins.goodput : bins.wasted)[Math.floor(doneS)]++;
    } else totals.queuedAtEnd++;

    // The client's side: the request ends, waits for a retry, or is still in flight at the end.
    if (inTime) {
      if (doneS < runS) totals.succeeded++;
      else totals.inFlight++;
    } else if (tS + timeoutS >= runS) totals.inFlight++;
    else if (tryNo === retries) totals.givenUp++;
    else {
      const retryS = tS + retryAfterS[tryNo + 1];
      if (retryS < runS) streams[tryNo + 1].push(retryS);
      else totals.inFlight++;
    }
  }
  return { settings: s, bins, totals };
}

/** Sum of `xs` over the bins in [fromS, toS). */
export function sumOver(xs: Float64Array, fromS: number, toS: number): number {
  let sum = 0;
  for (let k = Math.max(0, Math.floor(fromS)); k < Math.min(xs.length, Math.ceil(toS)); k++) sum += xs[k];
  return sum;
}
