/**
 * The page's sweep pool: hardware concurrency − 1 workers (at least one), each started from a
 * Blob URL like the simulation's own worker (so it works in sandboxed frames), each sent one cell
 * at a time in the order asked for. Where no worker can start, cells run on the main thread, one
 * per task. Results are the grid's whatever the order or the pool.
 */
import { runCell, type CellResult, type SweepSpec } from '../engine/sweep.ts';
import { mustLoadModel } from '../engine/load-model.ts';
import { BUILTIN_MODELS } from '../../models/index.ts';
import type { FromSweepWorker, ToSweepWorker } from '../worker/sweep-protocol.ts';
import InlineSweepWorker from '../worker/sweep-worker.ts?worker&inline';

export interface SweepRun {
  stop(): void;
  /** Where the cells run. */
  readonly where: 'workers' | 'main thread';
  readonly size: number;
}

export interface SweepCallbacks {
  cell(index: number, row: CellResult): void;
  /** All cells done (error: the first that failed). Not called after stop(). */
  end(error?: string): void;
  /** Something the person should know while the map runs (a worker restarted). */
  notice?(text: string): void;
}

/** A worker with a cell unanswered for this long has stopped answering (a cell takes a second or two at most). */
export const CELL_STALL_MS = 10_000;

export const poolSize = () => Math.max(1, (typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2) - 1);

export function runSweepInPage(model: string | object, spec: SweepSpec, order: readonly number[], on: SweepCallbacks, size = poolSize()): SweepRun {
  const queue = [...order];
  let remaining = order.length;
  let stopped = false;
  let failed: string | null = null;
  const workers: Worker[] = [];
  /** The cell each worker is on and when it was sent, for the watchdog. */
  const busy = new Map<Worker, { index: number; since: number }>();
  /** Workers restarted after they stopped answering: one restart, then the map stops. */
  let restarts = 0;
  let watchdog = 0;
  const finish = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(watchdog);
    workers.forEach((w) => w.terminate());
    on.end(failed ?? undefined);
  };
  const done = (index: number, row: CellResult) => {
    if (stopped) return;
    on.cell(index, row);
    if (--remaining === 0) finish();
  };
  let fallback: (() => void) | null = null;
  const mainThread = () => {
    if (fallback) return;
    const loaded = mustLoadModel(typeof model === 'string' ? BUILTIN_MODELS[model] : model);
    fallback = () => {
      if (stopped || queue.length === 0) return;
      const index = queue.shift()!;
      done(index, runCell(loaded, spec, index));
      setTimeout(fallback!, 0);
    };
    setTimeout(fallback, 0);
  };
  const start = (): Worker | null => {
    try {
      const w: Worker = new InlineSweepWorker();
      let current = -1;
      const feed = () => {
        busy.delete(w);
        if (stopped || queue.length === 0) return;
        current = queue.shift()!;
        busy.set(w, { index: current, since: performance.now() });
        w.postMessage({ type: 'cell', index: current } satisfies ToSweepWorker);
      };
      w.onmessage = (e: MessageEvent<FromSweepWorker>) => {
        const m = e.data;
        if (m.type === 'cell') done(m.index, m.row);
        else {
          failed ??= m.message;
          if (--remaining === 0) finish();
        }
        current = -1;
        feed();
      };
      w.onerror = (e) => {
        e.preventDefault?.();
        // A worker that cannot run (a content policy, a crash) gives its cell back; the others
        // (or the main thread, if none is left) take it.
        w.terminate();
        busy.delete(w);
        workers.splice(workers.indexOf(w), 1);
        if (current >= 0) queue.unshift(current);
        current = -1;
        if (workers.length === 0) mainThread();
      };
      w.postMessage({ type: 'init', model, spec } satisfies ToSweepWorker);
      feed();
      return w;
    } catch {
      return null;
    }
  };
  // The workers start in a task of their own, after the one that asked for them (which draws the
  // empty map): a worker's start costs tens of milliseconds, and the two together were a long task.
  const spawn = () => {
    for (let k = 0; k < Math.min(size, order.length) && !stopped; k++) {
      const w = typeof Worker !== 'undefined' ? start() : null;
      if (!w) break;
      workers.push(w);
    }
    if (workers.length === 0 && !stopped) mainThread();
  };
  // A worker that stops answering (killed, hung) gives its cell to a new one, once; a second time
  // the map stops and says so, as the lab's own run does.
  const watch = () => {
    const now = performance.now();
    for (const [w, { index, since }] of busy) {
      if (now - since < CELL_STALL_MS || stopped) continue;
      busy.delete(w);
      w.terminate();
      workers.splice(workers.indexOf(w), 1);
      queue.unshift(index);
      if (restarts++ >= 1) {
        failed = 'a worker of the map stopped answering again after a restart, so the map was stopped';
        finish();
        return;
      }
      on.notice?.('A worker of the map stopped answering; it was restarted and the map goes on.');
      const again = start();
      if (again) workers.push(again);
      else if (workers.length === 0) mainThread();
    }
  };
  if (order.length === 0) queueMicrotask(finish);
  else {
    setTimeout(spawn, 0);
    watchdog = window.setInterval(watch, 1000);
  }
  return {
    stop() {
      stopped = true;
      clearInterval(watchdog);
      workers.forEach((w) => w.terminate());
    },
    get where() {
      return fallback ? 'main thread' : 'workers';
    },
    get size() {
      return Math.max(1, workers.length);
    },
  };
}
