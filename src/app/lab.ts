/**
 * What the page's modules share, passed to each explicitly: the store, the model catalog, and the
 * page's mutable state, grouped by concern. Each piece has one owner — the one module that writes
 * it; everyone else only reads:
 *
 * - the store (store.ts): the page's state — what the person chose and what the run is: model,
 *   parameters, playing, speed, selection, chapter, what-ifs, comparison, map, the time the run
 *   rests at, notice, failure. Changed only through its named actions; the link (link.ts), the
 *   session, the comparison and the views follow it by subscription.
 * - `run`: owned by session.ts — the simulation's answers and what the next load should do. Others
 *   ask for a run through the store's actions (step, seek, openModel, …): the session takes them
 *   from the store's queue of requests, in order.
 * - `story`: owned by teaching.ts (highlights, the verdict on screen).
 * - `compare`: owned by compare-panel.ts (run B and its graph).
 * - `views`, `teach`, `layout`: owned by views.ts (built per model and per stage size).
 * - `dirty`: set by anyone whose change should be drawn; cleared by draw.ts.
 *
 * Frames change many times a second and never pass through the store.
 */
import type { StoryView, VerdictShown, WhatIfView } from '../view/teach.ts';
import type { Frame, Recipe } from '../worker/protocol.ts';
import type { ChartView } from '../view/chart.ts';
import type { ControlsHandle } from '../view/controls.ts';
import type { GraphView } from '../view/graph.ts';
import type { ParticlesView } from '../view/particles.ts';
import type { RegionsView } from '../view/regions.ts';
import type { TimelineView } from '../view/timeline.ts';
import type { Comparison } from './run-b.ts';
import type { History } from './history.ts';
import type { LabStore } from './store.ts';
import type { ModelCatalog, PageOptions } from './url.ts';

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The run on screen: how it was asked for, and what the simulation last sent. */
export interface RunState {
  /** How to run this run again, kept to restore a simulation that fails or stops answering. */
  recipe: Recipe | null;
  modelData: string | object;
  /** The model asked for by the last load: it becomes `modelData` once the simulation accepts it. */
  requestedModel: string | object;
  /** Simulated time to go to once the model has loaded. */
  pendingSeek: number | undefined;
  /** Region and service to show once the model has loaded (a chapter's focus). */
  pendingFocus: { region?: string; service?: string } | null;
  history: History | null;
  latest: Frame | null;
  fired: Frame['events'];
}

/** What the story chapter on screen highlights, and the last what-if's verdict. */
export interface StoryState {
  /** Services highlighted in the graph by the current chapter. */
  highlight: Set<string>;
  /** The last what-if's verdict: shown again when the views are rebuilt for the what-if's run. */
  verdictText: string | VerdictShown | null;
}

/** Run B, when comparing, and what it compares with. */
export interface CompareState {
  run: Comparison | null;
  graph: GraphView | null;
  /** The last scores of A and B, so the table of differences keeps its values between scored frames. */
  lastScoreA: Frame['score'];
  lastScoreB: Frame['score'];
}

export interface Views {
  /** Null when the model's regions have no places on a map (the graph takes the stage). */
  regions: RegionsView | null;
  graph: GraphView;
  particles: ParticlesView;
  node: ChartView;
  doors: ChartView;
  amp: ChartView;
  timeline: TimelineView;
  controls: ControlsHandle;
}

export interface TeachViews {
  score: (s: Frame['score']) => void;
  verdict: (v: string | VerdictShown | null) => void;
  chips: WhatIfView['chips'];
  story: StoryView;
}

export interface Lab {
  readonly store: LabStore;
  readonly catalog: ModelCatalog;
  readonly run: RunState;
  readonly story: StoryState;
  readonly compare: CompareState;
  /** How the link asked the page to look (embed, presenter mode, hidden parts, stage controls). */
  readonly page: PageOptions;
  /** The chapter in the store came from the link: its focus and moment still have to be applied (session.ts). */
  chapterFromLink: boolean;
  /** The views of the loaded model (built by views.ts), or null before the first load. */
  views: Views | null;
  teach: TeachViews | null;
  /** Bumped whenever the stage's views are rebuilt (another model, another size): charts redraw. */
  layout: number;
  /** Something on screen is out of date: the frame loop draws again. */
  dirty: boolean;
}

/** The page's state before the first load, as the link asks for it. */
export function createLab(store: LabStore, catalog: ModelCatalog, link: { model: string; t?: number; chapter?: number }, page: PageOptions): Lab {
  return {
    store,
    catalog,
    run: {
      recipe: null,
      modelData: link.model,
      requestedModel: link.model,
      pendingSeek: link.t,
      pendingFocus: null,
      history: null,
      latest: null,
      fired: [],
    },
    story: { highlight: new Set(), verdictText: null },
    compare: { run: null, graph: null, lastScoreA: undefined, lastScoreB: undefined },
    page,
    chapterFromLink: link.chapter !== undefined,
    views: null,
    teach: null,
    layout: 0,
    dirty: false,
  };
}
