/**
 * The page's side of the worker: starts the simulation in a module worker, or — where workers are
 * not allowed (some sandboxed embeds) — runs the same host on the main thread. One request in
 * flight at a time; replies arrive through `onMessage`.
 */
import { SimHost } from './host.ts';
import type { FromWorkerMsg, ToWorkerMsg } from './protocol.ts';

export interface SimClient {
  send(msg: ToWorkerMsg): void;
  /** True while a request has not been answered yet. */
  readonly busy: boolean;
  /** Where the simulation runs. */
  readonly where: 'worker' | 'main thread';
  terminate(): void;
}

export function createSimClient(onMessage: (m: FromWorkerMsg) => void, preferWorker = true): SimClient {
  let pending = 0;
  const receive = (m: FromWorkerMsg) => {
    pending = Math.max(0, pending - 1);
    onMessage(m);
  };
  if (preferWorker && typeof Worker !== 'undefined') {
    try {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (e: MessageEvent<FromWorkerMsg>) => receive(e.data);
      worker.onerror = (e) => {
        pending = 0;
        onMessage({ type: 'failed', message: e.message || 'the simulation worker stopped' });
      };
      return {
        send(msg) {
          pending++;
          worker.postMessage(msg);
        },
        get busy() {
          return pending > 0;
        },
        where: 'worker',
        terminate: () => worker.terminate(),
      };
    } catch {
      // Fall through to the main thread.
    }
  }
  const host = new SimHost();
  return {
    send(msg) {
      pending++;
      // Answer asynchronously, as a worker would, so callers behave the same either way.
      queueMicrotask(() => host.handle(msg).forEach(receive));
    },
    get busy() {
      return pending > 0;
    },
    where: 'main thread',
    terminate() {},
  };
}
