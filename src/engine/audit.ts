/**
 * Bookkeeping checks: nothing is created or lost in the fluid. Used by property tests, and handy
 * when building a model.
 *
 * Attempts, per node: offered = rejected + errored + served + dropped + queued.
 * Work items, per flow: created = succeeded + waiting on a held call + given up + refused + parked + held at a door
 *   + waiting out a backoff + queued while the caller still waits.
 */
import { waitingRetries } from './flow.ts';
import type { Simulation } from './simulation.ts';
import { M } from './state.ts';

export interface NodeAudit {
  node: string;
  offered: number;
  accounted: number;
}

export interface FlowAudit {
  flow: string;
  created: number;
  accounted: number;
}

export function auditNodes(sim: Simulation): NodeAudit[] {
  const N = sim.topo.nodes.length;
  const cum = sim.state.cum;
  return sim.topo.nodes.map((info, i) => ({
    node: info.id,
    offered: cum[M.offered * N + i],
    accounted: cum[M.rejected * N + i] + cum[M.errored * N + i] + cum[M.served * N + i] + cum[M.dropped * N + i] + sim.state.nodes[i].queued,
  }));
}

export function auditFlows(sim: Simulation): FlowAudit[] {
  const s = sim.state;
  const parkedBy = new Map<number, number>();
  for (const src of sim.topo.sources) parkedBy.set(src.flow, s.sources[src.index].parked);
  return sim.topo.flows.map((info, f) => {
    const fl = s.flows[f];
    let queuedFresh = 0;
    const ports: [number, Float64Array][] = [[info.home, fl.arr0]];
    if (info.pair >= 0) ports.push([info.pair, fl.arr1]);
    for (const [node, arr] of ports) {
      const n = s.nodes[node];
      for (let a = Math.max(n.timedThrough + 1, s.tick - fl.Wp + 1, n.oldest); a < s.tick; a++) {
        const slot = a % n.W;
        if (n.rem[slot] <= 0 || n.init[slot] <= 0) continue;
        let sum = 0;
        for (let k = 0; k < fl.rows; k++) sum += arr[k * fl.Wp + (a % fl.Wp)];
        queuedFresh += (sum * n.rem[slot]) / n.init[slot];
      }
    }
    const accounted =
      fl.succeeded + fl.waited + fl.givenUp + fl.refusedDone + (parkedBy.get(f) ?? 0) + fl.held0 + fl.held1 + waitingRetries(fl) + queuedFresh + fl.first;
    return { flow: info.label, created: fl.created, accounted };
  });
}
