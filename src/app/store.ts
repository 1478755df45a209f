/**
 * The page's store (zustand, vanilla): parameters and UI state only. Frames from the simulation
 * never pass through it — they go straight to the views.
 */
import { createStore } from 'zustand/vanilla';
import type { ParamValue } from '../params/registry.ts';
import type { ModelInfo } from '../worker/protocol.ts';

export interface LabState {
  modelId: string;
  model: ModelInfo | null;
  params: Record<string, ParamValue>;
  playing: boolean;
  /** Simulated seconds per wall-clock second. */
  speed: number;
  region: string;
  service: string;
  /** A message for the user (a refused value, where the simulation runs), or null. */
  notice: string | null;
  /** The simulation failed: the page offers a restart. */
  failure: string | null;
}

/** Playback speeds in simulated seconds per second: minutes to an hour for long models. */
export function speedsFor(durationS: number): number[] {
  return durationS > 3 * 3600 ? [60, 300, 900, 1800, 3600] : [1, 5, 15, 30, 60];
}

export function speedLabel(v: number): string {
  return v >= 3600 ? `${v / 3600} h/s` : v >= 60 ? `${v / 60} min/s` : `${v} s/s`;
}

export function createLabStore(initial: Partial<LabState> = {}) {
  return createStore<LabState>()(() => ({
    modelId: 'azure-2026-02',
    model: null,
    params: {},
    playing: false,
    speed: 900,
    region: '',
    service: '',
    notice: null,
    failure: null,
    ...initial,
  }));
}

export type LabStore = ReturnType<typeof createLabStore>;
