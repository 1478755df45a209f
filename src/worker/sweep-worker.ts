/// <reference lib="webworker" />
/** A worker of the page's sweep pool: a few lines around the engine's cell runner. */
import { BUILTIN_MODELS } from '../../models/index.ts';
import { mustLoadModel, type LoadedModel } from '../engine/load-model.ts';
import { runCell, type SweepSpec } from '../engine/sweep.ts';
import type { FromSweepWorker, ToSweepWorker } from './sweep-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let job: { loaded: LoadedModel; spec: SweepSpec } | null = null;

scope.onmessage = (e: MessageEvent<ToSweepWorker>) => {
  const m = e.data;
  const reply = (r: FromSweepWorker) => scope.postMessage(r);
  switch (m.type) {
    case 'init': {
      const data = typeof m.model === 'string' ? BUILTIN_MODELS[m.model] : m.model;
      job = { loaded: mustLoadModel(data), spec: m.spec };
      break;
    }
    case 'cell':
      try {
        if (!job) throw new Error('no sweep');
        reply({ type: 'cell', index: m.index, row: runCell(job.loaded, job.spec, m.index) });
      } catch (err) {
        reply({ type: 'failed', index: m.index, message: (err as Error).message });
      }
      break;
  }
};
