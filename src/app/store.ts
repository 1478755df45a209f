/**
 * The page's store (zustand, vanilla): the one owner of page state. Views report input as named
 * actions; the store applies them in order; the link, the simulation session and the views follow
 * it by subscription. Frames from the simulation never pass through it — they go straight to the
 * views; only the time the run rests at (paused) does, for the link.
 */
import { createStore } from 'zustand/vanilla';
import type { ParamValue } from '../params/registry.ts';
import type { ModelInfo, Recipe, RecipeChange } from '../worker/protocol.ts';

/**
 * What the page asks of the simulation, in the order it was asked. The session follows the queue
 * by subscription and takes each request once (session.ts): views never call the session, and a
 * second click before the first is answered is queued behind it, never lost.
 */
export type RunRequest =
  /** Advance one sample (the run is paused). */
  | { type: 'step'; simS: number }
  /** Run again from the start with the current settings. */
  | { type: 'restart' }
  | { type: 'seek'; t: number }
  /** An operator action, now. */
  | { type: 'act'; action: Record<string, unknown> & { type: string } }
  /** Take back the last operator action. */
  | { type: 'undo' }
  | { type: 'export'; format: 'csv' | 'json' }
  /**
   * Another run: a built-in model by id, model data (from a file, `file` names it) or, without
   * `model`, the run's own model; `here`: at the time the run is at (a map's point), else at the start.
   */
  | { type: 'open'; model?: string | object; seed?: number; params?: Record<string, ParamValue>; changes?: RecipeChange[]; here?: boolean; file?: string }
  /** The run made again with these start settings and changes, at the time it is at. */
  | { type: 'rerun'; params: Record<string, ParamValue>; changes: RecipeChange[] }
  /** The failure panel's restart: a new simulation replays the run to where it was. */
  | { type: 'recover' };

/** A request in the queue, numbered in the order it was asked. */
export type QueuedRequest = RunRequest & { seq: number };

/** A what-if that is on: the chips the page shows, each removable. */
export interface ActiveWhatIf {
  /** "w:id" for a model's what-if, "p:id" for a client policy. */
  key: string;
  label: string;
  params: Record<string, ParamValue>;
  /** The values it replaced, put back when it is removed. */
  replaced: Record<string, ParamValue>;
}

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
  /** Simulated time the run rests at (set while paused, not every frame), for the link. */
  t: number | undefined;
  /** How the run on screen was made (start settings and changes), as the simulation last said. */
  recipe: Recipe | null;
  /** Story chapter shown (index), or -1. */
  chapter: number;
  /** What run B compares with, as a link writes it ("w:id" or "p:id"), or undefined. */
  compareKey: string | undefined;
  /** The map of the space shown beside the run, as the link writes it, or undefined. */
  sweepKey: string | undefined;
  /** What-ifs on, in the order they were clicked. */
  whatIfs: readonly ActiveWhatIf[];
  /** The run the what-ifs are stacked on (its recipe when the first was turned on), or null. */
  whatIfBase: Recipe | null;
  /** Presenter mode: large type, no chrome. */
  presenter: boolean;
  /** The seed the run was asked for (undefined: the model's own). */
  seed: number | undefined;
  /** What the page has asked of the simulation and the session has not taken yet, oldest first. */
  requests: readonly QueuedRequest[];
}

