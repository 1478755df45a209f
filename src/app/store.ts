/**
 * The page's store (zustand, vanilla): the one owner of page state. Views report input as named
 * actions; the store applies them in order; the link, the simulation session and the views follow
 * it by subscription. Frames from the simulation never pass through it — they go straight to the
 * views; only the time the run rests at (paused) does, for the link.
 */
import { createStore } from 'zustand/vanilla';
import type { ParamValue } from '../params/registry.ts';
import type { ModelInfo, Recipe } from '../worker/protocol.ts';

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
  /** Back to the model's own run: no what-ifs, nothing to stack them on. */
  clearWhatIfs(): void;
  setPresenter(on: boolean): void;
  setSeed(seed: number | undefined): void;
  /** Another model: no chapter, no what-ifs, no comparison. */
  forgetRun(): void;
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
  return createStore<LabStoreState>()((set, get) => ({
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
    goToChapter: (chapter) => set({ chapter, playing: false, whatIfs: [], whatIfBase: null }),
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
    clearWhatIfs: () => set({ whatIfs: [], whatIfBase: null, playing: false }),
    setPresenter: (presenter) => set({ presenter }),
    setSeed: (seed) => set({ seed }),
    forgetRun: () => set({ chapter: -1, whatIfs: [], whatIfBase: null, compareKey: undefined, playing: false }),
  }));
}

export type LabStore = ReturnType<typeof createLabStore>;
