/**
 * A time-series chart (d3, SVG, log scale): several named series against simulated time, a cursor
 * at the current time, and exact values read by hovering. One function builds it; `draw` updates it.
 */
import { axisBottom, axisLeft, line, pointer, scaleLinear, scaleLog, select } from 'd3';
import { formatRate, formatTime, timeTicks } from './format.ts';

export interface Series {
  label: string;
  color: string;
  values: readonly number[];
  dashed?: boolean;
  /** Times of `values`, when they are not the chart's (a compared run). */
  t?: readonly number[];
}

export interface ChartView {
  /** Redraws the series (costly: call when they changed). */
  draw(t: readonly number[], series: Series[], now: number): void;
  /** Moves the time cursor only (cheap: every frame). */
  cursor(now: number): void;
}

const W = 560;
const H = 200;
const M = { l: 48, r: 12, t: 10, b: 24 };

export function renderChart(root: HTMLElement, title: string, durationS: number, clockStart: string | null, yLabel = 'req/s'): ChartView {
  root.replaceChildren();
  const fig = select(root).append('figure').attr('class', 'chart');
  const caption = fig.append('figcaption').text(title);
  const svg = fig.append('svg').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  const x = scaleLinear([0, durationS], [M.l, W - M.r]);
  const y = scaleLog([1, 10], [H - M.b, M.t]).clamp(true);
  let axisDrawn = false;
  const xAxis = svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.b})`);
  const yAxis = svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.l},0)`);
  svg.append('text').attr('class', 'unit').attr('x', 4).attr('y', M.t + 4).text(yLabel);
  const paths = svg.append('g');
  const cursor = svg.append('line').attr('class', 'cursor').attr('y1', M.t).attr('y2', H - M.b);
  const hover = svg.append('line').attr('class', 'hover').attr('y1', M.t).attr('y2', H - M.b).style('display', 'none');
  const legend = fig.append('div').attr('class', 'legend');
  const readout = fig.append('div').attr('class', 'readout').attr('aria-live', 'off');
  let last: { t: readonly number[]; series: Series[] } = { t: [], series: [] };

  svg
    .on('pointermove', (e: PointerEvent) => {
      const [px] = pointer(e);
      const tt = x.invert(px);
      const k = nearest(last.t, tt);
      if (k < 0) return;
      hover.style('display', null).attr('x1', x(last.t[k])).attr('x2', x(last.t[k]));
      readout.text(`${formatTime(last.t[k], clockStart)}: ${last.series.map((s) => `${s.label} ${formatRate(s.values[k])}`).join(' · ')}`);
    })
    .on('pointerleave', () => {
      hover.style('display', 'none');
      readout.text('');
    });
  xAxis.call(axisBottom(x).tickValues(timeTicks(durationS, clockStart, 7)).tickFormat((d) => formatTime(Number(d), clockStart)));

  return {
    cursor(now) {
      cursor.attr('x1', x(now)).attr('x2', x(now));
    },
    draw(t, series, now) {
      last = { t, series };
      let max = 10;
      for (const s of series) for (const v of s.values) if (v > max) max = v;
      // Re-render the axis only when the scale moves noticeably: axes are costly DOM work.
      const top = y.domain()[1];
      if (!axisDrawn || max * 1.3 > top || max * 1.3 < top / 2) {
        axisDrawn = true;
        y.domain([1, max * 1.3]);
        yAxis.call(axisLeft(y).ticks(4, '~s'));
      }
      const mk = (times: readonly number[]) =>
        line<number>()
          .defined((v, k) => Number.isFinite(v) && k < times.length)
          .x((_, k) => x(times[k]))
          .y((v) => y(Math.max(1, v)));
      paths
        .selectAll('path')
        .data(series)
        .join('path')
        .attr('fill', 'none')
        .attr('stroke', (s) => s.color)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', (s) => (s.dashed ? '5,4' : null))
        .attr('d', (s) => mk(s.t ?? t)(s.values as number[]));
      cursor.attr('x1', x(now)).attr('x2', x(now));
      const items = legend
        .selectAll<HTMLSpanElement, Series>('span')
        .data(series, (s) => s.label)
        .join((enter) => {
          const span = enter.append('span');
          span.append('i');
          span.append('b');
          span.append('small');
          return span;
        });
      items.select('i').style('background', (s) => s.color).classed('dashed', (s) => !!s.dashed);
      items.select('b').text((s) => s.label);
      items.select('small').text((s) => ` ${formatRate(s.values[s.values.length - 1] ?? NaN)}`);
      caption.attr('data-now', formatTime(now, clockStart));
      svg.attr('aria-label', `${title}: ${series.map((s) => `${s.label} ${formatRate(s.values[s.values.length - 1] ?? NaN)}`).join(', ')}`);
    },
  };
}

function nearest(ts: readonly number[], t: number): number {
  if (ts.length === 0) return -1;
  let lo = 0;
  let hi = ts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
