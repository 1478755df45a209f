/**
 * A time-series chart (d3, SVG, log scale): several named series against simulated time, a cursor
 * at the current time, and exact values read by hovering. Drawn in CSS pixels at the size of its
 * box, with the stage's text size. One function builds it; `draw` updates it.
 */
import { axisBottom, axisLeft, line, pointer, scaleLinear, scaleLog, select } from 'd3';
import { flatPoints } from './flat.ts';
import { formatRate, formatTime, timeTicks } from './format.ts';
import { stageTextPx, textWidth } from './text.ts';

export interface Series {
  label: string;
  color: string;
  values: readonly number[];
  dashed?: boolean;
  /** Times of `values`, when they are not the chart's (a compared run). */
  t?: readonly number[];
}

/** The plot's height below which the chart makes room for it. */
const MIN_PLOT_PX = 110;

/** What keeps each chart's drawing at its plot's height, by the element it is drawn in. */
const sized = new WeakMap<HTMLElement, ResizeObserver>();

export interface ChartView {
  /** Redraws the series (costly: call when they changed). */
  draw(t: readonly number[], series: Series[], now: number): void;
  /** Moves the time cursor only (cheap: every frame). */
  cursor(now: number): void;
  /** Changes the title (the selected service). */
  title(text: string): void;
}

/**
 * `legend`: the series it will show, so their legend takes its room before the plot is sized (a
 * legend that wraps later would cover the plot).
 */
