/**
 * The views of a model, built when it loads: on the stage the map, the graph and its particles,
 * the key chart, the timeline and the story's caption; beside it the settings, the other charts
 * and the teaching panels. The stage's views are drawn in pixels for the space they have, so they
 * are built again when the stage changes size. A view whose part of the model is the same as the
 * one it was built from is kept when a model loads (a value edited in Build: a capacity, a rate,
 * a policy), and draws the new run's frames. Their inputs are the store's actions; they are drawn
 * by draw.ts.
 */
import { policiesFor } from '../params/presets.ts';
import type { ModelInfo } from '../worker/protocol.ts';
import { renderChart } from '../view/chart.ts';
import { renderControls } from '../view/controls.ts';
import { renderGraph } from '../view/graph.ts';
import { stateLegend } from '../view/palette.ts';
import { renderParticles } from '../view/particles.ts';
import { stageStacked } from '../view/layout.ts';
import { hasMap, renderRegions } from '../view/regions.ts';
import { judged } from '../view/score.ts';
import { renderTimeline } from '../view/timeline.ts';
import { renderOperator, renderScoreboard, renderStory, renderWhatIfs, type WhatIfHandlers } from '../view/teach.ts';
import type { PasteView } from '../view/paste-config.ts';
import { exportChart } from './files.ts';
import { createPasteBox } from './paste-config.ts';
import { $, type Lab, type TeachViews } from './lab.ts';
import { reapplyHidden } from './panels.ts';
import { speedLabel, speedsFor } from './store.ts';
import { showTeaching } from './teaching.ts';

export function buildViews(lab: Lab, model: ModelInfo): void {
  const { store } = lab;
  const speeds = speedsFor(model.durationS);
  const speed = $<HTMLSelectElement>('speed');
  speed.replaceChildren(...speeds.map((v) => new Option(speedLabel(v), String(v))));
  speed.value = String(speeds[2]);
  store.getState().setSpeed(speeds[2]);
  $('model-description').textContent = model.description;
  $('stage').classList.toggle('no-map', !hasMap(model));
  const setParam = store.getState().setParam;
  // The protected service's capacity where the run is in view, for switches that come on at a few seconds of it.
  const capacityRps = () => {
    const h = lab.run.history;
    const r = model.regions.findIndex((x) => x.id === store.getState().region);
    const j = model.services.indexOf(judged(model));
    if (r < 0 || j < 0) return undefined;
    const node = r * model.services.length + j;
    const series = h ? h.series(node, 'capacity') : [];
    return series.length ? series[series.length - 1] : model.capacityRps[node];
  };
  const controls = renderControls($('controls'), model.params, setParam, capacityRps);
  const chosen = (lab.page.controls ?? []).map((id) => model.params.find((p) => p.id === id)).filter((p) => p !== undefined);
  const stageControls = chosen.length ? renderControls($('embed-controls'), chosen, setParam, capacityRps, 'tooltip') : null;
  $('embed-controls').hidden = !stageControls;
  // What is kept of the views of the model loaded before (nothing, the first time).
  const old = lab.views;
  const keep = (part: ViewPart) => old !== null && builtFrom[part] === inputsOf(part, model);
  lab.views = {
    regions: old?.regions ?? null,
    graph: old?.graph ?? null!,
    particles: old?.particles ?? null!,
    node: old?.node ?? null!,
    doors: old?.doors ?? null!,
    amp: old?.amp ?? null!,
    timeline: old?.timeline ?? null!,
    controls: {
      update(params) {
        controls.update(params);
        stageControls?.update(params);
      },
    },
  };
  lab.teach = {
    score: renderScoreboard($('scoreboard'), model),
    ...whatIfView(lab, $('whatif'), model, {
      apply: (key, label, params) => store.getState().addWhatIf({ key, label, params }),
      remove: (key) => store.getState().removeWhatIf(key),
      show: (service, region) => store.getState().select({ service, region }),
      asItHappened: () => store.getState().asItHappened(),
      compare: (key) => store.getState().compare(key),
    }),
    story: lab.teach && keep('story') ? lab.teach.story : renderStory($('caption'), model, { go: (index) => store.getState().goToChapter(index) }),
  };
  builtFrom.story = inputsOf('story', model);
  const stale = PARTS.filter((p) => !keep(p));
  if (stale.length) buildStage(lab, model, stale);
  if (!keep('side')) buildSideCharts(lab, model);
  lab.views.controls.update(store.getState().params);
  renderOperator($('operator'), model, () => store.getState().region, {
    act: (action) => store.getState().act(action),
    undo: () => store.getState().undo(),
    service: () => store.getState().service,
  });
  showTeaching(lab, model);
  const span = $<HTMLSelectElement>('gif-span');
  const spans = model.durationS > 3 * 3600 ? [3600, 3 * 3600, 6 * 3600] : [120, 300, 600];
  span.replaceChildren(...spans.map((v) => new Option(`next ${v >= 3600 ? v / 3600 + ' h' : v / 60 + ' min'}`, String(v))), new Option('to the end', String(model.durationS)));
  if (!observer) watchStageSize(lab);
}

