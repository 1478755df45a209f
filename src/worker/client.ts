/**
 * The page's side of the worker: starts the simulation in a Web Worker, or — where no worker can
 * start (a content policy, a browser without workers) — runs the same host on the main thread.
 * One request in flight at a time; replies arrive through `onMessage`.
 */
import { SimHost } from './host.ts';
import type { FromWorkerMsg, ToWorkerMsg } from './protocol.ts';
// The worker, bundled as a classic script and started from a Blob URL: that works where URL
// workers do not (sandboxed iframes without same-origin, where every `new Worker(url)` throws).
import InlineWorker from './worker.ts?worker&inline';

export interface SimClient {
  send(msg: ToWorkerMsg): void;
  /** True while a request has not been answered yet. */
  readonly busy: boolean;
  /** When the oldest unanswered request was sent (performance.now()), or 0. */
  readonly waitingSince: number;
  /** Where the simulation runs. */
  readonly where: 'worker' | 'main thread';
  terminate(): void;
}

interface Transport {
  post(msg: ToWorkerMsg): void;
  stop(): void;
  where: 'worker' | 'main thread';
}

export function createSimClient(onMessage: (m: FromWorkerMsg) => void, preferWorker = true): SimClient {
  let pending = 0;
  let waitingSince = 0;
  let answered = false;
  // Until the worker has answered once, keep what was sent: if it cannot start, the main-thread
  // host replays it.
  let early: ToWorkerMsg[] = [];
  const receive = (m: FromWorkerMsg) => {
    answered = true;
    early = [];
    pending = Math.max(0, pending - 1);
    waitingSince = pending > 0 ? performance.now() : 0;
    onMessage(m);
  };
  const mainThread = (): Transport => {
    const host = new SimHost();
    return {
      // Answer asynchronously, as a worker would, so callers behave the same either way.
      post: (msg) => queueMicrotask(() => host.handle(msg).forEach(receive)),
      stop() {},
      where: 'main thread',
    };
  };
  const worker = (): Transport | null => {
    if (!preferWorker || typeof Worker === 'undefined') return null;
    try {
      const w: Worker = new InlineWorker();
      w.onmessage = (e: MessageEvent<FromWorkerMsg>) => receive(e.data);
      w.onerror = (e) => {
        e.preventDefault?.();
        if (!answered) {
          // Blocked before it ever answered (e.g. by a content policy, which reports no message).
          w.terminate();
          transport = mainThread();
          const replay = early;
          early = [];
          pending = 0;
          for (const m of replay) {
            pending++;
            transport.post(m);
          }
          return;
        }
        pending = 0;
        onMessage({ type: 'failed', message: e.message || 'the simulation worker stopped' });
      };
      return { post: (msg) => w.postMessage(msg), stop: () => w.terminate(), where: 'worker' };
    } catch {
      return null;
    }
  };
  let transport: Transport = worker() ?? mainThread();
  return {
    send(msg) {
      if (pending === 0) waitingSince = performance.now();
      pending++;
      if (!answered) early.push(msg);
      transport.post(msg);
    },
    get busy() {
      return pending > 0;
    },
    get waitingSince() {
      return waitingSince;
    },
    get where() {
      return transport.where;
    },
    terminate: () => transport.stop(),
  };
}
