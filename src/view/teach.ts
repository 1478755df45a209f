/**
 * The teaching layer's views: the scoreboard of the run, the what-if buttons (the report's lessons
 * and real client policies) with their measured verdicts, the story's chapters, and the
 * operator's seat. Each builds its DOM once and exposes small update functions.
 */
import type { Score, VerdictPart } from '../engine/score.ts';
import type { ClientPolicy } from '../params/presets.ts';
import type { ModelInfo } from '../worker/protocol.ts';
import { formatDuration } from './format.ts';
import { judged, scoreRows } from './score.ts';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderScoreboard(root: HTMLElement, model: ModelInfo): (score: Score | undefined) => void {
  root.replaceChildren();
  root.append(el('h3', '', 'Scoreboard'));
  const list = el('dl', 'score');
  root.append(list);
  let shown = '';
  return (score) => {
    if (!score) return;
    const rows = scoreRows(model, score).map((r) => [r.label, r.text(score)] as const);
    // A score arrives with every frame while playing; the list changes far less often.
    const text = rows.map((r) => r.join('\t')).join('\n');
    if (text === shown) return;
    shown = text;
    list.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', '', k), el('dd', '', v)]));
  };
}

export interface WhatIfHandlers {
  /** Turns a what-if on (`key` names it: "w:id" or "p:id"), on top of those on. */
  apply(key: string, label: string, params: Record<string, string | number>): void;
  /** Turns it off again: the values it replaced come back. */
  remove(key: string): void;
  /** Puts a service family (in the region where the difference shows) in the key chart. */
  show(service: string, region: string | undefined): void;
  asItHappened(): void;
  /** Run B = this run with what `key` names, side by side. */
  compare(key: string): void;
}

/** A what-if that is on, as its chip shows it. */
export interface WhatIfChip {
  key: string;
  label: string;
  params: Readonly<Record<string, string | number>>;
  replaced: Readonly<Record<string, string | number>>;
}

/** The what-if panel: the verdict on screen, and the chips of the what-ifs that are on. */
export interface WhatIfView {
  verdict(v: string | VerdictShown | null): void;
  chips(on: readonly WhatIfChip[]): void;
}

/** A verdict on screen: its text, and each family's part so its name can show its chart. */
export interface VerdictShown {
  label: string;
  text: string;
  parts: readonly VerdictPart[];
}

