/** The sampled history of the run so far, as the views read it: times and node-major values. */
import { FRAME_METRICS, type Frame } from '../worker/protocol.ts';

const K = FRAME_METRICS.length;

export class History {
  t: number[] = [];
  private chunks: Float32Array[] = [];

  constructor(readonly nodes: number) {}

  add(frame: Frame): void {
    if (frame.reset) {
      this.t = [];
      this.chunks = [];
    }
    const n = frame.samples.t.length;
    const stride = this.nodes * K;
    for (let s = 0; s < n; s++) {
      this.t.push(frame.samples.t[s]);
      this.chunks.push(frame.samples.values.subarray(s * stride, (s + 1) * stride));
    }
  }

  /** Value of `metric` for `node` in every sample. */
  series(node: number, metric: (typeof FRAME_METRICS)[number]): number[] {
    const m = FRAME_METRICS.indexOf(metric);
    return this.chunks.map((c) => c[node * K + m]);
  }
}
