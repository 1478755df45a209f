/**
 * The server's work clock: how many requests' worth of service it can have done by time t, with
 * capacity C except during one outage, when capacity is C × factor. A FIFO server with a
 * deterministic service time finishes a request one unit of work after it starts, so mapping time
 * to work and back gives every completion time exactly, at arrival.
 */

export interface Outage {
  atS: number;
  durationS: number;
  /** Share of capacity left: 0 is a full outage (nothing is served). */
  factor: number;
}

export interface WorkClock {
  /** Requests' worth of service possible in [0, tS]. */
  workAt(tS: number): number;
  /** The earliest time by which `work` requests' worth of service is possible. */
  timeAtWork(work: number): number;
}

export function workClock(capacityRps: number, outage: Outage): WorkClock {
  const t0 = outage.atS;
  const t1 = outage.atS + outage.durationS;
  const slowRps = capacityRps * outage.factor;
  const w0 = capacityRps * t0;
  const w1 = w0 + slowRps * outage.durationS;
  return {
    workAt(tS) {
      if (tS <= t0) return capacityRps * tS;
      if (tS <= t1) return w0 + slowRps * (tS - t0);
      return w1 + capacityRps * (tS - t1);
    },
    timeAtWork(work) {
      if (work <= w0) return work / capacityRps;
      // A full outage does no work at all: the next unit of work is done after it ends.
      if (work <= w1 && slowRps > 0) return t0 + (work - w0) / slowRps;
      return t1 + (work - w1) / capacityRps;
    },
  };
}