/** `beside`: shown beside the client-policy presets (the paste box), moved in as it is. */
export function renderWhatIfs(root: HTMLElement, model: ModelInfo, policies: readonly ClientPolicy[], on: WhatIfHandlers, beside?: HTMLElement): WhatIfView {
  root.replaceChildren();
  root.append(el('h3', '', 'What if…'));
  const buttons = el('div', 'whatifs');
  for (const w of model.whatIfs) {
    const b = el('button', '', w.label);
    b.type = 'button';
    b.dataset.key = `w:${w.id}`;
    b.title = w.description;
    b.addEventListener('click', () => on.apply(`w:${w.id}`, w.label, w.params));
    buttons.append(b);
  }
  const reset = el('button', 'as-it-happened', 'As it happened');
  reset.type = 'button';
  reset.title = "Back to the model's own settings";
  reset.addEventListener('click', on.asItHappened);
  buttons.append(reset);
  const policy = el('label', 'policy', 'Client policy ');
  const select = el('select');
  select.append(new Option('choose a real library…', ''));
  for (const p of policies) select.append(new Option(p.label, p.id));
  select.addEventListener('change', () => {
    const p = policies.find((x) => x.id === select.value);
    if (p) on.apply(`p:${p.id}`, `${p.label} (${p.note})`, p.params);
    select.value = '';
  });
  policy.append(select);
  const compare = el('label', 'policy', 'Compare side by side with ');
  const withWhat = el('select');
  withWhat.append(new Option('a what-if…', ''));
  for (const w of model.whatIfs) withWhat.append(new Option(w.label, `w:${w.id}`));
  for (const p of policies) withWhat.append(new Option(p.label, `p:${p.id}`));
  withWhat.addEventListener('change', () => {
    const v = withWhat.value;
    const w = model.whatIfs.find((x) => `w:${x.id}` === v);
    const p = policies.find((x) => `p:${x.id}` === v);
    if (w || p) on.compare(v);
    withWhat.value = '';
  });
  compare.append(withWhat);
  const out = el('p', 'verdict');
  out.setAttribute('role', 'status');
  const chips = el('ul', 'whatif-chips');
  chips.setAttribute('aria-label', 'What-ifs on');
  const presets = el('div', 'policies');
  presets.append(policy, ...(beside ? [beside] : []));
  root.append(buttons, chips, presets, compare, out);
  const name = (id: string) => model.params.find((d) => d.id === id)?.label ?? id;
  const chipsOf = (list: readonly WhatIfChip[]) => {
    chips.replaceChildren(
      ...list.map((w) => {
        const li = el('li', 'chip');
        const remove = el('button', 'chip-remove', '×');
        remove.type = 'button';
        const back = Object.entries(w.replaced).map(([id, v]) => `${name(id)} back to ${v}`).join(', ');
        remove.setAttribute('aria-label', `Remove ${w.label} (${back})`);
        remove.title = `Remove: ${back}`;
        remove.addEventListener('click', () => on.remove(w.key));
        li.append(el('span', 'chip-label', w.label), remove);
        return li;
      }),
    );
    chips.hidden = list.length === 0;
    for (const b of buttons.querySelectorAll<HTMLButtonElement>('button[data-key]')) b.setAttribute('aria-pressed', String(list.some((w) => w.key === b.dataset.key)));
  };
  chipsOf([]);
  const verdict = (v: string | VerdictShown | null) => {
    if (v === null || typeof v === 'string' || v.parts.length === 0) {
      out.textContent = v === null ? '' : typeof v === 'string' ? v : `${v.label}: ${v.text}`;
      return;
    }
    // Each family's name is a button that puts the chart showing that number on the stage.
    out.replaceChildren(`${v.label}: `);
    v.parts.forEach((part, k) => {
      const b = el('button', 'verdict-part', part.label);
      b.type = 'button';
      b.title = `Show ${part.label} in the chart${part.regions[0] ? ` (${model.regions.find((r) => r.id === part.regions[0])?.label ?? part.regions[0]})` : ''}`;
      b.addEventListener('click', () => on.show(part.service, part.regions[0]));
      out.append(...(k > 0 ? [' '] : []), b, `: ${part.text}.`);
    });
  };
  return { verdict, chips: chipsOf };
}

export interface StoryHandlers {
  go(index: number): void;
}

/** The story's caption, as the page drives it. */
export interface StoryView {
  /** Shows chapter `index` (-1: none chosen; the caption then follows the moment, see `moment`). */
  chapter(index: number): void;
  /**
   * Where the run is: with no chapter chosen, the caption tells the chapter whose events have
   * begun (its `from`) while the run is the one the story tells; the model's hint before the
   * first chapter begins, or when the run's settings are not the story's.
   */
  moment(t: number, storyRun: boolean): void;
  /** The chapter to go on from: the one chosen, else the one the clock is in, whatever the caption shows (-1: before the story). */
  current(): number;
}

/** Watches the caption's width (there is one caption on the page). */
let captionObserver: ResizeObserver | null = null;

/**
 * The story as captions on the stage: the model's title, then the chapter's title and text (or the
 * model's own "try this" line before the first chapter), with previous and next.
 */
