/**
 * Side-by-side runs on one clock: run B is run A (its recipe) with a what-if's settings on top,
 * simulated by a second worker that follows A's time (and starts again from A's recipe whenever
 * that changes), so B can be drawn over A on every chart.
 */
import type { ParamValue } from '../params/registry.ts';
import { createSimClient, type SimClient } from '../worker/client.ts';
import type { Frame, FromWorkerMsg, Recipe } from '../worker/protocol.ts';
import { History } from './history.ts';
import { seekChunkS } from './seek.ts';

export class Comparison {
  readonly history: History;
  latest: Frame | null = null;
  private readonly client: SimClient;
  private ready = false;
  private pendingT = 0;
  /** Simulated seconds per seek request (see seekChunkS), known once B's model has loaded. */
  private chunkS = Infinity;
  /** Why B's simulation failed, if it did: the page's watchdog restores it. */
  failure: string | null = null;
  /** B has reached A's time since it started: until then it is not drawn (it would show another moment). */
  caughtUp = false;

  constructor(
    readonly label: string,
    readonly overrides: Record<string, ParamValue>,
    nodes: number,
    private readonly onChange: () => void,
    private readonly onRefused: (message: string) => void,
  ) {
    this.history = new History(nodes);
    this.client = createSimClient((m) => this.receive(m));
  }

  /** Starts B from A's recipe with the overrides, then brings it to A's time `t`. */
  start(model: string | object, recipe: Recipe, t: number): void {
    this.pendingT = t;
    this.caughtUp = false;
    const params = { ...recipe.params, ...this.overrides } as Record<string, ParamValue>;
    const changes = recipe.changes.filter((c) => 'action' in c || !(c.id in this.overrides));
    this.client.send({ type: 'load', model, seed: recipe.seed, params, changes });
  }

  get busy(): boolean {
    return this.client.busy || !this.ready;
  }

  /** When B's oldest unanswered request was sent (performance.now()), or 0. */
  get waitingSince(): number {
    return this.client.waitingSince;
  }

  /** Keeps B at A's time (a seek is cheap when B is already there); far ahead, in chunks. */
  seek(t: number): void {
    this.pendingT = t;
    if (this.ready && !this.client.busy) this.client.send({ type: 'seek', t: Math.min(t, (this.latest?.t ?? 0) + this.chunkS) });
  }

  stop(): void {
    this.client.terminate();
  }

  private receive(m: FromWorkerMsg): void {
    switch (m.type) {
      case 'loaded':
        this.ready = true;
        this.chunkS = seekChunkS(m.model);
        this.history.add(m.frame);
        this.latest = m.frame;
        if (Math.abs(m.frame.t - this.pendingT) < 1e-9) this.caughtUp = true;
        else this.seek(this.pendingT);
        break;
      case 'frame': {
        const before = this.latest?.t ?? -1;
        this.history.add(m);
        this.latest = m;
        if (Math.abs(m.t - this.pendingT) < 1e-9 || m.done) this.caughtUp = true;
        // The next chunk of a long seek (or A moved on meanwhile), while it still gets somewhere.
        else if (m.t !== before) this.seek(this.pendingT);
        this.onChange();
        break;
      }
      case 'refused':
        this.onRefused(m.message);
        break;
      case 'failed':
        this.failure = m.message;
        break;
      case 'exported':
      case 'verdict':
      case 'validated':
        break;
      default: {
        const never: never = m;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }
}

/** When the backlog at a node last emptied (after it had work waiting), from its history. */
export function backlogDrainedAt(h: History, node: number): number | null {
  const b = h.series(node, 'backlog');
  let last = -1;
  for (let k = 0; k < b.length; k++) if (b[k] > 1) last = k;
  if (last < 0) return null;
  return last + 1 < b.length ? h.t[last + 1] : null;
}
