/**
 * The parts of a run stepped one tick at a time: the sources, flows and nodes of every region that
 * is not advanced calm (calm.ts) in the current control interval. The step loop walks these lists
 * instead of testing every part of every region each step, so a calm region costs nothing between
 * its intervals. The lists keep the topology's order, so sums come out in the same order as a run
 * that steps every region.
 */
import type { Topology } from './topology.ts';

/** Sources, flows by service and nodes by service, of the regions a calm mask leaves stepped. */
class Lists {
  readonly sources: Int32Array;
  sourceCount = 0;
  readonly flows: Int32Array;
  readonly flowStart: Int32Array;
  readonly nodes: Int32Array;
  readonly nodeStart: Int32Array;

  constructor(topo: Topology) {
    const S = topo.serviceIds.length;
    this.sources = new Int32Array(topo.sources.length);
    this.flows = new Int32Array(topo.flows.length);
    this.flowStart = new Int32Array(S + 1);
    this.nodes = new Int32Array(topo.nodes.length);
    this.nodeStart = new Int32Array(S + 1);
  }

  build(topo: Topology, calm: Uint8Array): void {
    const { sources, flows, nodes, flowsByService, nodesByService } = topo;
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
}

export class Stepped {
  /**
   * The lists for the mask last given to `update`. By service `s`, its stepped flows are
   * `flows[flowStart[s]] … flows[flowStart[s + 1] - 1]`, and its stepped nodes likewise.
   */
  sources: Int32Array;
  sourceCount: number;
  flows: Int32Array;
  flowStart: Int32Array;
  nodes: Int32Array;
  nodeStart: Int32Array;
  /** Every part (no region calm: between intervals, and at each interval's first observation). */
  private readonly all: Lists;
  /** The parts a calm mask leaves, and the mask they were built for (2: not built yet). */
  private readonly some: Lists;
  private readonly builtFor: Uint8Array;

  constructor(private readonly topo: Topology) {
    this.all = new Lists(topo);
    this.all.build(topo, new Uint8Array(topo.regionIds.length));
    this.some = new Lists(topo);
    this.builtFor = new Uint8Array(topo.regionIds.length).fill(2);
    ({ sources: this.sources, sourceCount: this.sourceCount, flows: this.flows, flowStart: this.flowStart, nodes: this.nodes, nodeStart: this.nodeStart } = this.all);
  }

  /** Points the lists at the parts `calm` (1 for a region advanced calm) leaves stepped. */
  update(calm: Uint8Array): void {
    let none = true;
    let same = true;
    for (let r = 0; r < calm.length; r++) {
      if (calm[r] === 1) none = false;
      if (calm[r] !== this.builtFor[r]) same = false;
    }
    if (!none && !same) {
      this.builtFor.set(calm);
      this.some.build(this.topo, calm);
    }
    const l = none ? this.all : this.some;
    this.sources = l.sources;
    this.sourceCount = l.sourceCount;
    this.flows = l.flows;
    this.flowStart = l.flowStart;
    this.nodes = l.nodes;
    this.nodeStart = l.nodeStart;
  }

  /** Whether nothing is stepped (every region calm). */
  get idle(): boolean {
    return this.sourceCount === 0 && this.flowStart[this.flowStart.length - 1] === 0;
  }
}