/** Everything the page may do to its state, each a named action applied in order. */
export interface LabActions {
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  select(focus: { region?: string; service?: string }): void;
  /** A control asks for a parameter value (the session sends it to the simulation). */
  setParam(id: string, value: ParamValue): void;
  /** The simulation says which parameters the run has now. */
  paramsApplied(params: Record<string, ParamValue>): void;
  /** The simulation accepted a model: what to show first. */
  modelLoaded(model: ModelInfo, modelId: string, params: Record<string, ParamValue>, focus: { region: string; service: string }): void;
  /** The run rests at `t` (paused, sought, stepped). */
  restAt(t: number): void;
  recipeChanged(recipe: Recipe): void;
  say(notice: string | null): void;
  /** Adds to what is already said. */
  sayAlso(notice: string): void;
  fail(failure: string | null): void;
  goToChapter(index: number): void;
  compare(key: string | undefined): void;
  showSweep(key: string | undefined): void;
  /** Turns a what-if on (on top of those on); again, it is a no-op. */
  addWhatIf(w: Omit<ActiveWhatIf, 'replaced'>): void;
  removeWhatIf(key: string): void;
  setPresenter(on: boolean): void;
  setSeed(seed: number | undefined): void;
  /** Another model: no chapter, no what-ifs, no comparison. */
  forgetRun(): void;
  /** Play from the start (at the end of the clock, Play plays the run again, as a video player does). */
  playFromStart(): void;
  /** One sample further, paused. */
  step(): void;
  /** The run again from the start with the current settings. */
  restart(): void;
  /** Go to simulated time `t` (the timeline, a GIF's frames). */
  seek(t: number): void;
  act(action: Record<string, unknown> & { type: string }): void;
  undo(): void;
  exportRun(format: 'csv' | 'json'): void;
  /** Another built-in model, from its start: the old run's chapter, what-ifs and comparison go at once. */
  openModel(id: string): void;
  /** A model file: the run stays as it is until the simulation accepts it (then `fileOpened`). */
  openFile(name: string, data: object): void;
  /** The simulation accepted the model file `name`: it is the run from now on. */
  fileOpened(name: string): void;
  /** A run of this model with other settings (a map's point), at the time the run is at. */
  openRun(run: { seed?: number; params: Record<string, ParamValue>; changes: RecipeChange[] }): void;
  /** Back to the model's own settings, at the same moment: no what-ifs, nothing to stack them on. */
  asItHappened(): void;
  /** The failure panel's restart. */
  restartSimulation(): void;
  /** The session has taken every request up to `seq`. */
  requestsTaken(seq: number): void;
}

export type LabStoreState = LabState & LabActions;

/** Playback speeds in simulated seconds per second: minutes to an hour for long models. */
export function speedsFor(durationS: number): number[] {
  return durationS > 3 * 3600 ? [60, 300, 900, 1800, 3600] : [1, 5, 15, 30, 60];
}

export function speedLabel(v: number): string {
  return v >= 3600 ? `${v / 3600} h/s` : v >= 60 ? `${v / 60} min/s` : `${v} s/s`;
}

/** The parameters the run has with every what-if on (what-ifs later in the list win). */
export function withWhatIfs(base: Record<string, ParamValue>, whatIfs: readonly ActiveWhatIf[]): Record<string, ParamValue> {
  return Object.assign({ ...base }, ...whatIfs.map((w) => w.params));
}

