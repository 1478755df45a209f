/** A worker of the sweep pool (node:worker_threads): loads the model once, then runs the cells it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { mustLoadModel } from '../engine/load-model.ts';
import { runCell, type SweepSpec } from '../engine/sweep.ts';

const { model, spec } = workerData as { model: unknown; spec: SweepSpec };
const loaded = mustLoadModel(model);
parentPort!.on('message', (index: number) => parentPort!.postMessage({ index, row: runCell(loaded, spec, index) }));
