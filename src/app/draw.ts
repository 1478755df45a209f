/**
 * The frame loop: while playing it asks the simulation (and run B) to advance by the wall-clock
 * time that passed, and whenever something changed it draws the latest frame on every view.
 */
import type { ModelInfo } from '../worker/protocol.ts';
import type { History } from './history.ts';
import { formatTime } from '../view/format.ts';
import { REGION_COLORS, SERIES_COLOR } from '../view/palette.ts';
import { judged } from '../view/score.ts';
import { drawCompareTable } from './compare-panel.ts';
import { $, type Lab } from './lab.ts';
import type { Session } from './session.ts';

/**
 * While playing, each chart is redrawn at most this often, and a frame redraws at most one of
 * them (the one waiting longest): a chart is the costliest thing a frame draws, and three in one
 * frame would miss it. Paused, sought or refocused, every chart is redrawn at once.
 */
const CHART_INTERVAL_MS = 120;

type ChartId = 'node' | 'doors' | 'amp';
const CHART_IDS: readonly ChartId[] = ['node', 'doors', 'amp'];

/** Starts the frame loop; `onScreen` tells whether the lab is in view (it only plays when it is). */
export function startFrameLoop(lab: Lab, session: Session, onScreen: () => boolean, watchRunB: (now: number) => void): void {
  const { store } = lab;
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
  let lastWall = 0;
  let everDrawn = false;
  // What each chart last drew: the run's history (a new run has a new one, even where the views are kept), how far into it, for which selection and layout.
  const chartsDrawn = Object.fromEntries(CHART_IDS.map((id) => [id, { history: null, version: -1, key: '', at: 0 }])) as Record<ChartId, { history: History | null; version: number; key: string; at: number }>;

  /** Particles move only while the run plays, and never for people who asked for less motion. */
  const moving = () => store.getState().playing && !reducedMotion.matches;

  function draw(): void {
    const s = store.getState();
    const model = s.model;
    const { views, run } = lab;
    const { latest, history } = run;
    if (!views || !latest || !history || !model) return;
    // A link's run is drawn once it is at the link's time, not on its way there.
    if (!everDrawn && !session.settled()) return;
    everDrawn = true;
    const S = model.services.length;
    const r = model.regions.findIndex((x) => x.id === s.region);
    const j = model.services.findIndex((x) => x.id === s.service);
    const highlight = lab.story.highlight;
    const comparison = lab.compare.run?.caughtUp ? lab.compare.run : null;
    views.regions?.draw(latest, s.region);
    views.graph.draw(latest, s.region, s.service, highlight);
    views.particles.update(latest, s.region);
    if (lab.compare.graph && comparison?.latest) lab.compare.graph.draw(comparison.latest, s.region, s.service, highlight);
    if (!moving()) views.particles.paint(performance.now(), false);
    const key = `${s.region}/${s.service}/${lab.layout}`;
    const now = performance.now();
    const version = history.version + 1e6 * (comparison?.history.version ?? 0);
    const stale = (id: ChartId) => chartsDrawn[id].history !== history || chartsDrawn[id].version !== version || chartsDrawn[id].key !== key;
    // Paused or refocused (all charts then share the old key): every stale chart. Playing: the
    // stale one waiting longest, once it is due.
    const urgent = !s.playing || chartsDrawn.node.key !== key || chartsDrawn.node.history !== history;
    let next: ChartId | null = null;
    if (!urgent) {
      for (const id of CHART_IDS) {
        const at = chartsDrawn[id].at;
        if (stale(id) && now - at >= CHART_INTERVAL_MS && (next === null || at < chartsDrawn[next].at)) next = id;
      }
    }
    const node = r * S + j;
    const label = model.regions.length > 1 ? `${model.services[j].label}, ${model.regions[r].label}` : model.services[j].label;
    for (const id of CHART_IDS) {
      if (urgent ? stale(id) : id === next) {
        CHART_DRAW[id](lab, model, node, label);
        chartsDrawn[id] = { history, version, key, at: now };
      } else views[id].cursor(latest.t);
    }
    views.timeline.draw(latest.t, run.fired);
    $('clock').textContent = formatTime(latest.t, model.clockStart);
    if (lab.compare.run) $('compare-clock').textContent = lab.compare.run.caughtUp && lab.compare.run.latest ? `at ${formatTime(lab.compare.run.latest.t, model.clockStart)}` : 'catching up…';
    lab.dirty = false;
    // For hosts, tests and benchmarks: a frame is on screen.
    document.dispatchEvent(new CustomEvent('lab:frame', { detail: { t: latest.t, params: latest.params } }));
  }

  function frameLoop(now: number): void {
    const s = store.getState();
    const wallS = lastWall ? Math.min(0.1, (now - lastWall) / 1000) : 0;
    lastWall = now;
    session.checkHeartbeat(now);
    watchRunB(now);
    // Run B follows A's frames (session.ts); A never waits for B.
    if (s.playing && onScreen() && !session.client.busy && s.model) session.send({ type: 'advance', simS: s.speed * wallS });
    if (lab.dirty) draw();
    if (moving()) lab.views?.particles.paint(now, true);
    requestAnimationFrame(frameLoop);
  }

  requestAnimationFrame(frameLoop);
}

