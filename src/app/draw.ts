/**
 * The frame loop: while playing it asks the simulation (and run B) to advance by the wall-clock
 * time that passed, and whenever something changed it draws the latest frame on every view.
 */
import type { ModelInfo } from '../worker/protocol.ts';
import { formatTime } from '../view/format.ts';
import { REGION_COLORS, SERIES_COLOR } from '../view/palette.ts';
import { judged } from '../view/score.ts';
import { drawCompareTable } from './compare-panel.ts';
import { $, type Lab } from './lab.ts';
import type { Session } from './session.ts';

/** Charts are redrawn at most this often while playing; everything else every frame. */
const CHART_INTERVAL_MS = 120;

/** Starts the frame loop; `onScreen` tells whether the lab is in view (it only plays when it is). */
export function startFrameLoop(lab: Lab, session: Session, onScreen: () => boolean): void {
  const { store } = lab;
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
  let lastWall = 0;
  let chartsDrawn = { version: -1, key: '', at: 0 };

  /** Particles move only while the run plays, and never for people who asked for less motion. */
  const moving = () => store.getState().playing && !reducedMotion.matches;

  function draw(): void {
    const s = store.getState();
    const model = s.model;
    const { views, run } = lab;
    const { latest, history } = run;
    if (!views || !latest || !history || !model) return;
    const S = model.services.length;
    const r = model.regions.findIndex((x) => x.id === s.region);
    const j = model.services.findIndex((x) => x.id === s.service);
    const highlight = lab.story.highlight;
    const comparison = lab.compare.run;
    views.regions?.draw(latest, s.region);
    views.graph.draw(latest, s.region, s.service, highlight);
    views.particles.update(latest, s.region);
    if (lab.compare.graph && comparison?.latest) lab.compare.graph.draw(comparison.latest, s.region, s.service, highlight);
    if (!moving()) views.particles.paint(performance.now(), false);
    const key = `${s.region}/${s.service}/${lab.layout}`;
    const now = performance.now();
    const version = history.version + 1e6 * (comparison?.history.version ?? 0);
    const stale = chartsDrawn.version !== version || chartsDrawn.key !== key;
    if (stale && (!s.playing || key !== chartsDrawn.key || now - chartsDrawn.at >= CHART_INTERVAL_MS)) {
      drawCharts(lab, model, r * S + j, model.regions.length > 1 ? `${model.services[j].label}, ${model.regions[r].label}` : model.services[j].label);
      chartsDrawn = { version, key, at: now };
    } else {
      views.node.cursor(latest.t);
      views.doors.cursor(latest.t);
      views.amp.cursor(latest.t);
    }
    views.timeline.draw(latest.t, run.fired);
    $('clock').textContent = formatTime(latest.t, model.clockStart);
    lab.dirty = false;
    // For hosts, tests and benchmarks: a frame is on screen.
    document.dispatchEvent(new CustomEvent('lab:frame', { detail: { t: latest.t, params: latest.params } }));
  }

  function frameLoop(now: number): void {
    const s = store.getState();
    const wallS = lastWall ? Math.min(0.1, (now - lastWall) / 1000) : 0;
    lastWall = now;
    session.checkHeartbeat(now);
    // Run B follows A's frames (session.ts); A never waits for B.
    if (s.playing && onScreen() && !session.client.busy && s.model) session.send({ type: 'advance', simS: s.speed * wallS });
    if (lab.dirty) draw();
    if (moving()) lab.views?.particles.paint(now, true);
    requestAnimationFrame(frameLoop);
  }

  requestAnimationFrame(frameLoop);
}

/** The selected service, the protected service in every region, and the amplification; run B dashed over A. */
function drawCharts(lab: Lab, model: ModelInfo, node: number, label: string): void {
  const h = lab.run.history!;
  const v = lab.views!;
  const t = h.t;
  const now = lab.run.latest!.t;
  const comparison = lab.compare.run;
  const b = comparison?.latest ? comparison.history : null;
  const bSeries = (metric: 'offered' | 'goodput', color: string) => (b ? [{ label: `B ${metric}`, color, values: b.series(node, metric), t: b.t, dashed: true }] : []);
  v.node.draw(
    t,
    [
      ...bSeries('offered', SERIES_COLOR.offered),
      ...bSeries('goodput', SERIES_COLOR.goodput),
      { label: 'offered', color: SERIES_COLOR.offered, values: h.series(node, 'offered') },
      { label: 'capacity', color: SERIES_COLOR.capacity, values: h.series(node, 'capacity'), dashed: true },
      { label: 'goodput', color: SERIES_COLOR.goodput, values: h.series(node, 'goodput') },
      { label: 'wasted', color: SERIES_COLOR.wasted, values: h.series(node, 'wasted'), dashed: true },
      { label: 'new demand', color: SERIES_COLOR.demand, values: h.series(node, 'demand') },
      { label: 'queue', color: SERIES_COLOR.queue, values: h.series(node, 'queue') },
      { label: 'backlog', color: SERIES_COLOR.backlog, values: h.series(node, 'backlog') },
    ],
    now,
  );
  // The one definition of trouble, as the engine judged it at this frame.
  const trouble = lab.run.latest!.trouble?.[node] === 1;
  v.node.title(`${label}: requests per second${trouble ? ' — in trouble' : ''}`);
  const where = document.querySelector('.graph-region');
  if (where) where.textContent = model.regions.length > 1 ? `${model.regions.find((x) => x.id === lab.store.getState().region)?.label ?? ''}:` : '';
  const S = model.services.length;
  const door = model.services.indexOf(judged(model));
  if (door >= 0) {
    v.doors.draw(
      t,
      [
        ...model.regions.map((reg, k) => ({ label: reg.label, color: REGION_COLORS[k % REGION_COLORS.length], values: h.series(k * S + door, 'offered') })),
        ...(b ? model.regions.map((reg, k) => ({ label: `B ${reg.label}`, color: REGION_COLORS[k % REGION_COLORS.length], values: b.series(k * S + door, 'offered'), t: b.t, dashed: true })) : []),
      ],
      now,
    );
  }
  // The lab's one amplification: attempts this region's callers sent ÷ their first tries.
  v.amp.draw(
    t,
    [
      { label, color: SERIES_COLOR.offered, values: h.series(node, 'amplification') },
      ...(b ? [{ label: `B ${label}`, color: SERIES_COLOR.offered, values: b.series(node, 'amplification'), t: b.t, dashed: true }] : []),
    ],
    now,
  );
  if (comparison) drawCompareTable(lab, model);
}
