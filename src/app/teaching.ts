/**
 * The teaching layer follows the store: what-ifs (each measured, then the run made again with
 * every what-if on) and story chapters (their settings, their moment, what to look at and hide).
 */
import type { VerdictShown } from '../view/teach.ts';
import type { ParamValue } from '../params/registry.ts';
import type { ModelInfo, RecipeChange } from '../worker/protocol.ts';
import type { Lab } from './lab.ts';
import { hideForChapter } from './panels.ts';
import { withWhatIfs, type ActiveWhatIf } from './store.ts';

/** What the teaching layer asks of the simulation session. */
export interface TeachingSession {
  send(msg: { type: 'whatIf'; label: string; params: Record<string, ParamValue> }): void;
  restartWith(params: Record<string, string | number>, t: number, changes?: RecipeChange[]): void;
  goTo(params: Record<string, ParamValue>, t: number, focus: { region?: string; service?: string }): void;
  /** The time the run is at, or is on its way to. */
  target(): number;
}

export function showVerdict(lab: Lab, text: string | VerdictShown | null): void {
  lab.story.verdictText = text;
  lab.teach?.verdict(text);
}

/** What a what-if is measured against: the run with the what-ifs before it, or the run as it was. */
export function measuredAgainst(base: { params: object; changes: readonly unknown[] }, before: readonly ActiveWhatIf[]): string {
  if (before.length) return `the run with ${before.map((w) => w.label).join(' + ')}`;
  return Object.keys(base.params).length === 0 && base.changes.length === 0 ? 'the run as it happened' : "this run's own settings";
}

/**
 * Follows the store's what-ifs and chapter: a change of either makes the run again, once, from
 * the time the run is at (or on its way to: a second click before the first is answered keeps
 * the first's time and settings).
 */
export function followTeaching(lab: Lab, session: TeachingSession): void {
  const { store } = lab;
  store.subscribe((s, prev) => {
    if (s.chapter !== prev.chapter) {
      if (s.chapter >= 0) applyChapter(lab, session, s.chapter);
      else forgetStory(lab);
      return;
    }
    if (s.whatIfs === prev.whatIfs) return;
    // Back as it happened (asItHappened): no what-ifs, so no verdict; the session makes the run again.
    if (!s.whatIfBase) return showVerdict(lab, null);
    const added = s.whatIfs.find((w) => !prev.whatIfs.includes(w));
    const base = s.whatIfBase;
    if (added) {
      const before = s.whatIfs.slice(0, s.whatIfs.indexOf(added));
      const against = measuredAgainst(base, before);
      showVerdict(lab, `${added.label}, measured against ${against}: measuring…`);
      session.send({ type: 'whatIf', label: `${added.label}, measured against ${against}`, params: added.params });
    } else showVerdict(lab, null);
    // The run with every what-if on: the base's start settings with theirs on top, and the
    // changes made during the run, but for the settings a what-if now fixes.
    const params = withWhatIfs(base.params as Record<string, ParamValue>, s.whatIfs) as Record<string, string | number>;
    const fixed = new Set(s.whatIfs.flatMap((w) => Object.keys(w.params)));
    const changes = (s.recipe ?? base).changes.filter((c) => 'action' in c || !fixed.has(c.id));
    session.restartWith(params, session.target(), changes);
  });
}

/** A story chapter: its settings, its moment, where to look. */
function applyChapter(lab: Lab, session: TeachingSession, index: number): void {
  const model = lab.store.getState().model;
  const c = model?.story[index];
  if (!model || !c) return;
  lab.story.highlight = new Set(c.highlight);
  hideForChapter(c.hide);
  lab.teach?.story.chapter(index);
  showVerdict(lab, null);
  session.goTo(c.params, c.t, { region: c.region, service: c.service });
}

/** The teaching views just built show the chapter, verdict and what-ifs of the page. */
export function showTeaching(lab: Lab, model: ModelInfo): void {
  const { chapter, whatIfs } = lab.store.getState();
  lab.teach?.story.chapter(chapter);
  followMoment(lab);
  hideForChapter(model.story[chapter]?.hide ?? []);
  lab.teach?.verdict(lab.story.verdictText);
  lab.teach?.chips(whatIfs);
  if (chapter >= 0) lab.story.highlight = new Set(model.story[chapter]?.highlight ?? []);
}

/** With no chapter chosen, the caption tells the moment on screen, while the run is the story's (the model's own settings, no changes). */
export function followMoment(lab: Lab): void {
  const r = lab.run.recipe;
  const t = lab.run.latest?.t;
  if (t !== undefined) lab.teach?.story.moment(t, !!r && Object.keys(r.params).length === 0 && r.changes.length === 0);
}

/** No chapter: nothing highlighted or hidden, no verdict. */
function forgetStory(lab: Lab): void {
  lab.story.highlight = new Set();
  hideForChapter([]);
  lab.teach?.story.chapter(-1);
  showVerdict(lab, null);
}
