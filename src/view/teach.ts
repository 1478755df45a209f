/**
 * The teaching layer's views: the scoreboard of the run, the what-if buttons (the report's lessons
 * and real client policies) with their measured verdicts, the story's chapters, and the
 * operator's seat. Each builds its DOM once and exposes small update functions.
 */
import type { Score } from '../engine/score.ts';
import type { ClientPolicy } from '../params/presets.ts';
import type { ModelInfo } from '../worker/protocol.ts';
import { formatRate, formatTime } from './format.ts';

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
  const door = model.services.find((s) => s.door) ?? model.services[0];
  const label = (id: string) => {
    const [r, s] = id.split('/');
    return `${model.regions.find((x) => x.id === r)?.label ?? r} ${model.services.find((x) => x.id === s)?.label ?? s}`;
  };
  return (score) => {
    if (!score) return;
    const rows: [string, string][] = [];
    const at = (t: number) => formatTime(t, model.clockStart);
    rows.push([
      `${door.label}`,
      score.troubleAt === null
        ? 'no trouble so far'
        : score.recoveredAt !== null
          ? `trouble ${at(score.troubleAt)}, healthy again ${at(score.recoveredAt)} (${Math.round((score.recoveredAt - score.troubleAt) / 60)} min)`
          : `trouble since ${at(score.troubleAt)}, not recovered yet`,
    ]);
    rows.push(['Peak amplification', `${score.peakAmplification.toFixed(1)}× (offered ÷ new demand, worst region)`]);
    rows.push(['Wasted work', `${formatRate(score.wasted)} requests served after their caller gave up`]);
    for (const f of score.families) {
      if (f.service === door.id) continue;
      rows.push([f.label, f.troubleAt === null ? 'no trouble so far' : `${Math.round(f.minutes)} min in trouble (all regions)${f.stuck ? ', still in trouble' : ''} · ${formatRate(f.failed)} calls failed`]);
    }
    const worst = Object.entries(score.outageMinutes)
      .filter(([, m]) => m > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4);
    rows.push(['Minutes in trouble', worst.length ? worst.map(([id, m]) => `${label(id)} ${m}`).join(' · ') : 'none']);
    list.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', '', k), el('dd', '', v)]));
  };
}

export interface WhatIfHandlers {
  apply(label: string, params: Record<string, string | number>): void;
  asItHappened(): void;
  /** Run B = this run with `params`, side by side; `key` names it in links. */
  compare(label: string, params: Record<string, string | number>, key: string): void;
}

export function renderWhatIfs(root: HTMLElement, model: ModelInfo, policies: readonly ClientPolicy[], on: WhatIfHandlers): (text: string | null) => void {
  root.replaceChildren();
  root.append(el('h3', '', 'What if…'));
  const buttons = el('div', 'whatifs');
  for (const w of model.whatIfs) {
    const b = el('button', '', w.label);
    b.type = 'button';
    b.title = w.description;
    b.addEventListener('click', () => on.apply(w.label, w.params));
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
    if (p) on.apply(`${p.label} (${p.note})`, p.params);
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
    if (w) on.compare(w.label, w.params, v);
    else if (p) on.compare(p.label, p.params, v);
    withWhat.value = '';
  });
  compare.append(withWhat);
  const out = el('p', 'verdict');
  out.setAttribute('role', 'status');
  root.append(buttons, policy, compare, out);
  return (text) => (out.textContent = text ?? '');
}

export interface StoryHandlers {
  go(index: number): void;
}

export function renderStory(root: HTMLElement, model: ModelInfo, on: StoryHandlers): (index: number) => void {
  root.replaceChildren();
  if (model.story.length === 0) {
    root.hidden = true;
    return () => {};
  }
  root.hidden = false;
  const head = el('div', 'story-nav');
  const prev = el('button', '', '← Previous');
  prev.type = 'button';
  const count = el('span', 'chapter-count');
  const next = el('button', '', 'Next →');
  next.type = 'button';
  head.append(prev, count, next);
  const title = el('h3', 'chapter-title');
  const text = el('p', 'chapter-text');
  root.append(head, title, text);
  let current = -1;
  prev.addEventListener('click', () => on.go(Math.max(0, current - 1)));
  next.addEventListener('click', () => on.go(Math.min(model.story.length - 1, current + 1)));
  return (index) => {
    current = index;
    const c = model.story[index];
    count.textContent = index < 0 ? `Story: ${model.story.length} chapters` : `Chapter ${index + 1} of ${model.story.length}`;
    title.textContent = c ? c.title : 'Follow the incident step by step';
    text.textContent = c ? c.text : 'Press Next (or the → key) to start.';
    prev.disabled = index <= 0;
    next.disabled = index >= model.story.length - 1;
  };
}

export interface OperatorHandlers {
  act(action: Record<string, unknown> & { type: string }): void;
  undo(): void;
  /** The service selected in the dependency graph. */
  service(): string;
}

/** The operator's seat: act on the selected region's protected service (and storage). */
export function renderOperator(root: HTMLElement, model: ModelInfo, region: () => string, on: OperatorHandlers): void {
  root.replaceChildren();
  root.hidden = false;
  const door = model.services.find((s) => s.door);
  if (!door) {
    root.hidden = true;
    return;
  }
  root.append(el('h3', '', "Operator's seat"));
  const note = el('p', 'desc', `Acts on ${door.label} in the selected region, now.`);
  const bar = el('div', 'whatifs');
  const add = (label: string, make: () => Record<string, unknown> & { type: string }) => {
    const b = el('button', '', label);
    b.type = 'button';
    b.addEventListener('click', () => on.act(make()));
    bar.append(b);
  };
  add('Scale out +50 % (30 min)', () => ({ type: 'scaleout', service: door.id, regions: [region()], addPercent: 50, delayS: 1800 }));
  add('Remove traffic', () => ({ type: 'admission', service: door.id, regions: [region()], percent: 0 }));
  add('Ramp back (60 min)', () => ({ type: 'ramp', service: door.id, regions: [region()], toPercent: 100, durationS: 3600 }));
  if (model.services.some((s) => s.id === 'storage')) add('Restore storage', () => ({ type: 'restore', service: 'storage', regions: [region()] }));
  if (model.timeline.some((e) => e.type === 'rollout.start')) add('Disable the workflow', () => ({ type: 'rollout.disable' }));
  if (model.regions.some((r) => r.pair)) add('Isolate region', () => ({ type: 'isolate', regions: [region()] }));
  const fault = el('div', 'fault');
  const kind = el('select');
  kind.append(new Option('an outage', '0'), new Option('half capacity', '50'), new Option('a fifth of capacity', '20'));
  kind.setAttribute('aria-label', 'Fault');
  const length = el('select');
  for (const m of [5, 15, 30, 60]) length.append(new Option(`${m} min`, String(m * 60)));
  length.setAttribute('aria-label', 'Fault duration');
  const inject = el('button', '', 'Inject');
  inject.type = 'button';
  inject.addEventListener('click', () =>
    on.act({ type: 'fault', service: on.service(), regions: [region()], capacityPercent: Number(kind.value), durationS: Number(length.value) }),
  );
  fault.append(el('span', '', 'Selected service: '), kind, el('span', '', ' for '), length, inject);
  const undo = el('button', '', 'Undo last action');
  undo.type = 'button';
  undo.addEventListener('click', on.undo);
  bar.append(undo);
  root.append(note, bar, fault);
}
