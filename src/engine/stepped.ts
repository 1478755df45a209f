/**
 * The parts of a run stepped one tick at a time: the sources, flows and nodes of every region that
 * is not advanced calm (calm.ts) in the current control interval. The step loop walks these lists
 * instead of testing every part of every region each step, so a calm region costs nothing between
 * its intervals. The lists keep the topology's order, so sums come out in the same order as a run
 * that steps every region.
 */
import type { Topology } from './topology.ts';

export class Stepped {
  /** Sources of stepped regions (the first `sourceCount` entries). */
  readonly sources: Int32Array;
  sourceCount = 0;
  /** By service `s`: its stepped flows are `flows[flowStart[s]] … flows[flowStart[s + 1] - 1]`, and its stepped nodes likewise. */
  readonly flows: Int32Array;
  readonly flowStart: Int32Array;
  readonly nodes: Int32Array;
  readonly nodeStart: Int32Array;
  /** The calm mask the lists were built for (2: not built yet). */
  private readonly builtFor: Uint8Array;

  constructor(private readonly topo: Topology) {
    const S = topo.serviceIds.length;
    this.sources = new Int32Array(topo.sources.length);
    this.flows = new Int32Array(topo.flows.length);
    this.flowStart = new Int32Array(S + 1);
    this.nodes = new Int32Array(topo.nodes.length);
    this.nodeStart = new Int32Array(S + 1);
    this.builtFor = new Uint8Array(topo.regionIds.length).fill(2);
  }

  /** Brings the lists up to date with `calm` (1 for a region advanced calm); rebuilt only when it changed. */
  update(calm: Uint8Array): void {
    let same = true;
    for (let r = 0; r < calm.length; r++) if (calm[r] !== this.builtFor[r]) same = false;
    if (same) return;
    this.builtFor.set(calm);
    const { sources, flows, nodes, flowsByService, nodesByService } = this.topo;
    let k = 0;
    for (let q = 0; q < sources.length; q++) if (calm[sources[q].region] !== 1) this.sources[k++] = q;
    this.sourceCount = k;
    let fi = 0;
    let ni = 0;
    for (let s = 0; s < flowsByService.length; s++) {
      this.flowStart[s] = fi;
      for (const f of flowsByService[s]) if (calm[nodes[flows[f].home].region] !== 1) this.flows[fi++] = f;
      this.nodeStart[s] = ni;
      for (const i of nodesByService[s]) if (calm[nodes[i].region] !== 1) this.nodes[ni++] = i;
    }
    this.flowStart[flowsByService.length] = fi;
    this.nodeStart[nodesByService.length] = ni;
  }

  /** Whether nothing is stepped (every region calm). */
  get idle(): boolean {
    return this.sourceCount === 0 && this.flowStart[this.flowStart.length - 1] === 0;
  }
}
