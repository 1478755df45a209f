/**
 * The timeline: the model's clock, its scripted events as markers — filled where the incident
 * report says so, hollow where the model assumes — with their labels in full where there is room
 * and on hover otherwise, the latest event in words, the events that have happened in this run,
 * and the playhead. Click or drag to seek; arrow keys step when focused.
 */
import { axisBottom, pointer, scaleLinear, select } from 'd3';
import type { ModelInfo } from '../worker/protocol.ts';
import { formatTime, timeTicks } from './format.ts';
import { stageTextPx, textWidth } from './text.ts';

export interface TimelineView {
  draw(now: number, fired: { t: number; label: string; origin: string }[]): void;
}

type Scripted = ModelInfo['timeline'][number];

/** Where an event comes from, in words (for its tooltip and the latest-event line). */
export function provenanceText(e: Scripted): string {
  if (!e.provenance) return '';
  return e.provenance.kind === 'report' ? `From the incident report: “${e.provenance.text}”` : `Assumed by the model: ${e.provenance.text}`;
}

export function renderTimeline(root: HTMLElement, model: ModelInfo, onSeek: (t: number) => void): TimelineView {
  root.replaceChildren();
  root.style.position = 'relative';
  const px = Math.max(12, stageTextPx(root) - 1);
  const cs = getComputedStyle(root);
  const W = Math.max(240, root.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight));
  // Room for the first and last tick labels, centred on the ends of the track.
  const edge = Math.ceil(Math.max(textWidth(formatTime(0, model.clockStart), px), textWidth(formatTime(model.durationS, model.clockStart), px)) / 2) + 6;
  const M = { l: edge, r: edge };
  const rowH = Math.round(px * 1.35);
  // Rows of labels where there is room for them; in a short window the tooltip and the latest-event line say it.
  const rows = window.innerHeight < 560 ? 0 : W >= 700 ? 2 : 1;
  const top = Math.round(px * 0.35);
  const trackY = top + rows * rowH + Math.round(px * 0.8);
  const H = trackY + 12 + Math.round(px * 1.9);
  const latest = document.createElement('p');
  latest.className = 'latest-event';
  latest.setAttribute('aria-live', 'off');
  const svg = select(root)
    .append('svg')
    .attr('width', W)
    .attr('height', H)
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('class', 'timeline')
    .attr('tabindex', 0)
    .attr('role', 'slider')
    .attr('aria-label', 'Simulated time: click, drag or use the arrow keys to seek')
    .attr('aria-valuemin', 0)
    .attr('aria-valuemax', model.durationS)
    // Where the track starts and ends, in pixels: for tests that click a time.
    .attr('data-x0', M.l)
    .attr('data-x1', W - M.r);
  root.append(latest);
  const tip = document.createElement('div');
  tip.className = 'timeline-tip';
  tip.hidden = true;
  root.append(tip);
  const x = scaleLinear([0, model.durationS], [M.l, W - M.r]).clamp(true);
  svg.append('rect').attr('class', 'track').attr('x', M.l).attr('y', trackY).attr('width', W - M.l - M.r).attr('height', 10).attr('rx', 5);
  const done = svg.append('rect').attr('class', 'done').attr('x', M.l).attr('y', trackY).attr('height', 10).attr('rx', 5);
  const tickRoom = textWidth(formatTime(model.durationS, model.clockStart), px) * 1.8;
  const axis = svg
    .append('g')
    .attr('class', 'axis')
    .attr('font-size', px)
    .attr('transform', `translate(0,${trackY + 12})`)
    .call(axisBottom(x).tickValues(timeTicks(model.durationS, model.clockStart, Math.max(2, Math.floor((W - M.l - M.r) / tickRoom)))).tickFormat((d) => formatTime(Number(d), model.clockStart)));
  axis.attr('font-family', null).selectAll('text').attr('font-size', px);
  const scripted = model.timeline.filter((e) => e.type !== 'note' || e.label);
  const marks = svg
    .append('g')
    .attr('aria-hidden', 'true')
    .selectAll('g')
    .data(scripted)
    .join('g')
    .attr('class', (e) => `mark ${e.provenance?.kind ?? 'unsourced'}`)
    .attr('transform', (e) => `translate(${x(e.t)},0)`);
  marks.append('line').attr('y1', trackY - 8).attr('y2', trackY + 10);
  marks.append('circle').attr('cy', trackY - 8).attr('r', Math.max(4, px * 0.35));
  // A wider, invisible target for the pointer.
  marks.append('rect').attr('class', 'hit').attr('x', -6).attr('y', 0).attr('width', 12).attr('height', trackY);
  // Labels in full where there is room: each goes in the first row it fits in, or is left to the tooltip.
  const rowEnds = Array.from({ length: rows }, () => -Infinity);
  marks.append('text').each(function (e) {
    const text = `${formatTime(e.t, model.clockStart)} ${e.label}`;
    const w = textWidth(text, px);
    if (w > W) return;
    const px0 = x(e.t);
    // Anchored where the label stays inside the timeline: centred, else from the left or right edge.
    let left = px0 - w / 2;
    left = Math.max(0, Math.min(W - w, left));
    const row = rowEnds.findIndex((end) => left > end + px);
    if (row < 0) return;
    rowEnds[row] = left + w;
    select(this)
      .attr('font-size', px)
      .attr('x', left - px0)
      .attr('y', top + rowH * (row + 1) - px * 0.3)
      .text(text);
  });
  marks
    .on('pointerenter', (ev: PointerEvent, e) => {
      tip.replaceChildren();
      const head = document.createElement('b');
      head.textContent = `${formatTime(e.t, model.clockStart)} ${e.label}`;
      tip.append(head);
      const why = provenanceText(e);
      if (why) tip.append(Object.assign(document.createElement('span'), { textContent: why }));
      tip.hidden = false;
      const r = root.getBoundingClientRect();
      const left = Math.min(Math.max(0, ev.clientX - r.left - 160), r.width - 320);
      tip.style.left = `${Math.max(0, left)}px`;
      tip.style.bottom = `${r.height - (trackY - 14)}px`;
    })
    .on('pointerleave', () => (tip.hidden = true));
  const firedG = svg.append('g').attr('aria-hidden', 'true');
  const head = svg.append('g').attr('class', 'playhead');
  head.append('line').attr('y1', trackY - 12).attr('y2', trackY + 16);
  head.append('circle').attr('cy', trackY + 5).attr('r', 7);
  let now = 0;
  // The events last drawn: a new run's are new objects, even when as many.
  let firedCount = -1;
  let firedLast: object | undefined;
  let latestShown: Scripted | null | undefined;

  const seekAt = (e: PointerEvent) => onSeek(x.invert(pointer(e, svg.node())[0]));
  svg.on('pointerdown', (e: PointerEvent) => {
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    seekAt(e);
    svg.on('pointermove', (m: PointerEvent) => {
      if (m.buttons) seekAt(m);
    });
  });
  svg.on('pointerup', () => svg.on('pointermove', null));
  // Where the last key press asked to go: presses add up even while frames from before them arrive.
  let keyTarget = 0;
  let keyAt = -Infinity;
  svg.on('keydown', (e: KeyboardEvent) => {
    const step = model.durationS / 100;
    if (performance.now() - keyAt < 1000) now = keyTarget;
    let to: number;
    if (e.key === 'ArrowRight') to = Math.min(model.durationS, now + step);
    else if (e.key === 'ArrowLeft') to = Math.max(0, now - step);
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = model.durationS;
    else return;
    e.preventDefault();
    now = to;
    keyTarget = to;
    keyAt = performance.now();
    onSeek(to);
  });

  return {
    draw(t, fired) {
      now = t;
      head.attr('transform', `translate(${x(t)},0)`);
      done.attr('width', Math.max(0, x(t) - M.l));
      svg.attr('aria-valuenow', Math.round(t)).attr('aria-valuetext', formatTime(t, model.clockStart));
      let last: Scripted | null = null;
      for (const e of scripted) if (e.t <= t) last = e;
      if (last !== latestShown) {
        latestShown = last;
        latest.replaceChildren();
        if (last) {
          const mark = document.createElement('span');
          mark.className = `prov ${last.provenance?.kind ?? 'unsourced'}`;
          mark.textContent = last.provenance?.kind === 'report' ? 'report' : last.provenance?.kind === 'assumed' ? 'assumed' : '';
          latest.append(Object.assign(document.createElement('b'), { textContent: `${formatTime(last.t, model.clockStart)} ` }), last.label, ' ');
          if (mark.textContent) latest.append(mark);
          latest.title = provenanceText(last);
        } else latest.append('Nothing has happened yet.');
      }
      if (fired.length === firedCount && fired[fired.length - 1] === firedLast) return;
      firedCount = fired.length;
      firedLast = fired[fired.length - 1];
      firedG
        .selectAll('circle')
        .data(fired.filter((e) => e.origin !== 'model'))
        .join('circle')
        .attr('class', 'fired')
        .attr('cx', (e) => x(e.t))
        .attr('cy', trackY + 5)
        .attr('r', 3)
        .selectAll('title')
        .data((e) => [e])
        .join('title')
        .text((e) => `${formatTime(e.t, model.clockStart)} ${e.label}`);
    },
  };
}
