/**
 * The worker protocol: one table of every message in each direction, from which the host's
 * handler, the worker adapter and the client's send calls are all typed.
 */
import type { Action } from '../engine/model.ts';
import type { ParamValue } from '../params/registry.ts';
import type { Score, VerdictPart } from '../engine/score.ts';
import type { CheckResult } from '../engine/validation.ts';

/** Metrics sent per node in each sample and frame, in this order. */
export const FRAME_METRICS = ['demand', 'offered', 'goodput', 'capacity', 'queue', 'backlog', 'wasted', 'routed', 'amplification'] as const;
export type FrameMetric = (typeof FRAME_METRICS)[number];

export interface ToWorker {
  /** Load a built-in model by id, or a model given as data; start at t = 0. */
  /** `id`, echoed by `loaded`, tells the page which of several loads in flight was answered. */
  load: { model: string | object; seed?: number; params?: Record<string, ParamValue>; changes?: RecipeChange[]; id?: number };
  /** Advance by `simS` simulated seconds (or not at all) and answer with a frame. */
  advance: { simS: number };
  setParam: { id: string; value: ParamValue | string };
  /** Jump to a simulated time (deterministic: replays from the nearest snapshot). */
  seek: { t: number };
  restart: { seed?: number };
  act: { action: Action };
  /** The whole run (full clock, these settings and changes) as `npm run simulate` prints it. */
  export: { format: 'csv' | 'json' };
  /** Take back the last operator action: the run is replayed without it. */
  undo: { reason?: string };
  /** Measure what these settings would change in this run (two whole runs, scored). */
  whatIf: { label: string; params: Record<string, ParamValue> };
  /** Hold the engine against published results (How we know): a few seconds of runs. */
  /** Runs part `part` of the How-we-know checks (0 ≤ part < the `parts` the answer gives). */
  validate: { part: number };
}

/** A change the user made during a run, at a simulated time. */
export type RecipeChange = { t: number; id: string; value: ParamValue | string } | { t: number; action: Action };

/** Everything needed to run the same run again: replayed to restore a worker that failed. */
export interface Recipe {
  seed: number;
  params: Record<string, ParamValue | string>;
  changes: RecipeChange[];
}

export interface Frame {
  t: number;
  clock: string;
  done: boolean;
  /** Health state index per node (HEALTH_STATES order). */
  health: Uint8Array;
  /** 1 per node while it is in trouble, by the lab's one definition (src/engine/trouble.ts). */
  trouble: Uint8Array;
  /** Latest rates and levels: node-major, FRAME_METRICS.length per node. */
  metrics: Float32Array;
  /** Per flow (ModelInfo.flows order): first tries/s, retries/s since the last frame, and the share
   *  of its calls that end well lately. */
  flows: Float32Array;
  /** Samples taken since the last frame (or since the start, after `reset`). */
  samples: { t: Float64Array; values: Float32Array };
  /** History restarted (load, restart, seek): drop what you had before adding `samples`. */
  reset: boolean;
  /** Timeline events fired so far. */
  events: { t: number; type: string; label: string; origin: string; regions: string[] }[];
  params: Record<string, ParamValue>;
  /** Present when the run's recipe changed (load, restart, a change, a seek back). */
  recipe?: Recipe;
  /** The run's scoreboard so far (present when new samples arrived). */
  score?: Score;
}

/** Where a fact comes from: the incident report (quoted) or an assumption of the model. */
export interface Provenance {
  kind: 'report' | 'assumed';
  text: string;
}

export interface ModelInfo {
  id: string;
  title: string;
  description: string;
  durationS: number;
  dtS: number;
  clockStart: string | null;
  regions: { id: string; label: string; pair?: string; lat?: number; lon?: number }[];
  /** `family`: the name the scoreboard and verdicts report the service under (absent: only a link in the chain). */
  services: { id: string; label: string; description: string; door: boolean; family?: string }[];
  calls: { from: string; to: string }[];
  /** Each node's capacity (req/s) as the run starts (node = region × services + service). */
  capacityRps: number[];
  sources: { id: string; label: string; service: string }[];
  /** Every caller → callee pair per region: `from` is a service id, or "source:<id>" for new work. */
  flows: { region: string; from: string; to: string }[];
  /** Node index = region index × services + service index. */
  sampleEveryS: number;
  params: import('../params/registry.ts').ParamDef[];
  /** Scripted events, for the timeline (seconds from the start). */
  timeline: { t: number; type: string; label: string; group?: string; provenance?: Provenance }[];
  /** The region and service the lab judges by default (what the page shows first). */
  focus: { region: string; service: string } | null;
  /** The model's own words for the page (its "try this" line). */
  texts: { hint?: string };
  /** Durations the operator's seat offers, in the model's scale (seconds). */
  operator: { scaleoutDelayS: number; rampS: number; faultS: number };
  whatIfs: { id: string; label: string; description: string; params: Record<string, ParamValue> }[];
  /** The story, chapter by chapter: `t` is each one's moment, `from` when its events begin (at most `t`), in seconds from the start. */
  story: { title: string; text: string; t: number; from: number; region?: string; service?: string; highlight: string[]; hide: string[]; params: Record<string, ParamValue> }[];
}

export interface FromWorker {
  loaded: { model: ModelInfo; frame: Frame; id?: number };
  frame: Frame;
  /** Something the user gave was refused (bad parameter, model, action); the run goes on. */
  refused: { message: string };
  /** The simulation itself failed: the page offers a restart. */
  failed: { message: string };
  exported: { format: 'csv' | 'json'; text: string; filename: string };
  /** `parts`: what changed for each service family, so the page can show where to see it. */
  verdict: { label: string; text: string; parts: VerdictPart[]; base: Score; changed: Score };
  validated: { rows: CheckResult[]; part: number; parts: number };
}

export type Msg<T> = { [K in keyof T]: { type: K } & T[K] }[keyof T];
export type ToWorkerMsg = Msg<ToWorker>;
export type FromWorkerMsg = Msg<FromWorker>;
