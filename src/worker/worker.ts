/// <reference lib="webworker" />
/** The Web Worker: a few lines around the host. */
import { SimHost } from './host.ts';
import type { FromWorkerMsg, ToWorkerMsg } from './protocol.ts';

const host = new SimHost();
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (e: MessageEvent<ToWorkerMsg>) => {
  for (const reply of host.handle(e.data)) scope.postMessage(reply satisfies FromWorkerMsg, transferables(reply));
};

function transferables(m: FromWorkerMsg): Transferable[] {
  const f = m.type === 'frame' ? m : m.type === 'loaded' ? m.frame : null;
  return f ? [f.health.buffer, f.metrics.buffer, f.flows.buffer, f.samples.t.buffer, f.samples.values.buffer] : [];
}