export function renderChart(root: HTMLElement, title: string, durationS: number, clockStart: string | null, yLabel = 'req/s', legendLabels: string[] = []): ChartView {
  root.replaceChildren();
  const px = Math.max(12, stageTextPx(root) - 2);
  const fig = select(root).append('figure').attr('class', 'chart');
  const caption = fig.append('figcaption').text(title);
  const plot = fig.append('div').attr('class', 'chart-plot');
  const legend = fig.append('div').attr('class', 'legend');
  const readout = fig.append('div').attr('class', 'readout').attr('aria-live', 'off');
  for (const label of legendLabels) {
    const span = legend.append('span');
    span.append('i');
    span.append('b').text(label);
    span.append('small').text(' 000.0k');
  }
  // In a small box (a short embed) the plot would be a sliver: the legend gets tighter and the
  // hover readout goes over it instead of taking a line of its own.
  const plotBox = plot.node() as HTMLElement;
  const compact = plotBox.clientHeight < MIN_PLOT_PX;
  fig.classed('compact', compact);
  const W = Math.max(240, plotBox.clientWidth);
  let H = 0;
  const M = { l: Math.ceil(textWidth('100k', px) + 14), r: Math.ceil(textWidth(formatTime(durationS, clockStart), px) / 2) + 10, t: Math.ceil(px * 1.6), b: Math.ceil(px * (compact ? 2 : 2.4)) };
  const svg = plot.append('svg').attr('width', W).attr('role', 'img').attr('font-size', px);
  const x = scaleLinear([0, durationS], [M.l, W - M.r]);
  const y = scaleLog([1, 10], [1, 0]).clamp(true);
  let axisDrawn = false;
  const xAxis = svg.append('g').attr('class', 'axis').attr('font-size', px);
  const yAxis = svg.append('g').attr('class', 'axis').attr('font-size', px).attr('transform', `translate(${M.l},0)`);
  svg.append('text').attr('class', 'unit').attr('font-size', px).attr('x', 2).attr('y', px).text(yLabel);
  const paths = svg.append('g');
  const cursor = svg.append('line').attr('class', 'cursor').attr('y1', M.t);
  const hover = svg.append('line').attr('class', 'hover').attr('y1', M.t).style('display', 'none');
  let last: { t: readonly number[]; series: Series[]; now: number } = { t: [], series: [], now: 0 };
  const path = line<[number, number]>().defined((p) => p[1] === p[1]);
  let currentTitle = title;

  /** Gives the drawing the plot's height; whether it changed. */
  function fitHeight(): boolean {
    const h = Math.max(60, plotBox.clientHeight || 200);
    if (h === H) return false;
    H = h;
    svg.attr('height', H).attr('viewBox', `0 0 ${W} ${H}`);
    y.range([H - M.b, M.t]);
    xAxis.attr('transform', `translate(0,${H - M.b})`);
    cursor.attr('y2', H - M.b);
    hover.attr('y2', H - M.b);
    axisDrawn = false;
    return true;
  }
  fitHeight();
  // A title or legend that wraps to more or fewer lines later (another service, run B's lines)
  // leaves the plot another height: the drawing follows.
  sized.get(root)?.disconnect();
  if (typeof ResizeObserver !== 'undefined') {
    const observer = new ResizeObserver(() => {
      if (fitHeight() && last.t.length) draw(last.t, last.series, last.now);
    });
    observer.observe(plotBox);
    sized.set(root, observer);
  }

  svg
    .on('pointermove', (e: PointerEvent) => {
      const [pxX] = pointer(e);
      const tt = x.invert(pxX);
      const k = nearest(last.t, tt);
      if (k < 0) return;
      hover.style('display', null).attr('x1', x(last.t[k])).attr('x2', x(last.t[k]));
      readout.text(`${formatTime(last.t[k], clockStart)}: ${last.series.map((s) => `${s.label} ${formatRate(s.values[k])}`).join(' · ')}`);
    })
    .on('pointerleave', () => {
      hover.style('display', 'none');
      readout.text('');
    });
  // As many time ticks as fit their labels.
  const tickRoom = textWidth('00:00', px) * 2.2;
  xAxis.call(axisBottom(x).tickValues(timeTicks(durationS, clockStart, Math.max(2, Math.floor((W - M.l - M.r) / tickRoom)))).tickFormat((d) => formatTime(Number(d), clockStart)));
  // d3's axes set their own font; the stage's is the one measured.
  xAxis.attr('font-family', null).selectAll('text').attr('font-size', px);

  /** The legend's items for these series (rebuilt only when the series change; their latest values every time). */
  let legendKey = '';
  function showLegend(series: Series[]): void {
    const key = series.map((s) => `${s.label}\t${s.color}\t${!!s.dashed}`).join('\n');
    if (key === legendKey) {
      legend.selectAll<HTMLElement, Series>('small').data(series).text((s) => ` ${formatRate(s.values[s.values.length - 1] ?? NaN)}`);
      return;
    }
    legendKey = key;
    const items = legend
      .selectAll<HTMLSpanElement, Series>('span')
      .data(series, function (this: HTMLSpanElement, s) {
        return s ? s.label : (this.querySelector('b')?.textContent ?? '');
      })
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
  }

  function draw(t: readonly number[], series: Series[], now: number): void {
    last = { t, series, now };
    showLegend(series);
    let max = 10;
    for (const s of series) for (const v of s.values) if (v > max) max = v;
    // Re-render the axis only when the scale moves noticeably: axes are costly DOM work.
    const top = y.domain()[1];
    if (!axisDrawn || max * 1.3 > top || max * 1.3 < top / 2) {
      axisDrawn = true;
      y.domain([1, max * 1.3]);
      yAxis.call(axisLeft(y).ticks(Math.max(2, Math.floor((H - M.t - M.b) / (px * 3))), '~s'));
      yAxis.attr('font-family', null).selectAll('text').attr('font-size', px);
    }
    // Flat stretches (most of a long run) as their ends: within a quarter pixel of every point.
    const ySafe = (v: number) => y(Math.max(1, v));
    const mk = (s: Series) => path(flatPoints(s.t ?? t, s.values, x, ySafe, 0.25));
    paths
      .selectAll('path')
      .data(series)
      .join('path')
      .attr('fill', 'none')
      .attr('stroke', (s) => s.color)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', (s) => (s.dashed ? '5,4' : null))
      .attr('d', mk);
    cursor.attr('x1', x(now)).attr('x2', x(now));
    caption.attr('data-now', formatTime(now, clockStart));
    svg.attr('aria-label', `${currentTitle}: ${series.map((s) => `${s.label} ${formatRate(s.values[s.values.length - 1] ?? NaN)}`).join(', ')}`);
  }

  return {
    title(text) {
      currentTitle = text;
      caption.text(text);
    },
    cursor(now) {
      cursor.attr('x1', x(now)).attr('x2', x(now));
    },
    draw,
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
