/**
 * What the page's modules share, passed to each explicitly: the store, the model catalog, and the
 * page's mutable state, grouped by concern. Each piece has one owner — the one module that writes
 * it; everyone else only reads:
 *
 * - the store (store.ts): what the person chose and what the controls show — model, parameters,
 *   playing, speed, selected region and service, notice, failure. Written through `setState` by
 *   input.ts, views.ts (selection), session.ts (what the simulation accepted) and teaching.ts.
 * - `run`: owned by session.ts — the simulation's answers and what the next load should do. Others
 *   ask the session (load, seekTo, restartWith) instead of writing it.
 * - `story`: owned by teaching.ts (chapters, highlights, the verdict on screen).
 * - `compare`: owned by compare-panel.ts (run B and its graph).
 * - `views`, `teach`, `layout`: owned by views.ts (built per model and per stage size).
 * - `dirty`: set by anyone whose change should be drawn; cleared by draw.ts.
 * - `urlWritten`: owned by link.ts.
 *
 * Frames change many times a second and never pass through the store.
 */
import type { StoryView, VerdictShown } from '../view/teach.ts';
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
import type { Decoded, ModelCatalog } from './url.ts';

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The run on screen: how it was asked for, and what the simulation last sent. */
export interface RunState {
  seed: number | undefined;
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

/** The story chapter on screen and the last what-if's verdict. */
export interface StoryState {
  /** Story chapter shown (index), or -1. */
  chapter: number;
  /** Services highlighted in the graph by the current chapter. */
  highlight: Set<string>;
  /** The last what-if's verdict: shown again when the views are rebuilt for the what-if's run. */
  verdictText: string | VerdictShown | null;
  /** The chapter came from the link: its focus and hidden parts still have to be applied. */
  fromLink: boolean;
}

/** Run B, when comparing, and what it compares with. */
export interface CompareState {
  run: Comparison | null;
  graph: GraphView | null;
  /** What B compares with, as a link writes it ("w:id" or "p:id"). */
  key: string | undefined;
  /** The one to start once the model has loaded. */
  pending: string | undefined;
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
  story: StoryView;
}

export interface Lab {
  readonly store: LabStore;
  readonly catalog: ModelCatalog;
  readonly run: RunState;
  readonly story: StoryState;
  readonly compare: CompareState;
  /** How the link asked the page to look (embed, presenter mode, hidden parts, stage controls). */
  readonly page: Decoded['page'];
  /** The views of the loaded model (built by views.ts), or null before the first load. */
  views: Views | null;
  teach: TeachViews | null;
  /** Bumped whenever the stage's views are rebuilt (another model, another size): charts redraw. */
  layout: number;
  /** Something on screen is out of date: the frame loop draws again. */
  dirty: boolean;
  /** The query string last written to the address bar. */
  urlWritten: string;
}

/** The page's state before the first load, as the link asks for it. */
export function createLab(store: LabStore, catalog: ModelCatalog, link: Decoded): Lab {
  return {
    store,
    catalog,
    run: {
      seed: link.state.seed,
      recipe: null,
      modelData: link.state.model,
      requestedModel: link.state.model,
      pendingSeek: link.state.t,
      pendingFocus: null,
      history: null,
      latest: null,
      fired: [],
    },
    story: { chapter: link.state.chapter !== undefined ? link.state.chapter - 1 : -1, highlight: new Set(), verdictText: null, fromLink: true },
    compare: { run: null, graph: null, key: undefined, pending: link.state.compare, lastScoreA: undefined, lastScoreB: undefined },
    page: link.page,
    views: null,
    teach: null,
    layout: 0,
    dirty: false,
    urlWritten: '',
  };
}
