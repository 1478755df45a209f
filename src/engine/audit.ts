/**
 * The ledger, read off a run: nothing is created or lost in the fluid, and every work item is in
 * exactly one place. Used by the sampler (each service's `pending`), the scoreboard, the property
 * tests, and handy when building a model.
 *
 * Attempts, per node: offered = rejected + errored + served + dropped + queued.
 * Work items, per flow: created = succeeded + given up + refused + parked + pending in flight, where
 *   in flight is about to be sent, held at a door, queued while the caller still waits, waiting
 *   out a backoff, or served and waiting on a held call.
 * Work items, per source: asked = completed + abandoned + pending (parked, or in flight).
 * No state counts as accounted that nothing ever leaves.
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

/** Where a flow's pending work items are. */
export interface InFlight {
  /** About to be sent (new work or released parked work not yet sent this step). */
  first: number;
  held: number;
  queued: number;
  backoff: number;
  awaiting: number;
}

/** One source's ledger. */
export interface SourceLedger {
  source: string;
  /** The service its work enters. */
  node: number;
  asked: number;
  completed: number;
  abandoned: number;
  parked: number;
  inFlight: InFlight;
  /** parked + everything in flight. */
  pending: number;
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

/** Flow `f`'s work items in flight: not ended, not parked. */
export function inFlightOf(sim: Simulation, f: number): InFlight {
  const s = sim.state;
  const info = sim.topo.flows[f];
  const fl = s.flows[f];
  let queued = 0;
  const ports: [number, Float64Array][] = [[info.home, fl.arr0]];
  if (info.pair >= 0) ports.push([info.pair, fl.arr1]);
  for (const [node, arr] of ports) {
    const n = s.nodes[node];
    for (let a = Math.max(n.timedThrough + 1, s.tick - fl.Wp + 1, n.oldest); a < s.tick; a++) {
      const slot = a % n.W;
      if (n.rem[slot] <= 0 || n.init[slot] <= 0) continue;
      let sum = 0;
      for (let k = 0; k < fl.rows; k++) sum += arr[k * fl.Wp + (a % fl.Wp)];
      queued += (sum * n.rem[slot]) / n.init[slot];
    }
  }
  let awaiting = 0;
  for (let k = 0; k < fl.await0.length; k++) awaiting += fl.await0[k] + fl.await1[k];
  return { first: fl.first, held: fl.held0 + fl.held1, queued, backoff: waitingRetries(fl), awaiting };
}

function sumOf(x: InFlight): number {
  return x.first + x.held + x.queued + x.backoff + x.awaiting;
}

export function auditFlows(sim: Simulation): FlowAudit[] {
  const s = sim.state;
  const parkedBy = new Map<number, number>();
  for (const src of sim.topo.sources) parkedBy.set(src.flow, s.sources[src.index].parked);
  return sim.topo.flows.map((info, f) => {
    const fl = s.flows[f];
    const accounted = fl.succeeded + fl.givenUp + fl.refusedDone + (parkedBy.get(f) ?? 0) + sumOf(inFlightOf(sim, f));
    return { flow: info.label, created: fl.created, accounted };
  });
}

/** Every source's ledger as the run stands. */
export function sourceLedgers(sim: Simulation): SourceLedger[] {
  return sim.topo.sources.map((info) => {
    const src = sim.state.sources[info.index];
    const inFlight = inFlightOf(sim, info.flow);
    return {
      source: sim.topo.flows[info.flow].label,
      node: sim.topo.flows[info.flow].home,
      asked: src.asked,
      completed: src.completed,
      abandoned: src.abandoned,
      parked: src.parked,
      inFlight,
      pending: src.parked + sumOf(inFlight),
    };
  });
}

/** Work items of the sources entering each node that have not ended yet (parked or in flight), by node. */
export function pendingByNode(sim: Simulation): Float64Array {
  const out = new Float64Array(sim.topo.nodes.length);
  for (const l of sourceLedgers(sim)) out[l.node] += l.pending;
  return out;
}