export function createLabStore(initial: Partial<LabState> = {}) {
  let seq = 0;
  return createStore<LabStoreState>()((set, get) => {
    /** Queues a request, with whatever else the same action changes, in one update. */
    const ask = (request: RunRequest, with_: Partial<LabState> = {}) => set({ ...with_, requests: [...get().requests, { ...request, seq: ++seq }] });
    /** What another model or file leaves behind of the old run. */
    const forgotten: Partial<LabState> = { chapter: -1, whatIfs: [], whatIfBase: null, compareKey: undefined, playing: false };
    return {
      modelId: 'azure-2026-02',
      model: null,
      params: {},
      playing: false,
      speed: 900,
      region: '',
      service: '',
      notice: null,
      failure: null,
      t: undefined,
      recipe: null,
      chapter: -1,
      compareKey: undefined,
      sweepKey: undefined,
      whatIfs: [],
      whatIfBase: null,
      presenter: false,
      seed: undefined,
      requests: [],
      ...initial,
      play: () => set({ playing: true }),
      pause: () => set({ playing: false }),
      setSpeed: (speed) => set({ speed }),
      select: (focus) => set({ ...(focus.region ? { region: focus.region } : {}), ...(focus.service ? { service: focus.service } : {}) }),
      setParam: (id, value) => set({ params: { ...get().params, [id]: value }, notice: null }),
      paramsApplied: (params) => {
        const now = get().params;
        if (Object.keys(params).some((k) => params[k] !== now[k])) set({ params });
      },
      modelLoaded: (model, modelId, params, focus) => set({ model, modelId, params, region: focus.region, service: focus.service, failure: null }),
      restAt: (t) => set({ t }),
      recipeChanged: (recipe) => set({ recipe }),
      say: (notice) => set({ notice }),
      sayAlso: (notice) => set({ notice: [get().notice, notice].filter(Boolean).join(' ') }),
      fail: (failure) => set(failure ? { failure, playing: false } : { failure }),
      goToChapter: (chapter) => {
        const off = get().whatIfs;
        set({ chapter, playing: false, whatIfs: [], whatIfBase: null });
        // The story tells the run as it happened: the what-ifs go, and the page says so.
        if (off.length && chapter >= 0) get().sayAlso(`The story tells the run as it happened, so ${off.map((w) => w.label).join(' and ')} ${off.length > 1 ? 'are' : 'is'} off now; What if turns ${off.length > 1 ? 'them' : 'it'} on again.`);
      },
      compare: (compareKey) => set({ compareKey }),
      showSweep: (sweepKey) => set({ sweepKey }),
      addWhatIf: (w) => {
        const { whatIfs, recipe, model } = get();
        if (whatIfs.some((x) => x.key === w.key) || !recipe || !model) return;
        const base = get().whatIfBase ?? recipe;
        // What it replaces: the run's start value as the what-ifs before it left it.
        const before = withWhatIfs(base.params as Record<string, ParamValue>, whatIfs);
        const replaced = Object.fromEntries(Object.keys(w.params).map((id) => [id, before[id] ?? model.params.find((d) => d.id === id)?.default ?? w.params[id]]));
        set({ whatIfs: [...whatIfs, { ...w, replaced }], whatIfBase: base, playing: false });
      },
      removeWhatIf: (key) => set({ whatIfs: get().whatIfs.filter((w) => w.key !== key), playing: false }),
      setPresenter: (presenter) => set({ presenter }),
      setSeed: (seed) => set({ seed }),
      forgetRun: () => set(forgotten),
      playFromStart: () => ask({ type: 'seek', t: 0 }, { playing: true }),
      step: () => ask({ type: 'step', simS: get().model?.sampleEveryS ?? 60 }, { playing: false }),
      restart: () => ask({ type: 'restart' }),
      seek: (t) => ask({ type: 'seek', t }),
      act: (action) => ask({ type: 'act', action }),
      undo: () => ask({ type: 'undo' }),
      exportRun: (format) => ask({ type: 'export', format }),
      openModel: (id) => ask({ type: 'open', model: id }, { ...forgotten, notice: null }),
      openFile: (name, data) => ask({ type: 'open', model: data, file: name }, { playing: false, notice: null }),
      fileOpened: (name) => set({ ...forgotten, notice: `Opened ${name}: this model comes from a file, not from the lab.` }),
      openRun: (run) => ask({ type: 'open', ...run, here: true }, { playing: false }),
      asItHappened: () => ask({ type: 'rerun', params: {}, changes: [] }, { whatIfs: [], whatIfBase: null, playing: false }),
      restartSimulation: () => ask({ type: 'recover' }, { failure: null }),
      requestsTaken: (upTo) => {
        if (get().requests.some((r) => r.seq <= upTo)) set({ requests: get().requests.filter((r) => r.seq > upTo) });
      },
    };
  });
}

export type LabStore = ReturnType<typeof createLabStore>;

/**
 * Follows the store's queue of requests: `take` gets each once, in the order asked. The queue is
 * read from the store, not from the update that called: taking a request may update the store
 * again (a pause, a notice), which calls this again, nested, before the outer call goes on.
 */
export function followRequests(store: LabStore, take: (r: QueuedRequest) => void): () => void {
  let taken = 0;
  return store.subscribe(() => {
    const before = taken;
    let next: QueuedRequest | undefined;
    while ((next = store.getState().requests.find((r) => r.seq > taken))) {
      taken = next.seq;
      take(next);
    }
    if (taken !== before) store.getState().requestsTaken(taken);
  });
}