/** The what-if panel's two parts, as the page drives them. */
function whatIfView(lab: Lab, root: HTMLElement, model: ModelInfo, on: WhatIfHandlers): Pick<TeachViews, 'verdict' | 'chips'> {
  // The paste box is the page's, not the model's: built once, moved into each new panel as it is
  // (its text and result kept), with focus where it was.
  pasteBox ??= createPasteBox(lab.store);
  const focused = pasteBox.element.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
  const v = renderWhatIfs(root, model, policiesFor(model.params), on, pasteBox.element);
  focused?.focus({ preventScroll: true });
  return { verdict: v.verdict, chips: v.chips };
}

let pasteBox: PasteView | null = null;

/** A view's drawing box and its legend line, inside a stage section. */
function boxIn(section: HTMLElement, legend?: (p: HTMLParagraphElement) => void): HTMLElement {
  section.replaceChildren();
  const box = document.createElement('div');
  box.className = 'view-box';
  section.append(box);
  if (legend) {
    const p = document.createElement('p');
    p.className = 'view-legend';
    legend(p);
    section.append(p);
  }
  return box;
}

function swatch(cls: string, color?: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = `swatch ${cls}`;
  if (color) s.style.background = color;
  s.setAttribute('aria-hidden', 'true');
  return s;
}

type StagePart = 'map' | 'graph' | 'chart' | 'timeline';
const PARTS: readonly StagePart[] = ['map', 'graph', 'chart', 'timeline'];
/** The stage's parts, the charts beside it, and the story's caption. */
type ViewPart = StagePart | 'side' | 'story';

/**
 * What each view is drawn from: the only parts of the model it reads. The graph and its particles
 * read the topology; the map the regions' places and the judged service; the charts the clock;
 * the timeline the scripted events; the caption the story and the model's words.
 */
const INPUTS: Record<ViewPart, (m: ModelInfo) => unknown[]> = {
  map: (m) => [m.regions, m.services, m.focus],
  graph: (m) => [m.regions, m.services, m.sources, m.calls, m.flows, m.focus],
  chart: (m) => [m.durationS, m.clockStart],
  timeline: (m) => [m.durationS, m.clockStart, m.timeline],
  side: (m) => [m.durationS, m.clockStart, m.regions, m.services, m.focus],
  story: (m) => [m.title, m.description, m.texts, m.story],
};

const inputsOf = (part: ViewPart, model: ModelInfo) => JSON.stringify(INPUTS[part](model));

/** The inputs each view on the page was built from. */
const builtFrom: Partial<Record<ViewPart, string>> = {};

/** The stage's views at the stage's current size (all of them, or those named). */
function buildStage(lab: Lab, model: ModelInfo, parts: readonly StagePart[] = PARTS, depth = 0): void {
  const { store } = lab;
  const views = lab.views!;
  const door = judged(model);
  // Focus stays where it was when the view holding it is built again.
  const focused = focusedIn(parts);
  const states = (p: HTMLParagraphElement) => {
    for (const { state, color } of stateLegend()) {
      const item = document.createElement('span');
      item.append(swatch('', color), state);
      p.append(item);
    }
  };
  for (const part of parts) builtFrom[part] = inputsOf(part, model);
  // The timeline first: its height decides how much is left for the others.
  if (parts.includes('timeline')) {
    drawn.timeline = sizeOf('timeline');
    views.timeline = renderTimeline($('timeline'), model, (t) => store.getState().seek(t));
  }
  if (parts.includes('map')) {
    drawn.map = sizeOf('map');
    if (hasMap(model)) {
      const box = boxIn($('regions'), (p) => {
        const what = document.createElement('span');
        what.append('Colour: ', Object.assign(document.createElement('b'), { textContent: door.label }), ';');
        p.append(what);
        states(p);
        const arcs = document.createElement('span');
        arcs.append(swatch('retry'), 'arcs: failed calls sent to the paired region');
        p.append(arcs);
      });
      views.regions = renderRegions(box, model, (region) => store.getState().select({ region }));
    } else {
      $('regions').replaceChildren();
      views.regions = null;
    }
  }
  if (parts.includes('graph')) {
    drawn.graph = sizeOf('graph');
    const graphBox = boxIn($('graph'), (p) => {
      const where = document.createElement('b');
      where.className = 'graph-region';
      p.append(where);
      for (const [cls, text] of [
        ['first', 'first tries'],
        ['retry', 'retries'],
        ['hollow', 'mostly failing'],
      ] as const) {
        const item = document.createElement('span');
        item.append(swatch(cls), text);
        p.append(item);
      }
      if (!hasMap(model)) states(p);
    });
    views.graph = renderGraph(graphBox, model, (service) => store.getState().select({ service }));
    views.particles = renderParticles(graphBox, model, views.graph);
  }
  if (parts.includes('chart')) {
    drawn.chart = sizeOf('chart');
    views.node = renderChart($('chart-node'), 'Selected service', model.durationS, model.clockStart, 'req/s', ['offered', 'capacity', 'goodput', 'wasted', 'new demand', 'queue', 'backlog']);
    addExportButtons(lab, model, 'chart-node', 'service');
  }
  reapplyHidden();
  lab.layout++;
  // For tests and benchmarks: how many times the stage has been laid out.
  $('stage').dataset.layout = String(lab.layout);
  lab.dirty = true;
  focused?.();
  // Building one view can change the room left for another (a taller timeline): build those again.
  const moved = PARTS.filter((p) => sizeOf(p) !== drawn[p]);
  if (moved.length && depth < 2) buildStage(lab, model, moved, depth + 1);
}

