/**
 * The sweep's worker pool in Node: W threads, each sent one cell at a time, so a slow cell never
 * holds the others back. Cells are independent runs, so results do not depend on W; they are
 * handed back in the order asked for, as soon as every earlier one is in.
 */
import { Worker } from 'node:worker_threads';
import type { LoadedModel } from '../engine/load-model.ts';
import { runCell, type CellResult, type SweepSpec } from '../engine/sweep.ts';

// The worker is TypeScript, run as `npm run sweep` runs: through tsx, whose loader a worker does
// not inherit from its parent (Node 20), so the worker registers it before importing its file.
const WORKER_FILE = new URL('./sweep-worker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_SOURCE = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_FILE)}); })`;

/** The heap each worker may use, in MB: a worker over it is stopped and the sweep ends. */
export const WORKER_HEAP_MB = 512;

/** A worker of the pool ran out of its memory: the sweep ends with one line saying so. */
export class WorkerMemoryError extends Error {
  constructor(readonly heapMb: number) {
    super(`a sweep worker ran out of its ${heapMb} MB of memory, so the sweep stopped; run fewer workers (--workers), a shorter --duration or a smaller model`);
  }
}

/**
 * Runs `indexes` (grid positions) and calls `onRow` with each result in that order.
 * With one worker the cells run on this thread (no start-up cost). Each worker may use
 * `heapMb` of heap (`WORKER_HEAP_MB`); one over it rejects with a `WorkerMemoryError`.
 */
export async function runSweep(
  modelData: unknown,
  loaded: LoadedModel,
  spec: SweepSpec,
  indexes: readonly number[],
  workers: number,
  onRow: (row: CellResult, k: number) => void,
  heapMb = WORKER_HEAP_MB,
): Promise<void> {
  if (workers <= 1 || indexes.length <= 1) {
    indexes.forEach((index, k) => onRow(runCell(loaded, spec, index), k));
    return;
  }
  const done: (CellResult | undefined)[] = new Array(indexes.length);
  let emitted = 0;
  let sent = 0;
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      const feed = (w: Worker) => {
        if (sent < indexes.length) {
          (w as Worker & { k?: number }).k = sent;
          w.postMessage(indexes[sent++]);
        }
      };
      const count = Math.min(workers, indexes.length);
      for (let i = 0; i < count; i++) {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { model: modelData, spec }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
        pool.push(w);
        w.on('message', (m: { index: number; row: CellResult }) => {
          done[(w as Worker & { k?: number }).k!] = m.row;
          while (emitted < indexes.length && done[emitted] !== undefined) {
            onRow(done[emitted]!, emitted);
            done[emitted] = undefined;
            emitted++;
          }
          finished++;
          if (finished === indexes.length) resolve();
          else feed(w);
        });
        w.on('error', (e: Error & { code?: string }) => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new WorkerMemoryError(heapMb) : e));
        w.on('exit', (code) => {
          if (finished < indexes.length) reject(new Error(`a sweep worker stopped (exit ${code})`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
