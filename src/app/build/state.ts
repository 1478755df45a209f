/**
 * The builder's store (zustand, vanilla): the model being built, what the loader says of it, the
 * last draft it took, and undo and redo. Views report edits as actions; the store applies them in
 * order and checks each draft; the page follows it by subscription (wire.ts).
 */
import { createStore } from 'zustand/vanilla';
import { checkDraft, type Checked } from './check.ts';
import type { Draft } from './edits.ts';

/** Edits kept for undo. */
export const MAX_UNDO = 200;

export interface BuildState {
  /** The Build view is open. */
  open: boolean;
  draft: Draft | null;
  /** The built-in model the draft started from (its link may carry only what changed), or null. */
  origin: string | null;
  checked: Checked | null;
  /** The last draft the loader took: what runs. */
  valid: Draft | null;
  past: readonly Draft[];
  future: readonly Draft[];
  /** A change keeps the run's time instead of starting it again. */
  keepTime: boolean;
  /** The service selected in the editable graph (its fields are shown first), or null. */
  selected: string | null;
  /** Counts drafts: each edit, undo or redo makes a new one. */
  version: number;
}

export interface BuildActions {
  openView(): void;
  closeView(): void;
  /** Starts a build from `draft` (the model open now, a template, or nothing); undo forgets the old one. */
  start(draft: Draft, origin: string | null): void;
  /** One edit; undoable. */
  edit(change: (d: Draft) => Draft): void;
  undo(): void;
  redo(): void;
  setKeepTime(on: boolean): void;
  select(id: string | null): void;
}

export type BuildStore = ReturnType<typeof createBuildStore>;

export function createBuildStore() {
  return createStore<BuildState & BuildActions>()((set, get) => {
    const take = (draft: Draft, extra: Partial<BuildState>) => {
      const checked = checkDraft(draft);
      const kept = 'valid' in extra ? extra.valid! : get().valid;
      set({ ...extra, draft, checked, valid: checked.ok ? draft : kept, version: get().version + 1 });
    };
    return {
      open: false,
      draft: null,
      origin: null,
      checked: null,
      valid: null,
      past: [],
      future: [],
      keepTime: false,
      selected: null,
      version: 0,
      openView: () => set({ open: true }),
      closeView: () => set({ open: false }),
      start: (draft, origin) => take(draft, { origin, past: [], future: [], valid: null, selected: null }),
      edit: (change) => {
        const { draft, past } = get();
        if (!draft) return;
        const next = change(draft);
        if (next === draft) return;
        take(next, { past: [...past, draft].slice(-MAX_UNDO), future: [] });
      },
      undo: () => {
        const { draft, past, future } = get();
        if (!draft || past.length === 0) return;
        take(past[past.length - 1], { past: past.slice(0, -1), future: [draft, ...future] });
      },
      redo: () => {
        const { draft, past, future } = get();
        if (!draft || future.length === 0) return;
        take(future[0], { past: [...past, draft], future: future.slice(1) });
      },
      setKeepTime: (keepTime) => set({ keepTime }),
      select: (selected) => set({ selected }),
    };
  });
}