/** Where focus is, if inside one of these parts: a function that puts it back on the same control. */
function focusedIn(parts: readonly StagePart[]): (() => void) | null {
  const el = document.activeElement as HTMLElement | null;
  const ids: Record<StagePart, string> = { map: 'regions', graph: 'graph', chart: 'key-chart', timeline: 'timeline' };
  for (const part of parts) {
    const section = document.getElementById(ids[part]);
    if (!el || !section?.contains(el)) continue;
    const all = [...section.querySelectorAll<HTMLElement>('[tabindex="0"], button')];
    const k = all.indexOf(el);
    return () => [...section.querySelectorAll<HTMLElement>('[tabindex="0"], button')][k]?.focus({ preventScroll: true });
  }
  return null;
}

function buildSideCharts(lab: Lab, model: ModelInfo): void {
  builtFrom.side = inputsOf('side', model);
  const views = lab.views!;
  const door = judged(model);
  views.doors = renderChart($('chart-doors'), `${door.label}: offered load in every region`, model.durationS, model.clockStart, 'req/s', model.regions.map((r) => r.label));
  views.amp = renderChart($('chart-amp'), 'Amplification: attempts per first try', model.durationS, model.clockStart, '×');
  addExportButtons(lab, model, 'chart-doors', 'regions');
  addExportButtons(lab, model, 'chart-amp', 'amplification');
}

function addExportButtons(lab: Lab, model: ModelInfo, id: string, name: string): void {
  const bar = document.createElement('div');
  bar.className = 'chart-export';
  for (const kind of ['svg', 'png'] as const) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = kind.toUpperCase();
    b.setAttribute('aria-label', `Download this chart as ${kind.toUpperCase()}`);
    // Named after the model running when it is clicked (a chart is kept for an edited model).
    b.addEventListener('click', () => void exportChart(lab.store, $(id), `${(lab.store.getState().model ?? model).id}-${name}`, kind, model.clockStart));
    bar.append(b);
  }
  $(id).append(bar);
}

let observer: ResizeObserver | null = null;

/** The size each of the stage's views was drawn for. */
const drawn: Record<StagePart, string> = { map: '', graph: '', chart: '', timeline: '' };

/** The size a view is drawn for (the graph's height only where it does not grow with it; the timeline's width). */
function sizeOf(part: StagePart): string {
  const size = (id: string, height = true) => {
    const el = document.getElementById(id);
    return el ? `${el.clientWidth}x${height ? el.clientHeight : ''}` : '';
  };
  switch (part) {
    case 'map':
      return size('regions');
    case 'graph':
      return size('graph', !stageStacked($('stage')));
    case 'chart':
      return size('key-chart');
    case 'timeline':
      return size('timeline', false);
  }
}

/** Builds a view of the stage again when its box changes size (a window resized, a longer caption). */
function watchStageSize(lab: Lab): void {
  observer?.disconnect();
  if (typeof ResizeObserver === 'undefined') return;
  let pending = 0;
  observer = new ResizeObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      const changed = PARTS.filter((p) => sizeOf(p) !== drawn[p]);
      const model = lab.store.getState().model;
      if (changed.length && model && lab.views) buildStage(lab, model, changed);
    });
  });
  for (const id of ['stage', 'regions', 'graph', 'key-chart', 'timeline']) observer.observe($(id));
}
