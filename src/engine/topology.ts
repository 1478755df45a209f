/**
 * The static shape of a run, compiled once from a model: one node per (region, service), one flow
 * per (caller, callee, region), one source per (source, region), and the order in which services
 * are stepped so that callers always run before the services they call.
 * Array names carry their index space: `nodeOf_s` is indexed by source, `flows_n` by node.
 */
import { ownValue, type Model } from './model.ts';

export interface NodeInfo {
  index: number;
  region: number;
  service: number;
  id: string; // "eastus/identity"
  /** Flows whose home or paired target is this node, as (flow, port) pairs: port 0 home, 1 paired. */
  inFlows: number[];
  inPorts: number[];
  /** Calls this node makes for each request it serves, in call order. */
  depFlows: number[];
}

export interface FlowInfo {
  index: number;
  /** The node that makes these calls, or -1 for a source's new work. */
  caller: number;
  source: number; // source index, or -1
  /** The model call these calls are (index into model.calls), or -1 for a source's new work. */
  call: number;
  home: number; // target node
  pair: number; // paired region's node of the same service, or -1 (no failover possible)
  perRequest: number;
  label: string; // "eastus: extensions → identity"
}

export interface SourceInfo {
  index: number;
  def: number; // index into model.sources
  region: number;
  flow: number;
  baseShare: number; // region × source scale, multiplies the source's rate parameter
}

export interface Topology {
  model: Model;
  regionIds: string[];
  serviceIds: string[];
  nodes: NodeInfo[];
  flows: FlowInfo[];
  sources: SourceInfo[];
  /** node index = region * services + service */
  nodeIndex(region: number, service: number): number;
  /** Services in call order (callers first). */
  serviceOrder: number[];
  /** Flows grouped by the service they target, indexed by service. */
  flowsByService: number[][];
  /** Nodes of each service, indexed by service then region. */
  nodesByService: number[][];
  /** Capacity multiplier of each node (region scale × service's region scale). */
  capacityShare_n: Float64Array;
  /** Each node's region, as an array for the step loop. */
  region_n: Int32Array;
  /** By flow, as arrays for the step loop: its target node, its source (-1: calls of a node), its calls per request. */
  home_f: Int32Array;
  source_f: Int32Array;
  perRequest_f: Float64Array;
}

export function compileTopology(model: Model): Topology {
  const regionIds = model.regions.map((r) => r.id);
  const serviceIds = model.services.map((s) => s.id);
  const R = regionIds.length;
  const S = serviceIds.length;
  const nodeIndex = (r: number, s: number) => r * S + s;
  const regionOf = new Map(regionIds.map((id, i) => [id, i]));
  const serviceOf = new Map(serviceIds.map((id, i) => [id, i]));

  const nodes: NodeInfo[] = [];
  const capacityShare_n = new Float64Array(R * S);
  for (let r = 0; r < R; r++) {
    for (let s = 0; s < S; s++) {
      const index = nodeIndex(r, s);
      const svc = model.services[s];
      capacityShare_n[index] = model.regions[r].scale * (ownValue(svc.regionScale, regionIds[r]) ?? 1);
      nodes.push({ index, region: r, service: s, id: `${regionIds[r]}/${serviceIds[s]}`, inFlows: [], inPorts: [], depFlows: [] });
    }
  }

  const flows: FlowInfo[] = [];
  const pairNode = (r: number, s: number): number => {
    const pairId = model.regions[r].pair;
    if (!model.services[s].failover || !pairId) return -1;
    const pr = regionOf.get(pairId);
    return pr === undefined || pr === r ? -1 : nodeIndex(pr, s);
  };
  const addFlow = (caller: number, source: number, call: number, r: number, s: number, perRequest: number, label: string): number => {
    const index = flows.length;
    const home = nodeIndex(r, s);
    const pair = pairNode(r, s);
    flows.push({ index, caller, source, call, home, pair, perRequest, label });
    nodes[home].inFlows.push(index);
    nodes[home].inPorts.push(0);
    if (pair >= 0) {
      nodes[pair].inFlows.push(index);
      nodes[pair].inPorts.push(1);
    }
    return index;
  };

  for (let r = 0; r < R; r++) {
    for (const [c, call] of model.calls.entries()) {
      const from = serviceOf.get(call.from)!;
      const to = serviceOf.get(call.to)!;
      const per = ownValue(call.regionPerRequest, regionIds[r]) ?? call.perRequest;
      const f = addFlow(nodeIndex(r, from), -1, c, r, to, per, `${regionIds[r]}: ${call.from} → ${call.to}`);
      nodes[nodeIndex(r, from)].depFlows.push(f);
    }
  }

  const sources: SourceInfo[] = [];
  model.sources.forEach((src, def) => {
    for (let r = 0; r < R; r++) {
      const s = serviceOf.get(src.service)!;
      const flow = addFlow(-1, sources.length, -1, r, s, 1, `${regionIds[r]}: ${src.label} → ${src.service}`);
      const baseShare = model.regions[r].scale * (ownValue(src.regionScale, regionIds[r]) ?? 1);
      sources.push({ index: sources.length, def, region: r, flow, baseShare });
    }
  });

  const serviceOrder = callOrder(model);
  const flowsByService: number[][] = serviceIds.map(() => []);
  for (const f of flows) flowsByService[nodes[f.home].service].push(f.index);

  const nodesByService = serviceIds.map((_, s) => regionIds.map((_, r) => nodeIndex(r, s)));
  const region_n = Int32Array.from(nodes, (n) => n.region);
  const home_f = Int32Array.from(flows, (f) => f.home);
  const source_f = Int32Array.from(flows, (f) => f.source);
  const perRequest_f = Float64Array.from(flows, (f) => f.perRequest);
  return { model, regionIds, serviceIds, nodes, flows, sources, nodeIndex, serviceOrder, flowsByService, nodesByService, capacityShare_n, region_n, home_f, source_f, perRequest_f };
}

/**
 * Services ordered so that every caller comes before the services it calls. The call graph must be
 * acyclic (checked when the model is loaded).
 */
export function callOrder(model: Pick<Model, 'services' | 'calls'>): number[] {
  const ids = model.services.map((s) => s.id);
  const callees = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const c of model.calls) callees.get(c.from)?.push(c.to);
  const order: string[] = [];
  const mark = new Map<string, 1 | 2>();
  const visit = (id: string, path: string[]): void => {
    if (mark.get(id) === 2) return;
    if (mark.get(id) === 1) throw new Error(`calls form a cycle: ${[...path, id].join(' → ')}`);
    mark.set(id, 1);
    for (const to of callees.get(id) ?? []) visit(to, [...path, id]);
    mark.set(id, 2);
    order.push(id);
  };
  for (const id of ids) visit(id, []);
  return order.reverse().map((id) => ids.indexOf(id));
}

/** Per-service and per-flow facts of a run, as arrays for the step loop. */
export interface StepFacts {
  door_s: Uint8Array;
  rejectCost_s: Float64Array;
  hasPair_f: Uint8Array;
  parks_f: Uint8Array;
  homeRegion_f: Int32Array;
  pairRegion_f: Int32Array;
}