/** How each chart is drawn: run B's lines dashed over A's. */
const CHART_DRAW: Record<ChartId, (lab: Lab, model: ModelInfo, node: number, label: string) => void> = {
  node: drawNodeChart,
  doors: drawDoorsChart,
  amp: drawAmplificationChart,
};

/** Run B's history, when a comparison is showing. */
const historyB = (lab: Lab) => (lab.compare.run?.latest && lab.compare.run.caughtUp ? lab.compare.run.history : null);

/** The selected service's rates (and the comparison's table, which follows the same selection). */
function drawNodeChart(lab: Lab, model: ModelInfo, node: number, label: string): void {
  const h = lab.run.history!;
  const v = lab.views!;
  const b = historyB(lab);
  const bSeries = (metric: 'offered' | 'goodput', color: string) => (b ? [{ label: `B ${metric}`, color, values: b.series(node, metric), t: b.t, dashed: true }] : []);
  v.node.draw(
    h.t,
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
    lab.run.latest!.t,
  );
  // The one definition of trouble, as the engine judged it at this frame.
  const trouble = lab.run.latest!.trouble?.[node] === 1;
  v.node.title(`${label}: requests per second${trouble ? ' — in trouble' : ''}`);
  const where = document.querySelector('.graph-region');
  if (where) where.textContent = model.regions.length > 1 ? `${model.regions.find((x) => x.id === lab.store.getState().region)?.label ?? ''}:` : '';
  if (lab.compare.run) drawCompareTable(lab, model);
}

/** The protected service's offered load in every region. */
function drawDoorsChart(lab: Lab, model: ModelInfo): void {
  const h = lab.run.history!;
  const b = historyB(lab);
  const S = model.services.length;
  const door = model.services.indexOf(judged(model));
  if (door < 0) return;
  lab.views!.doors.draw(
    h.t,
    [
      ...model.regions.map((reg, k) => ({ label: reg.label, color: REGION_COLORS[k % REGION_COLORS.length], values: h.series(k * S + door, 'offered') })),
      ...(b ? model.regions.map((reg, k) => ({ label: `B ${reg.label}`, color: REGION_COLORS[k % REGION_COLORS.length], values: b.series(k * S + door, 'offered'), t: b.t, dashed: true })) : []),
    ],
    lab.run.latest!.t,
  );
}

/** The lab's one amplification: attempts this region's callers sent ÷ their first tries. */
function drawAmplificationChart(lab: Lab, _model: ModelInfo, node: number, label: string): void {
  const h = lab.run.history!;
  const b = historyB(lab);
  lab.views!.amp.draw(
    h.t,
    [
      { label, color: SERIES_COLOR.offered, values: h.series(node, 'amplification') },
      ...(b ? [{ label: `B ${label}`, color: SERIES_COLOR.offered, values: b.series(node, 'amplification'), t: b.t, dashed: true }] : []),
    ],
    lab.run.latest!.t,
  );
}