export function renderStory(root: HTMLElement, model: ModelInfo, on: StoryHandlers): StoryView {
  root.replaceChildren();
  const shown = captionParts(model);
  const { text } = shown;
  // In a short frame the chapter's text scrolls: the keyboard must be able to scroll it too.
  text.tabIndex = 0;
  text.setAttribute('role', 'region');
  text.setAttribute('aria-label', 'Caption');
  shown.title.id = 'model-title';
  root.append(text);
  const last = model.story.length - 1;
  // A chapter that sets parameters of its own tells of another run: it is not the moment's.
  const told = model.story.flatMap((c, j) => (Object.keys(c.params).length === 0 ? [j] : []));
  /** The chapter chosen, or -1. */
  let current = -1;
  /** With none chosen, the chapter whose events have begun (-1: the hint). */
  let atMoment = -1;
  const nav = el('div', 'story-nav');
  const prev = el('button', '', '← Previous');
  prev.type = 'button';
  const count = el('span', 'chapter-count');
  const next = el('button', '', 'Next →');
  next.type = 'button';
  nav.append(prev, count, next);
  if (model.story.length) root.append(nav);
  const from = () => (current >= 0 ? current : atMoment);
  // The chapter the clock is in, whatever the caption shows (a run with settings of its own shows
  // the hint): Previous and Next go from there, not from the start of the story.
  let atClock = -1;
  const navFrom = () => (current >= 0 ? current : atClock);
  prev.addEventListener('click', () => on.go(Math.max(0, navFrom() - 1)));
  next.addEventListener('click', () => on.go(Math.min(last, navFrom() + 1)));
  // With no chapter chosen the caption changes as the run plays (and to the hint when a setting
  // changes): its box keeps the height of the tallest chapter it can tell then, so that the stage
  // never moves, and is never laid out again, while it plays. The hint, when it is taller (in an
  // embed a chapter is told by its title alone), scrolls in that box rather than leave a blank band
  // under every chapter. Where the caption grows with its text (no height limit: a phone's page
  // scrolls) nothing is reserved.
  let room: number | null = null;
  const show = () => {
    const index = from();
    fillCaption(shown, model, index, current >= 0);
    text.style.maxHeight = index < 0 && room !== null ? `${room}px` : '';
    count.textContent = current >= 0 ? `Chapter ${current + 1} of ${model.story.length}` : `Story: ${model.story.length} chapters`;
    prev.disabled = index <= 0;
    next.disabled = index >= last;
  };
  let reservedFor = '';
  const reserve = () => {
    const width = text.offsetWidth;
    // Again when the frame's height changes too: what a short embed shows depends on it.
    const size = `${width}x${window.innerHeight}`;
    if (width === 0 || size === reservedFor) return;
    reservedFor = size;
    text.style.maxHeight = '';
    if (getComputedStyle(text).maxHeight === 'none') {
      text.style.minHeight = '';
      room = null;
      return;
    }
    const probe = captionParts(model);
    probe.text.setAttribute('aria-hidden', 'true');
    probe.text.style.cssText = `position: absolute; visibility: hidden; pointer-events: none; left: 0; top: 0; width: ${width}px`;
    root.append(probe.text);
    const heightOf = (k: number) => {
      fillCaption(probe, model, k, false);
      return probe.text.offsetHeight;
    };
    room = told.length ? Math.max(...told.map(heightOf)) : heightOf(-1);
    probe.text.remove();
    text.style.minHeight = `${room}px`;
    show();
  };
  // Measured with the navigation as it will read (its count sets the text's width).
  show();
  reserve();
  captionObserver?.disconnect();
  captionObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(reserve);
  captionObserver?.observe(text);
  if (root.parentElement) captionObserver?.observe(root.parentElement);
  return {
    chapter(index) {
      current = index;
      show();
    },
    moment(t, storyRun) {
      let k = -1;
      for (const j of told) if (model.story[j].from <= t + 1e-9 && (k < 0 || model.story[j].from >= model.story[k].from)) k = j;
      atClock = k;
      const shown = storyRun ? k : -1;
      if (shown === atMoment) return;
      atMoment = shown;
      if (current < 0) show();
    },
    current: navFrom,
  };
}

interface CaptionParts {
  text: HTMLElement;
  title: HTMLElement;
  chapterTitle: HTMLElement;
  body: HTMLElement;
}

/** The caption's text: the model's title, then a chapter's title and text (or the hint). */
function captionParts(model: ModelInfo): CaptionParts {
  const text = el('div', 'caption-text');
  const title = el('h2', 'model-title', model.title);
  const chapterTitle = el('h3', 'chapter-title');
  const body = el('p', 'chapter-text');
  text.append(title, chapterTitle, body);
  return { text, title, chapterTitle, body };
}

