/**
 * The timeline: the model's clock, its scripted events as labelled markers, the events that have
 * happened in this run, and the playhead. Click or drag to seek; arrow keys step when focused.
 */
import { axisBottom, pointer, scaleLinear, select } from 'd3';
import type { ModelInfo } from '../worker/protocol.ts';
import { formatTime, timeTicks } from './format.ts';

const W = 1000;
const H = 74;
const M = { l: 14, r: 14 };

export interface TimelineView {
  draw(now: number, fired: { t: number; label: string; origin: string }[]): void;
}

export function renderTimeline(root: HTMLElement, model: ModelInfo, onSeek: (t: number) => void): TimelineView {
  root.replaceChildren();
  const svg = select(root)
    .append('svg')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('class', 'timeline')
    .attr('tabindex', 0)
    .attr('role', 'slider')
    .attr('aria-label', 'Simulated time: click, drag or use the arrow keys to seek')
    .attr('aria-valuemin', 0)
    .attr('aria-valuemax', model.durationS);
  const x = scaleLinear([0, model.durationS], [M.l, W - M.r]).clamp(true);
  svg.append('rect').attr('class', 'track').attr('x', M.l).attr('y', 40).attr('width', W - M.l - M.r).attr('height', 10).attr('rx', 5);
  const done = svg.append('rect').attr('class', 'done').attr('x', M.l).attr('y', 40).attr('height', 10).attr('rx', 5);
  svg
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${52})`)
    .call(axisBottom(x).tickValues(timeTicks(model.durationS, model.clockStart, 14)).tickFormat((d) => formatTime(Number(d), model.clockStart)));
  const scripted = model.timeline.filter((e) => e.type !== 'note' || e.label);
  const marks = svg.append('g').selectAll('g').data(scripted).join('g').attr('class', 'mark').attr('transform', (e) => `translate(${x(e.t)},0)`);
  marks.append('line').attr('y1', 32).attr('y2', 50);
  marks.append('title').text((e) => `${formatTime(e.t, model.clockStart)} ${e.label}`);
  // Labels where there is room: each goes in the first of three rows it fits in, or stays a tick.
  const rowEnds = [-Infinity, -Infinity, -Infinity];
  marks
    .append('text')
    .each(function (e) {
      const text = `${formatTime(e.t, model.clockStart)} ${shorten(e.label)}`;
      const px = x(e.t);
      const half = (text.length * 5.6) / 2;
      const row = rowEnds.findIndex((end) => px - half > end + 6);
      if (row < 0) return;
      rowEnds[row] = px + half;
      select(this)
        .attr('y', 10 + row * 10)
        .text(text);
    });
  const firedG = svg.append('g');
  const head = svg.append('g').attr('class', 'playhead');
  head.append('line').attr('y1', 28).attr('y2', 56);
  head.append('circle').attr('cy', 45).attr('r', 7);
  let now = 0;
  let firedCount = -1;

  const seekAt = (e: PointerEvent) => onSeek(x.invert(pointer(e)[0]));
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
      if (fired.length === firedCount) return;
      firedCount = fired.length;
      firedG
        .selectAll('circle')
        .data(fired.filter((e) => e.origin !== 'model'))
        .join('circle')
        .attr('class', 'fired')
        .attr('cx', (e) => x(e.t))
        .attr('cy', 45)
        .attr('r', 3)
        .selectAll('title')
        .data((e) => [e])
        .join('title')
        .text((e) => `${formatTime(e.t, model.clockStart)} ${e.label}`);
    },
  };
}

function shorten(label: string): string {
  return label.length > 30 ? label.slice(0, 28) + '…' : label;
}
