/**
 * The comparison panel: starting and stopping run B (this run plus a what-if or client policy), its
 * graph, and the table of differences between A and B.
 */
import type { ParamValue } from '../params/registry.ts';
import { policiesFor } from '../params/presets.ts';
import type { ModelInfo } from '../worker/protocol.ts';
import { formatRate, formatTime } from '../view/format.ts';
import { renderGraph } from '../view/graph.ts';
import { judged, outageMinutes } from '../view/score.ts';
import { backlogDrainedAt, Comparison } from './run-b.ts';
import { $, type Lab } from './lab.ts';
import { writeUrl } from './link.ts';

/** Starts comparing with a what-if or client policy named as in links; false if there is none. */
export function compareWith(lab: Lab, key: string): boolean {
  const model = lab.store.getState().model;
  const w = model?.whatIfs.find((x) => `w:${x.id}` === key);
  const p = policiesFor(model?.params ?? []).find((x) => `p:${x.id}` === key);
  if (w) startCompare(lab, w.label, w.params, key);
  else if (p) startCompare(lab, p.label, p.params, key);
  else return false;
  return true;
}

/** Compares this run (A) with B = A plus `params`, on one clock. */
export function startCompare(lab: Lab, label: string, params: Record<string, ParamValue>, key?: string): void {
  const { store, run } = lab;
  const model = store.getState().model;
  if (!model || !run.recipe) return;
  stopCompare(lab);
  lab.compare.key = key;
  const comparison = new Comparison(
    label,
    params,
    model.regions.length * model.services.length,
    () => (lab.dirty = true),
    (message) => store.setState({ notice: `Run B: ${message}` }),
  );
  lab.compare.run = comparison;
  comparison.start(run.modelData, run.recipe, run.latest?.t ?? 0);
  const panel = $('compare');
  panel.hidden = false;
  document.querySelector<HTMLElement>('[data-open="compare"]')!.hidden = false;
  $('compare-title').textContent = `B: ${label}`;
  followGraphSize(lab, model);
  lab.dirty = true;
  // Beside the stage on wide windows; on narrower ones the drawer stays as the person left it.
  if (matchMedia('(min-width: 1360px)').matches) panel.scrollIntoView({ block: 'nearest' });
  writeUrl(lab);
}

export function stopCompare(lab: Lab): void {
  lab.compare.key = undefined;
  lab.compare.run?.stop();
  lab.compare.run = null;
  graphSize?.disconnect();
  graphSize = null;
  lab.compare.graph = null;
  $('compare').hidden = true;
  document.querySelector<HTMLElement>('[data-open="compare"]')!.hidden = true;
  $('graph-b').replaceChildren();
  lab.dirty = true;
  writeUrl(lab);
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
  const comparison = cmp.run;
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
