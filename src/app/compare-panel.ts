/**
 * The comparison panel: starting and stopping run B (this run plus a what-if, a client policy or
 * settings of its own), its graph, and the table of differences between A and B.
 */
import { formatValue, type ParamDef, type ParamValue } from '../params/registry.ts';
import { policiesFor } from '../params/presets.ts';
import type { Frame, ModelInfo } from '../worker/protocol.ts';
import { formatRate, formatTime } from '../view/format.ts';
import { renderGraph } from '../view/graph.ts';
import { judged, outageMinutes } from '../view/score.ts';
import { backlogDrainedAt, Comparison } from './run-b.ts';
import { $, type Lab } from './lab.ts';
import { readSettingsKey } from './url.ts';

/** A request of run B unanswered for this long means it stopped answering. */
const HEARTBEAT_MS = 10_000;

/** Settings as a label says them: "Retries 3, Jitter full, Retry budget 10 %". */
export function settingsLabel(params: Readonly<Record<string, ParamValue>>, defs: readonly ParamDef[]): string {
  return Object.entries(params)
    .map(([id, v]) => {
      const def = defs.find((d) => d.id === id);
      return `${def?.label ?? id} ${formatValue(v)}${def?.unit && v !== 'off' ? ` ${def.unit}` : ''}`;
    })
    .join(', ');
}

/** What B compares with: its name, its settings, and (settings of its own) them in words. */
interface ComparedWith {
  label: string;
  params: Record<string, ParamValue>;
  detail?: string;
}

/** What B compares with, named as in links, or null if the model has nothing of that name. */
function comparedWith(model: ModelInfo, key: string): ComparedWith | null {
  const w = model.whatIfs.find((x) => `w:${x.id}` === key);
  const p = policiesFor(model.params).find((x) => `p:${x.id}` === key);
  const s = readSettingsKey(key, model.params);
  if (s && Object.keys(s.params).length) return { label: 'these settings', params: s.params, detail: `${settingsLabel(s.params, model.params)}.` };
  return w ?? p ?? null;
}

/**
 * Run B follows the store's comparison (`compareKey`) and run A: it starts once A is where it was
 * asked to be (a link's time, a restore's), and starts again from A's recipe when that changes.
 */
export function followComparison(lab: Lab): { loaded(): void; frame(f: Frame, settled: boolean): void; checkHeartbeat(now: number): void } {
  const { store } = lab;
  /** Whether A is where it was asked to be, as of its last frame. */
  let settled = false;
  let lastRecovery = -Infinity;
  const startIfDue = () => {
    const { compareKey, model } = store.getState();
    if (compareKey === undefined || lab.compare.run || !settled || !lab.run.recipe || !model) return;
    const w = comparedWith(model, compareKey);
    if (w) startCompare(lab, w);
    else {
      store.getState().compare(undefined);
      store.getState().sayAlso(`There is nothing called "${compareKey}" to compare with in this model.`);
    }
  };
  store.subscribe((s, prev) => {
    if (s.compareKey === prev.compareKey) return;
    stopCompare(lab);
    startIfDue();
  });
  const recover = (why: string) => {
    const b = lab.compare.run!;
    if (performance.now() - lastRecovery < 15_000) {
      store.getState().compare(undefined);
      store.getState().say(`Run B ${why} again after a restart, so the comparison was stopped.`);
      return;
    }
    lastRecovery = performance.now();
    store.getState().say(`Run B ${why}; it was restarted from this run's settings.`);
    stopCompare(lab);
    startCompare(lab, { label: b.label, params: b.overrides, detail: $('compare-detail').textContent ?? undefined });
  };
  return {
    // B was of the old run: it starts again once the new one is where it should be.
    loaded() {
      settled = false;
      stopCompare(lab);
    },
    frame(f, isSettled) {
      settled = isSettled;
      const b = lab.compare.run;
      if (!b) return startIfDue();
      // Run B is run A's recipe plus its overrides: when A's recipe changes (a slider, an action,
      // a restart, an undo) B starts again from the new one; otherwise it follows A's time.
      if (f.recipe) b.start(lab.run.modelData, f.recipe, f.t);
      else if (b.latest?.t !== f.t) b.seek(f.t);
    },
    checkHeartbeat(now) {
      const b = lab.compare.run;
      if (b?.failure) recover(`failed (${b.failure})`);
      else if (b && b.waitingSince > 0 && now - b.waitingSince > HEARTBEAT_MS) recover('stopped answering');
    },
  };
}

