/**
 * The teaching layer's actions: what-ifs (measured, then run) and story chapters (their settings,
 * their moment, what to look at and what to hide).
 */
import type { VerdictShown } from '../view/teach.ts';
import type { Lab } from './lab.ts';
import { hideForChapter } from './panels.ts';
import type { Session } from './session.ts';

export function showVerdict(lab: Lab, text: string | VerdictShown | null): void {
  lab.story.verdictText = text;
  lab.teach?.verdict(text);
}

/** A what-if: measure it against the run as it is, then run it (keeping the playhead). */
export function applyWhatIf(lab: Lab, session: Session, label: string, params: Record<string, string | number>): void {
  showVerdict(lab, `${label}: measuring…`);
  session.send({ type: 'whatIf', label, params });
  // The run the verdict measured: this run's start and changes, with the what-if's settings on top.
  const r = lab.run.recipe;
  const changes = (r?.changes ?? []).filter((c) => 'action' in c || !(c.id in params));
  session.restartWith({ ...((r?.params ?? {}) as Record<string, string | number>), ...params }, lab.run.latest?.t ?? 0, changes);
}

export function asItHappened(lab: Lab, session: Session): void {
  showVerdict(lab, null);
  session.restartWith({}, lab.run.latest?.t ?? 0);
}

/** Hides what a chapter asks to hide (on top of what the link hides). */
export function chapterHides(parts: readonly string[]): void {
  hideForChapter(parts);
}

/** A story chapter: its settings, its moment, where to look. */
export function goToChapter(lab: Lab, session: Session, index: number): void {
  const { store, run } = lab;
  const model = store.getState().model;
  const c = model?.story[index];
  if (!model || !c) return;
  lab.story.chapter = index;
  lab.story.highlight = new Set(c.highlight);
  chapterHides(c.hide);
  lab.teach?.story.chapter(index);
  showVerdict(lab, null);
  store.setState({ playing: false });
  run.pendingFocus = { region: c.region, service: c.service };
  run.pendingSeek = c.t;
  session.load(run.modelData, { seed: run.seed, params: c.params });
}

/** With no chapter chosen, the caption tells the moment on screen, while the run is the story's (the model's own settings, no changes). */
export function followMoment(lab: Lab): void {
  const r = lab.run.recipe;
  const t = lab.run.latest?.t;
  if (t !== undefined) lab.teach?.story.moment(t, !!r && Object.keys(r.params).length === 0 && r.changes.length === 0);
}

/** Another model: no chapter, nothing highlighted or hidden, no verdict. */
export function forgetStory(lab: Lab): void {
  lab.story.chapter = -1;
  lab.story.highlight = new Set();
  chapterHides([]);
  showVerdict(lab, null);
}
