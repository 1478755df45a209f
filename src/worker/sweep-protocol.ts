/** Messages between the page's sweep pool and each of its workers. */
import type { CellResult, SweepSpec } from '../engine/sweep.ts';

export type ToSweepWorker =
  /** The model (a built-in id or model data) and the sweep; sent once, before any cell. */
  | { type: 'init'; model: string | object; spec: SweepSpec }
  /** Run the cell at this grid index. */
  | { type: 'cell'; index: number };

export type FromSweepWorker = { type: 'cell'; index: number; row: CellResult } | { type: 'failed'; index: number; message: string };