/** Compares this run (A) with B = A plus `params`, on one clock. */
function startCompare(lab: Lab, { label, params, detail }: ComparedWith): void {
  const { store, run } = lab;
  const model = store.getState().model;
  if (!model || !run.recipe) return;
  const comparison = new Comparison(
    label,
    params,
    model.regions.length * model.services.length,
    () => (lab.dirty = true),
    (message) => store.getState().say(`Run B: ${message}`),
  );
  lab.compare.run = comparison;
  comparison.start(run.modelData, run.recipe, run.latest?.t ?? 0);
  const panel = $('compare');
  panel.hidden = false;
  document.querySelector<HTMLElement>('[data-open="compare"]')!.hidden = false;
  $('compare-title').textContent = `B: ${label}`;
  $('compare-detail').textContent = detail ?? '';
  $('compare-detail').hidden = !detail;
  followGraphSize(lab, model);
  lab.dirty = true;
  // Beside the stage on wide windows; on narrower ones the drawer stays as the person left it.
  if (matchMedia('(min-width: 1360px)').matches) panel.scrollIntoView({ block: 'nearest' });
}

function stopCompare(lab: Lab): void {
  lab.compare.run?.stop();
  lab.compare.run = null;
  graphSize?.disconnect();
  graphSize = null;
  lab.compare.graph = null;
  $('compare').hidden = true;
  document.querySelector<HTMLElement>('[data-open="compare"]')!.hidden = true;
  $('graph-b').replaceChildren();
  lab.dirty = true;
}

let graphSize: ResizeObserver | null = null;

/**
 * Draws B's graph for the size of its box, and again whenever that changes (a resized window, the
 * drawer opened): the graph is laid out in pixels, as the stage's is. A hidden box (a closed
 * drawer) has no size to lay out for, so the graph waits until it is shown.
 */
function followGraphSize(lab: Lab, model: ModelInfo): void {
  graphSize?.disconnect();
  lab.compare.graph = null;
  const box = $('graph-b');
  let drawnFor = '';
  const draw = () => {
    const size = `${box.clientWidth}x${box.clientHeight}`;
    if (size === drawnFor || box.clientWidth === 0) return;
    drawnFor = size;
    lab.compare.graph = renderGraph(box, model, () => {});
    lab.dirty = true;
  };
  draw();
  if (typeof ResizeObserver === 'undefined') return;
  let pending = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(pending);
    // Not after comparing stopped or started again.
    pending = requestAnimationFrame(() => graphSize === observer && draw());
  });
  graphSize = observer;
  observer.observe(box);
}

/** The differences between A and B, measured from both runs so far. */
export function drawCompareTable(lab: Lab, model: ModelInfo): void {
  const { latest, history } = lab.run;
  const cmp = lab.compare;
  const comparison = cmp.run?.caughtUp ? cmp.run : null;
  const a = latest?.score ?? cmp.lastScoreA;
  const bScore = comparison?.latest?.score ?? cmp.lastScoreB;
  if (latest?.score) cmp.lastScoreA = latest.score;
  if (comparison?.latest?.score) cmp.lastScoreB = comparison.latest.score;
  if (!a || !bScore || !comparison) return;
  const door = judged(model);
  const S = model.services.length;
  const j = model.services.indexOf(door);
  const at = (t: number | null) => (t === null ? '—' : formatTime(t, model.clockStart));
  const rows: [string, string, string][] = [
    [`${door.label} in trouble`, at(a.troubleAt), at(bScore.troubleAt)],
    [`${door.label} out of trouble`, a.troubleAt === null ? '—' : at(a.recoveredAt), bScore.troubleAt === null ? '—' : at(bScore.recoveredAt)],
    ...model.regions.map((r): [string, string, string] => [
      `Minutes ${door.label} in trouble${model.regions.length > 1 ? `, ${r.label}` : ''}`,
      String(Math.round(outageMinutes(a, r.id, door.id))),
      String(Math.round(outageMinutes(bScore, r.id, door.id))),
    ]).filter((x) => x[1] !== '0' || x[2] !== '0'),
    ['Peak amplification', `${a.peakAmplification.toFixed(1)}×`, `${bScore.peakAmplification.toFixed(1)}×`],
    ['Wasted work', formatRate(a.wasted), formatRate(bScore.wasted)],
    ...a.families
      .filter((f) => f.service !== door.id)
      .map((fa): [string, string, string] => {
        const fb = bScore.families.find((f) => f.service === fa.service);
        return [`Minutes ${fa.label} in trouble (all regions)`, String(Math.round(fa.minutes)), String(Math.round(fb?.minutes ?? 0))];
      }),
    ...model.regions.map((r, k): [string, string, string] => [
      `Backlog at ${door.label} drained${model.regions.length > 1 ? `, ${r.label}` : ''}`,
      at(backlogDrainedAt(history!, k * S + j)),
      at(backlogDrainedAt(comparison.history, k * S + j)),
    ]).filter((x) => x[1] !== '—' || x[2] !== '—'),
  ];
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of ['', 'A: this run', `B: ${comparison.label}`]) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    row.forEach((cell, k) => (k === 0 ? tr.append(Object.assign(document.createElement('th'), { textContent: cell, scope: 'row' })) : (tr.insertCell().textContent = cell)));
  }
  $('compare-table').replaceChildren(table);
}
