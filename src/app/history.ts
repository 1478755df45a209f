/**
 * The sampled history of the run so far, kept as one growing array per node and metric so views
 * read a series without copying it.
 */
import { FRAME_METRICS, type Frame, type FrameMetric } from '../worker/protocol.ts';

const K = FRAME_METRICS.length;

export class History {
  t: number[] = [];
  /** Bumped on every change, so views can tell whether to redraw. */
  version = 0;
  private columns: number[][] = [];

  constructor(readonly nodes: number) {
    this.clear();
  }

  private clear(): void {
    this.t = [];
    this.columns = Array.from({ length: this.nodes * K }, () => []);
  }

  add(frame: Frame): void {
    if (frame.reset) this.clear();
    const n = frame.samples.t.length;
    if (n === 0 && !frame.reset) return;
    const stride = this.nodes * K;
    const v = frame.samples.values;
    for (let s = 0; s < n; s++) {
      this.t.push(frame.samples.t[s]);
      const base = s * stride;
      for (let c = 0; c < stride; c++) this.columns[c].push(v[base + c]);
    }
    this.version++;
  }

  /** Value of `metric` for `node` in every sample (the live array: do not modify). */
  series(node: number, metric: FrameMetric): readonly number[] {
    return this.columns[node * K + FRAME_METRICS.indexOf(metric)];
  }
}
