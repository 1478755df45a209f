/**
 * The one meaning of "in trouble", used by the scoreboard, every verdict, the story, the charts,
 * the CSV and the sweeps. A service in a region is in trouble when any of these holds:
 *
 *  - its state is `down`, `overloaded` or `waiting` (`recovering` alone is not trouble: a service
 *    ramping back is not counted);
 *  - its goodput over the last 60 s is below 90 % of its new demand (a caller succeeds only when
 *    its call succeeds; work a front door holds is waiting, not done, so its callers are in
 *    trouble while they wait);
 *  - more than a minute of its demand waits outside it (held at its front door, or parked by
 *    orchestrators for a dependency to come back).
 *
 * Judged every control step (5 s of simulated time) from the cumulative counters of every step.
 * Minutes of outage are minutes in trouble. Amplification is attempts sent by a region's callers
 * (home and failed over) ÷ the first tries that produced them, so retries East US routes to West US
 * count against East US's own work, and a layer's amplification is what its callers' retries add
 * (layers multiply: the bottom of three layers of 4 tries sees up to 4³ per request at the top).
 */
import { M } from './state.ts';

/** The window the goodput and amplification rules look back over, in seconds. */
export const TROUBLE_WINDOW_S = 60;
/** Goodput below this share of demand over the window is trouble. */
export const GOODPUT_FLOOR = 0.9;

/** Health states that are trouble by themselves (indexes into HEALTH_STATES). */
export interface TroubleStates {
  down: number;
  overloaded: number;
  waiting: number;
}

/** Per node, as plain data kept in the simulation state (so snapshots carry it). */
export interface TroubleState {
  /** Control steps in the window, and the control step in seconds. */
  slots: number;
  controlS: number;
  /** Ring of cumulative (demand, goodput, sent, first tries) at the last `slots + 1` control steps: by slot, then field, then node. */
  ring: Float64Array;
  /** Ring position of the newest entry, and how many entries are filled. */
  head: number;
  filled: number;
  /** 1 while in trouble. */
  now: Uint8Array;
  /** Seconds in trouble so far, episodes, first start and last end (seconds; NaN: none). */
  seconds: Float64Array;
  episodes: Float64Array;
  firstAt: Float64Array;
  lastEnd: Float64Array;
  /** Largest amplification over any full window, and the amplification over the last window. */
  peakAmp: Float64Array;
  amp: Float64Array;
  /** Seconds (simulated) of the last judgement. */
  judgedAt: number;
}

/** The counters the ring keeps, in its order: demand, goodput, sent, first tries. */
const KEPT = [M.demand, M.goodput, M.sent, M.tries] as const;
const FIELDS = KEPT.length;

export function newTroubleState(nodes: number, controlS: number): TroubleState {
  const slots = Math.max(1, Math.round(TROUBLE_WINDOW_S / controlS));
  const nan = () => new Float64Array(nodes).fill(NaN);
  return {
    slots,
    controlS,
    ring: new Float64Array((slots + 1) * nodes * FIELDS),
    head: -1,
    filled: 0,
    now: new Uint8Array(nodes),
    seconds: new Float64Array(nodes),
    episodes: new Float64Array(nodes),
    firstAt: nan(),
    lastEnd: nan(),
    peakAmp: new Float64Array(nodes).fill(1),
    amp: new Float64Array(nodes).fill(1),
    judgedAt: 0,
  };
}

/** What the judge needs to know of each node beyond the counters. */
export interface TroubleInput {
  /** Each node's health state (an index into HEALTH_STATES), by node. */
  nodes: readonly { health: number }[];
  /** Work waiting outside each node: held at its door, parked by its orchestrators. */
  backlog: (node: number) => number;
  /** 1 for each node outside which work can wait at all (it has a front door, or orchestrators that park work enter it). */
  mayWait: Uint8Array;
  states: TroubleStates;
  /** The nodes to judge (every node when null); the others keep their verdicts untouched. */
  judged: Int32Array | null;
}

/**
 * Judges every node at simulated time `nowS`, from the cumulative counters `cum`
 * (metric-major, `M`). The verdict holds until the next judgement.
 */
export function judgeTrouble(tr: TroubleState, cum: Float64Array, nodes: number, nowS: number, input: TroubleInput): void {
  const span = nowS - tr.judgedAt;
  const stride = nodes * FIELDS;
  const head = (tr.head + 1) % (tr.slots + 1);
  const base = head * stride;
  const judged = input.judged;
  const count = judged ? judged.length : nodes;
  const ring = tr.ring;
  for (let k = 0; k < FIELDS; k++) {
    const from = KEPT[k] * nodes;
    const to = base + k * nodes;
    for (let i = 0; i < nodes; i++) ring[to + i] = cum[from + i];
  }
  tr.head = head;
  if (tr.filled < tr.slots + 1) tr.filled++;
  const oldest = ((head - (tr.filled - 1)) % (tr.slots + 1) + tr.slots + 1) % (tr.slots + 1);
  const full = tr.filled === tr.slots + 1;
  const o = oldest * stride;
  const windowS = Math.max(1e-9, (tr.filled - 1) * tr.controlS);
  const { down, overloaded, waiting } = input.states;
  for (let q = 0; q < count; q++) {
    const i = judged ? judged[q] : q;
    // The time since the last judgement counts with the verdict that held through it.
    if (tr.now[i] === 1 && span > 0) tr.seconds[i] += span;
    const demand = ring[base + i] - ring[o + i];
    const goodput = ring[base + nodes + i] - ring[o + nodes + i];
    const sent = ring[base + 2 * nodes + i] - ring[o + 2 * nodes + i];
    const tries = ring[base + 3 * nodes + i] - ring[o + 3 * nodes + i];
    const h = input.nodes[i].health;
    let trouble = h === down || h === overloaded || h === waiting;
    if (!trouble && demand > 1 && goodput < GOODPUT_FLOOR * demand) trouble = true;
    if (!trouble && input.mayWait[i] === 1) {
      const backlog = input.backlog(i);
      if (backlog > 1 && backlog > (demand / windowS) * TROUBLE_WINDOW_S) trouble = true;
    }
    const amp = tries > 1e-6 ? sent / tries : 1;
    tr.amp[i] = amp;
    // A peak counts only over windows with a tenth of the node's usual first tries or more: when
    // callers stop sending new work, the last retries of old work are not amplification.
    if (full && amp > tr.peakAmp[i]) {
      const usual = (cum[M.tries * nodes + i] / Math.max(1e-9, nowS)) * windowS;
      if (tries >= 0.1 * usual) tr.peakAmp[i] = amp;
    }
    if (trouble && tr.now[i] === 0) {
      tr.episodes[i]++;
      if (tr.firstAt[i] !== tr.firstAt[i]) tr.firstAt[i] = nowS;
    } else if (!trouble && tr.now[i] === 1) tr.lastEnd[i] = nowS;
    tr.now[i] = trouble ? 1 : 0;
  }
  tr.judgedAt = nowS;
}

/** Closes the books at the end of a run (or now): the last stretch counts with its verdict. */
export function troubleSecondsTo(tr: TroubleState, node: number, nowS: number): number {
  return tr.seconds[node] + (tr.now[node] === 1 ? Math.max(0, nowS - tr.judgedAt) : 0);
}

export type Outcome = 'ok' | 'recovered' | 'stuck';

/** ok: never in trouble; recovered: in trouble, and out of it by now; stuck: in trouble now. */
export function outcomeOf(tr: TroubleState, node: number): Outcome {
  if (tr.now[node] === 1) return 'stuck';
  return tr.episodes[node] > 0 ? 'recovered' : 'ok';
}