/** Writes chapter `index` (-1: the model's hint) into a caption; `chosen`: picked, rather than the moment's. */
function fillCaption(parts: CaptionParts, model: ModelInfo, index: number, chosen: boolean): void {
  const c = model.story[index];
  parts.chapterTitle.textContent = c ? c.title : '';
  // Where a moment's title is cut to one line (a narrow embed), the whole of it on hover.
  parts.chapterTitle.title = c && !chosen ? c.title : '';
  parts.chapterTitle.hidden = !c;
  parts.body.textContent = c ? c.text : (model.texts.hint ?? model.description);
  parts.body.classList.toggle('hint', !c);
  // Not chosen: the stage may give it less room than a chapter (see the embed's styles).
  parts.text.classList.toggle('moment', !chosen && !!c);
}

export interface OperatorHandlers {
  act(action: Record<string, unknown> & { type: string }): void;
  undo(): void;
  /** The service selected in the dependency graph. */
  service(): string;
}

/** The operator's seat: act on the selected region's judged service (and storage), in the model's own durations. */
export function renderOperator(root: HTMLElement, model: ModelInfo, region: () => string, on: OperatorHandlers): void {
  root.replaceChildren();
  const door = judged(model);
  const { scaleoutDelayS, rampS, faultS } = model.operator;
  root.append(el('h3', '', "Operator's seat"));
  const note = el('p', 'desc', `Acts on ${door.label}${model.regions.length > 1 ? ' in the selected region' : ''}, now.`);
  const bar = el('div', 'whatifs');
  const add = (label: string, make: () => Record<string, unknown> & { type: string }) => {
    const b = el('button', '', label);
    b.type = 'button';
    b.addEventListener('click', () => on.act(make()));
    bar.append(b);
  };
  add(`Scale out +50 % (${formatDuration(scaleoutDelayS)})`, () => ({ type: 'scaleout', service: door.id, regions: [region()], addPercent: 50, delayS: scaleoutDelayS }));
  add('Remove traffic', () => ({ type: 'admission', service: door.id, regions: [region()], percent: 0 }));
  add(`Ramp back (${formatDuration(rampS)})`, () => ({ type: 'ramp', service: door.id, regions: [region()], toPercent: 100, durationS: rampS }));
  if (model.services.some((s) => s.id === 'storage')) add('Restore storage', () => ({ type: 'restore', service: 'storage', regions: [region()] }));
  if (model.timeline.some((e) => e.type === 'rollout.start')) add('Disable the workflow', () => ({ type: 'rollout.disable' }));
  if (model.regions.some((r) => r.pair)) add('Isolate region', () => ({ type: 'isolate', regions: [region()] }));
  const undo = el('button', '', 'Undo last action');
  undo.type = 'button';
  undo.addEventListener('click', on.undo);
  bar.append(undo);
  // Faults on the service selected in the graph, for a span in the model's scale.
  const fault = el('div', 'fault');
  const length = el('select');
  for (const m of [0.5, 1, 2, 4]) length.append(new Option(formatDuration(faultS * m), String(faultS * m)));
  length.value = String(faultS);
  const lengthLabel = el('label', '', 'For ');
  lengthLabel.append(length);
  const kind = el('select');
  kind.append(new Option('an outage', '0'), new Option('half capacity', '50'), new Option('a fifth of capacity', '20'));
  const kindLabel = el('label', '', 'Fault: ');
  kindLabel.append(kind);
  const button = (label: string, make: () => Record<string, unknown> & { type: string }) => {
    const b = el('button', '', label);
    b.type = 'button';
    b.addEventListener('click', () => on.act(make()));
    return b;
  };
  const timeout = model.params.find((p) => p.id === 'timeout');
  const addS = typeof timeout?.default === 'number' ? timeout.default : 5;
  const target = el('p', 'desc', 'On the service selected in the graph:');
  fault.append(
    lengthLabel,
    kindLabel,
    button('Inject', () => ({ type: 'fault', service: on.service(), regions: [region()], capacityPercent: Number(kind.value), durationS: Number(length.value) })),
    button('Inject errors (50 %)', () => ({ type: 'errors', service: on.service(), regions: [region()], percent: 50, durationS: Number(length.value) })),
    button(`Add latency (+${formatDuration(addS)})`, () => ({ type: 'latency', service: on.service(), regions: [region()], addS, durationS: Number(length.value) })),
  );
  root.append(note, bar, target, fault);
}
