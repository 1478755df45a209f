/** How far one seek request may go, shared by run A's session and run B. */
import type { ModelInfo } from '../worker/protocol.ts';

/** Updates one seek request may ask for (a second or two even on a slow machine, well within the heartbeat). */
const SEEK_CHUNK_WORK = 1.5e6;

/** Simulated seconds one seek request covers: a long seek goes in such steps, each answered with a frame. */
export function seekChunkS(model: ModelInfo): number {
  const perS = (model.regions.length * model.services.length + model.flows.length) / model.dtS;
  return Math.max(model.sampleEveryS, Math.floor(SEEK_CHUNK_WORK / perS / model.sampleEveryS) * model.sampleEveryS);
}
