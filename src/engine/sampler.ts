/**
 * Samples: per node, rates averaged over the interval since the previous sample (from the
 * cumulative counters) and levels at the sample's end. The CLI, the worker and the tests all
 * read a run through this.
 */
import { pendingByNode } from './audit.ts';
import { clockAt } from './clock.ts';
import type { Simulation } from './simulation.ts';
import { M } from './state.ts';

export interface SampleRow {
  t: number;
  clock: string;
  region: string;
  service: string;
  state: string;
  demand_rps: number;
  offered_rps: number;
  goodput_rps: number;
  capacity_rps: number;
  queue: number;
  backlog: number;
  routed_rps: number;
  served_rps: number;
  wasted_rps: number;
  rejected_rps: number;
  throttled_rps: number;
  dropped_rps: number;
  timedout_rps: number;
  failed_rps: number;
  errored_rps: number;
  abandoned_rps: number;
  amplification: number;
  trouble: number;
  released_rps: number;
  completed_rps: number;
  pending: number;
  asked_rps: number;
}

/**
 * The CSV columns, in order: the first eleven are an interface others rely on; later ones are only
 * ever added at the end. `demand_rps`: new work asked of this service (its sources' new work, and
 * the new part of the calls served requests make: see ledger.ts); `amplification`: attempts sent
 * by this node's callers ÷ their first tries over the interval; `trouble`: 1 while the service is
 * in trouble (see trouble.ts) at the sample. The ledger of the work items of the sources entering
 * here: `asked_rps` (their new work), `completed_rps`, `abandoned_rps`, and `pending` (a level:
 * parked, or in flight), so that over a run asked = completed + abandoned + pending at the end;
 * `released_rps` is parked work sent again (not new, so not asked again).
 */
export const SAMPLE_COLUMNS: readonly (keyof SampleRow)[] = [
  't', 'clock', 'region', 'service', 'state', 'demand_rps', 'offered_rps', 'goodput_rps', 'capacity_rps', 'queue', 'backlog',
  'routed_rps', 'served_rps', 'wasted_rps', 'rejected_rps', 'throttled_rps', 'dropped_rps', 'timedout_rps', 'failed_rps',
  'errored_rps', 'abandoned_rps', 'amplification', 'trouble', 'released_rps', 'completed_rps', 'pending', 'asked_rps',
];

export class Sampler {
  private prev: Float64Array;
  private prevTime: number;

  constructor(private readonly sim: Simulation) {
    this.prev = sim.state.cum.slice();
    this.prevTime = sim.time;
  }

  /** One row per node for the interval since the last call. */
  sample(): SampleRow[] {
    const sim = this.sim;
    const cum = sim.state.cum;
    const N = sim.topo.nodes.length;
    const span = sim.time - this.prevTime;
    const rate = (m: number, i: number) => (span > 0 ? (cum[m * N + i] - this.prev[m * N + i]) / span : 0);
    const clock = clockAt(sim.model, sim.time);
    const pending = pendingByNode(sim);
    const rows: SampleRow[] = sim.topo.nodes.map((node, i) => ({
      t: sim.time,
      clock,
      region: sim.topo.regionIds[node.region],
      service: sim.topo.serviceIds[node.service],
      state: sim.healthOf(i),
      demand_rps: rate(M.demand, i),
      offered_rps: rate(M.offered, i),
      goodput_rps: rate(M.goodput, i),
      capacity_rps: rate(M.capacity, i),
      queue: sim.state.nodes[i].queued,
      backlog: sim.backlogOf(i),
      routed_rps: rate(M.routed, i),
      served_rps: rate(M.served, i),
      wasted_rps: rate(M.wasted, i),
      rejected_rps: rate(M.rejected, i),
      throttled_rps: rate(M.throttled, i),
      dropped_rps: rate(M.dropped, i),
      timedout_rps: rate(M.timedOut, i),
      failed_rps: rate(M.failed, i),
      errored_rps: rate(M.errored, i),
      abandoned_rps: rate(M.abandoned, i),
      amplification: rate(M.tries, i) > 1e-9 ? rate(M.sent, i) / rate(M.tries, i) : 1,
      trouble: sim.state.trouble.now[i],
      released_rps: rate(M.released, i),
      completed_rps: rate(M.completed, i),
      pending: pending[i],
      asked_rps: rate(M.asked, i),
    }));
    this.prev.set(cum);
    this.prevTime = sim.time;
    return rows;
  }
}
