/**
 * The composition root: the store, the simulation client and the views, wired so that data flows
 * one way — controls write parameters → the worker applies them at its next step → frames come
 * back → the views draw the latest frame.
 */
import type { ParamValue } from '../params/registry.ts';
import { createSimClient, type SimClient } from '../worker/client.ts';
import type { Frame, FromWorkerMsg, ModelInfo, Recipe } from '../worker/protocol.ts';
import { renderChart, type ChartView } from '../view/chart.ts';
import { canvasToBlob, composeView, encodeGif, standaloneSvg, svgToCanvas } from '../view/export.ts';
import { renderControls, type ControlsHandle } from '../view/controls.ts';
import { formatRate, formatTime } from '../view/format.ts';
import { renderGraph, type GraphView } from '../view/graph.ts';
import { renderParticles, type ParticlesView } from '../view/particles.ts';
import { REGION_COLORS, SERIES_COLOR } from '../view/palette.ts';
import { renderRegions, type RegionsView } from '../view/regions.ts';
import { renderTimeline, type TimelineView } from '../view/timeline.ts';
import { renderOperator, renderScoreboard, renderStory, renderWhatIfs } from '../view/teach.ts';
import { CLIENT_POLICIES } from '../params/presets.ts';
import type { Action } from '../engine/model.ts';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../models/index.ts';
import { clockAt, secondsAtTimeOfDay } from '../engine/clock.ts';
import { mustLoadModel } from '../engine/load-model.ts';
import { History } from './history.ts';
import { backlogDrainedAt, Comparison } from './compare.ts';
import { createLabStore, speedLabel, speedsFor } from './store.ts';
import { actionToOp, decodeLink, encodeLink, opToAction, type LinkChange, type ModelCatalog } from './url.ts';
import { watchEmbedding } from './embed.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const catalog = builtinCatalog();
const link = decodeLink(location.search, catalog);
const store = createLabStore({ modelId: link.state.model, notice: link.notices.length ? link.notices.join(' ') : null });
let seed = link.state.seed;
let pendingSeek = link.state.t;
/** The query string last written to the address bar. */
let urlWritten = '';
/** How to run this run again, kept to restore a simulation that fails or stops answering. */
let recipe: Recipe | null = null;
let modelData: string | object = link.state.model;
/** The model asked for by the last load: it becomes `modelData` once the simulation accepts it. */
let requestedModel: string | object = link.state.model;
let lastRecovery = -Infinity;
/** A request unanswered for this long means the simulation stopped answering. */
const HEARTBEAT_MS = 10_000;

/** Starts a new simulation and replays the run to where it was, saying so. */
function recover(why: string): void {
  const t = latest?.t ?? 0;
  if (performance.now() - lastRecovery < 15_000) {
    // It failed again right away: do not loop; let the person decide.
    client.terminate();
    store.setState({ failure: `it ${why.replace(/^it /, '')} again after a restart`, playing: false });
    return;
  }
  lastRecovery = performance.now();
  const model = store.getState().model;
  client.terminate();
  client = createSimClient(receive);
  const at = model ? formatTime(t, model.clockStart) : '';
  store.setState({ notice: `The simulation ${why}; it was restarted and brought back to ${at}.`, failure: null });
  pendingSeek = t;
  requestedModel = modelData;
  client.send({ type: 'load', model: modelData, seed: recipe?.seed ?? seed, params: recipe?.params as Record<string, ParamValue>, changes: recipe?.changes });
}
let client: SimClient = createSimClient(receive);
let history: History | null = null;
let latest: Frame | null = null;
let fired: Frame['events'] = [];
let views: { regions: RegionsView; graph: GraphView; particles: ParticlesView; node: ChartView; doors: ChartView; amp: ChartView; timeline: TimelineView; controls: ControlsHandle } | null = null;
let teach: { score: (s: Frame['score']) => void; verdict: (t: string | null) => void; chapter: (i: number) => void } | null = null;
/** Story chapter shown (index), or -1. */
let chapter = link.state.chapter !== undefined ? link.state.chapter - 1 : -1;
/** Region and service to show once the model has loaded (a chapter's focus). */
let pendingFocus: { region?: string; service?: string } | null = null;
let dirty = false;
let lastWall = 0;

function receive(m: FromWorkerMsg): void {
  switch (m.type) {
    case 'loaded':
      onLoaded(m.model, m.frame);
      break;
    case 'frame':
      onFrame(m);
      break;
    case 'refused':
      store.setState({ notice: m.message });
      break;
    case 'failed':
      recover(`it failed (${m.message})`);
      break;
    case 'exported':
      download(m.filename, m.text, m.format === 'csv' ? 'text/csv' : 'application/json');
      break;
    case 'verdict':
      showVerdict(`${m.label}: ${m.text}`);
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

function onLoaded(model: ModelInfo, frame: Frame): void {
  modelData = requestedModel;
  if (comparison) stopCompare();
  // Where the simulation runs (a worker, or the main thread where no worker may start).
  document.documentElement.dataset.sim = client.where;
  const door = model.services.find((s) => s.door) ?? model.services[0];
  const region = model.regions[0].id;
  history = new History(model.regions.length * model.services.length);
  fired = [];
  store.setState({ model, modelId: model.id, region, service: door.id, params: frame.params, failure: null });
  if (pendingFocus) {
    if (pendingFocus.region && model.regions.some((r) => r.id === pendingFocus!.region)) store.setState({ region: pendingFocus.region });
    if (pendingFocus.service) store.setState({ service: pendingFocus.service });
    pendingFocus = null;
  }
  buildViews(model);
  onFrame(frame);
  if (pendingSeek !== undefined) seekTo(pendingSeek);
  pendingSeek = undefined;
  writeUrl();
}

function builtinCatalog(): ModelCatalog {
  const loaded = Object.fromEntries(Object.entries(BUILTIN_MODELS).map(([id, data]) => [id, mustLoadModel(data)]));
  return {
    ids: Object.keys(loaded),
    defaultId: DEFAULT_MODEL_ID,
    paramsOf: (id) => loaded[id].params,
    timeOf: (id, hhmm) => secondsAtTimeOfDay(loaded[id].model, hhmm),
    clockOf: (id, t) => (loaded[id].model.clock ? clockAt(loaded[id].model, t).slice(11, 16) : null),
    chaptersOf: (id) => loaded[id].model.story.length,
    servicesOf: (id) => loaded[id].model.services.map((x) => x.id),
    regionsOf: (id) => loaded[id].model.regions.map((x) => x.id),
  };
}

/** The run as a link: the settings it started with, the changes made during it, the time. */
function linkQuery(): string {
  const s = store.getState();
  const changes: LinkChange[] = [];
  for (const c of recipe?.changes ?? []) {
    if ('action' in c) {
      const op = actionToOp(c.action as unknown as Record<string, unknown>);
      if (op) changes.push({ t: c.t, action: op });
    } else changes.push({ t: c.t, id: c.id, value: c.value });
  }
  const params = { ...((recipe?.params ?? s.params) as Record<string, ParamValue>) };
  // A change before the run has moved is simply how it starts.
  while (changes.length && changes[0].t === 0 && !('action' in changes[0])) {
    const c = changes.shift() as { id: string; value: ParamValue };
    params[c.id] = c.value;
  }
  return encodeLink({ model: s.modelId, seed, t: latest?.t, chapter: chapter >= 0 ? chapter + 1 : undefined, params, changes, compare: compareKey }, catalog);
}

/** The link that reproduces what is on screen now. */
function currentLink(extra = ''): string {
  return `${location.origin === 'null' ? '' : location.origin}${location.pathname}?${linkQuery()}${extra}`;
}

/** Keeps the address bar on the current run (not while playing: that would be every frame). */
function writeUrl(): void {
  if (store.getState().playing) return;
  try {
    const q = linkQuery();
    const keep = new URLSearchParams(location.search);
    const page = ['embed', 'hide', 'present'].filter((k) => keep.has(k)).map((k) => `&${k}=${encodeURIComponent(keep.get(k)!)}`).join('');
    if (q + page === urlWritten) return;
    urlWritten = q + page;
    window.history.replaceState(null, '', `?${q}${page}${location.hash}`);
  } catch {
    // Sandboxed documents may not touch their history; the link buttons still work.
  }
}

function buildViews(model: ModelInfo): void {
  const speeds = speedsFor(model.durationS);
  const speed = $<HTMLSelectElement>('speed');
  speed.replaceChildren(...speeds.map((v) => new Option(speedLabel(v), String(v))));
  speed.value = String(speeds[2]);
  store.setState({ speed: speeds[2] });
  $('model-title').textContent = model.title;
  $('model-description').textContent = model.description;
  const door = model.services.find((s) => s.door);
  const graph = renderGraph($('graph'), model, (service) => store.setState({ service }));
  const legend = document.createElement('p');
  legend.className = 'particle-legend';
  legend.innerHTML = '<span class="dot first"></span> first tries <span class="dot retry"></span> retries <span class="dot hollow"></span> mostly failing';
  $('graph').append(legend);
  views = {
    regions: renderRegions($('regions'), model, (region) => store.setState({ region })),
    graph,
    particles: renderParticles($('graph'), model, graph),
    node: renderChart($('chart-node'), 'Selected service', model.durationS, model.clockStart),
    doors: renderChart($('chart-doors'), `${door?.label ?? 'Protected service'}: offered load in every region`, model.durationS, model.clockStart),
    amp: renderChart($('chart-amp'), 'Amplification: offered ÷ new demand', model.durationS, model.clockStart, '×'),
    timeline: renderTimeline($('timeline'), model, seekTo),
    controls: renderControls($('controls'), model.params, setParam),
  };
  views.controls.update(store.getState().params);
  for (const [id, name] of [['chart-node', 'service'], ['chart-doors', 'regions'], ['chart-amp', 'amplification']] as const) {
    const bar = document.createElement('div');
    bar.className = 'chart-export';
    for (const kind of ['svg', 'png'] as const) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind.toUpperCase();
      b.setAttribute('aria-label', `Download this chart as ${kind.toUpperCase()}`);
      b.addEventListener('click', () => void exportChart($(id), `${model.id}-${name}`, kind));
      bar.append(b);
    }
    $(id).append(bar);
  }
  teach = {
    score: renderScoreboard($('scoreboard'), model),
    verdict: renderWhatIfs($('whatif'), model, CLIENT_POLICIES, { apply: applyWhatIf, asItHappened, compare: startCompare }),
    chapter: renderStory($('chapters'), model, { go: goToChapter }),
  };
  renderOperator($('operator'), model, () => store.getState().region, {
    act: (action) => {
      client.send({ type: 'act', action: action as unknown as Action });
      comparison?.act({ type: 'act', action: action as unknown as Action });
    },
    undo: () => client.send({ type: 'undo' }),
    service: () => store.getState().service,
  });
  teach.chapter(chapter);
  teach.verdict(verdictText);
  if (chapter >= 0) highlight = new Set(model.story[chapter]?.highlight ?? []);
  const span = $<HTMLSelectElement>('gif-span');
  const spans = model.durationS > 3 * 3600 ? [3600, 3 * 3600, 6 * 3600] : [120, 300, 600];
  span.replaceChildren(...spans.map((v) => new Option(`next ${v >= 3600 ? v / 3600 + ' h' : v / 60 + ' min'}`, String(v))), new Option('to the end', String(model.durationS)));
}

function onFrame(f: Frame): void {
  if (!history) return;
  if (f.recipe) recipe = f.recipe;
  if (pendingCompare && recipe && pendingSeek === undefined) {
    const key = pendingCompare;
    pendingCompare = undefined;
    if (!compareWith(key)) store.setState({ notice: `There is nothing called "${key}" to compare with in this model.` });
  }
  if (f.score) teach?.score(f.score);
  if (!store.getState().playing) queueMicrotask(writeUrl);
  history.add(f);
  fired = f.reset ? f.events : fired.concat(f.events);
  latest = f;
  if (f.done && store.getState().playing) store.setState({ playing: false });
  const params = store.getState().params;
  if (Object.keys(f.params).some((k) => f.params[k] !== params[k])) store.setState({ params: f.params });
  dirty = true;
}

/** Run B, when comparing. */
let comparison: Comparison | null = null;
let graphB: GraphView | null = null;

/** What B compares with, as a link writes it ("w:id" or "p:id"), and the one to start after loading. */
let compareKey: string | undefined;
let pendingCompare = link.state.compare;

/** Starts comparing with a what-if or client policy named as in links; false if there is none. */
function compareWith(key: string): boolean {
  const model = store.getState().model;
  const w = model?.whatIfs.find((x) => `w:${x.id}` === key);
  const p = CLIENT_POLICIES.find((x) => `p:${x.id}` === key);
  if (w) startCompare(w.label, w.params, key);
  else if (p) startCompare(p.label, p.params, key);
  else return false;
  return true;
}

/** Compares this run (A) with B = A plus `params`, on one clock. */
function startCompare(label: string, params: Record<string, ParamValue>, key?: string): void {
  const model = store.getState().model;
  if (!model || !recipe) return;
  stopCompare();
  compareKey = key;
  comparison = new Comparison(label, params, model.regions.length * model.services.length, () => (dirty = true), (message) => store.setState({ notice: `Run B: ${message}` }));
  comparison.start(modelData, recipe, latest?.t ?? 0);
  const panel = $('compare');
  panel.hidden = false;
  $('compare-title').textContent = `B: ${label}`;
  graphB = renderGraph($('graph-b'), model, () => {});
  dirty = true;
}

function stopCompare(): void {
  compareKey = undefined;
  comparison?.stop();
  comparison = null;
  graphB = null;
  $('compare').hidden = true;
  $('graph-b').replaceChildren();
  dirty = true;
}

/** Services highlighted in the graph by the current chapter. */
let highlight = new Set<string>();
/** The last what-if's verdict: shown again when the views are rebuilt for the what-if's run. */
let verdictText: string | null = null;

function showVerdict(text: string | null): void {
  verdictText = text;
  teach?.verdict(text);
}

/** A what-if: measure it against the run as it is, then run it (keeping the playhead). */
function applyWhatIf(label: string, params: Record<string, string | number>): void {
  showVerdict(`${label}: measuring…`);
  client.send({ type: 'whatIf', label, params });
  restartWith({ ...store.getState().params, ...params }, latest?.t ?? 0);
}

function asItHappened(): void {
  showVerdict(null);
  restartWith({}, latest?.t ?? 0);
}

/** Runs the model again from the start with `params`, then goes back to `t`. */
function restartWith(params: Record<string, string | number>, t: number): void {
  store.setState({ playing: false });
  const s = store.getState();
  pendingSeek = t;
  pendingFocus = { region: s.region, service: s.service };
  requestedModel = modelData;
  client.send({ type: 'load', model: modelData, seed, params });
}

/** Hides what a chapter asks to hide (on top of what the link hides). */
function chapterHides(parts: readonly string[]): void {
  const root = document.documentElement;
  for (const cls of [...root.classList]) if (cls.startsWith('chapter-hide-')) root.classList.remove(cls);
  for (const p of parts) root.classList.add(`chapter-hide-${p}`);
}

/** A story chapter: its settings, its moment, where to look. */
function goToChapter(index: number): void {
  const model = store.getState().model;
  const c = model?.story[index];
  if (!model || !c) return;
  chapter = index;
  highlight = new Set(c.highlight);
  chapterHides(c.hide);
  teach?.chapter(index);
  showVerdict(null);
  store.setState({ playing: false });
  pendingFocus = { region: c.region, service: c.service };
  pendingSeek = c.t;
  requestedModel = modelData;
  client.send({ type: 'load', model: modelData, seed, params: c.params });
}

function seekTo(t: number): void {
  client.send({ type: 'seek', t });
  comparison?.seek(t);
}

function setParam(id: string, value: ParamValue): void {
  store.setState({ params: { ...store.getState().params, [id]: value }, notice: null });
  client.send({ type: 'setParam', id, value });
  comparison?.setParam(id, value);
  writeUrl();
}

/** Charts are redrawn at most this often while playing; everything else every frame. */
const CHART_INTERVAL_MS = 120;
let chartsDrawn = { version: -1, key: '', at: 0 };

function draw(): void {
  const s = store.getState();
  const model = s.model;
  if (!views || !latest || !history || !model) return;
  const S = model.services.length;
  const r = model.regions.findIndex((x) => x.id === s.region);
  const j = model.services.findIndex((x) => x.id === s.service);
  views.regions.draw(latest, s.region);
  views.graph.draw(latest, s.region, s.service, highlight);
  views.particles.update(latest, s.region);
  if (graphB && comparison?.latest) graphB.draw(comparison.latest, s.region, s.service, highlight);
  if (!moving()) views.particles.paint(performance.now(), false);
  const key = `${s.region}/${s.service}`;
  const now = performance.now();
  const version = history.version + 1e6 * (comparison?.history.version ?? 0);
  const stale = chartsDrawn.version !== version || chartsDrawn.key !== key;
  if (stale && (!s.playing || key !== chartsDrawn.key || now - chartsDrawn.at >= CHART_INTERVAL_MS)) {
    drawCharts(model, r * S + j, `${model.services[j].label}, ${model.regions[r].label}`);
    chartsDrawn = { version, key, at: now };
  } else {
    views.node.cursor(latest.t);
    views.doors.cursor(latest.t);
    views.amp.cursor(latest.t);
  }
  views.timeline.draw(latest.t, fired);
  $('clock').textContent = formatTime(latest.t, model.clockStart);
  dirty = false;
  // For hosts, tests and benchmarks: a frame is on screen.
  document.dispatchEvent(new CustomEvent('lab:frame', { detail: { t: latest.t, params: latest.params } }));
}

function drawCharts(model: ModelInfo, node: number, label: string): void {
  const h = history!;
  const v = views!;
  const t = h.t;
  const now = latest!.t;
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
  $('chart-node').querySelector('figcaption')!.textContent = label;
  const S = model.services.length;
  const door = model.services.findIndex((x) => x.door);
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
  const offered = h.series(node, 'offered');
  const demand = h.series(node, 'demand');
  const amp = (o: readonly number[], d: readonly number[]) => o.map((x, k) => (d[k] > 0 ? x / d[k] : NaN));
  v.amp.draw(
    t,
    [
      { label, color: SERIES_COLOR.offered, values: amp(offered, demand) },
      ...(b ? [{ label: `B ${label}`, color: SERIES_COLOR.offered, values: amp(b.series(node, 'offered'), b.series(node, 'demand')), t: b.t, dashed: true }] : []),
    ],
    now,
  );
  if (comparison) drawCompareTable(model);
}

/** The differences between A and B, measured from both runs so far. */
function drawCompareTable(model: ModelInfo): void {
  const a = latest?.score ?? lastScoreA;
  const bScore = comparison?.latest?.score ?? lastScoreB;
  if (latest?.score) lastScoreA = latest.score;
  if (comparison?.latest?.score) lastScoreB = comparison.latest.score;
  if (!a || !bScore || !comparison) return;
  const door = model.services.find((x) => x.door) ?? model.services[0];
  const S = model.services.length;
  const j = model.services.indexOf(door);
  const at = (t: number | null) => (t === null ? '—' : formatTime(t, model.clockStart));
  const rows: [string, string, string][] = [
    [`${door.label} in trouble`, at(a.troubleAt), at(bScore.troubleAt)],
    [`${door.label} healthy again`, a.troubleAt === null ? '—' : at(a.recoveredAt), bScore.troubleAt === null ? '—' : at(bScore.recoveredAt)],
    ...model.regions.map((r): [string, string, string] => [
      `Minutes ${door.label} down or overloaded, ${r.label}`,
      String(a.outageMinutes[`${r.id}/${door.id}`] ?? 0),
      String(bScore.outageMinutes[`${r.id}/${door.id}`] ?? 0),
    ]).filter((row) => row[1] !== '0' || row[2] !== '0'),
    ['Peak amplification', `${a.peakAmplification.toFixed(1)}×`, `${bScore.peakAmplification.toFixed(1)}×`],
    ['Wasted work', formatRate(a.wasted), formatRate(bScore.wasted)],
    ['Bystander calls failed', formatRate(a.bystanderFailures), formatRate(bScore.bystanderFailures)],
    ...model.regions.map((r, k): [string, string, string] => [
      `Backlog at ${door.label} drained, ${r.label}`,
      at(backlogDrainedAt(history!, k * S + j)),
      at(backlogDrainedAt(comparison!.history, k * S + j)),
    ]).filter((row) => row[1] !== '—' || row[2] !== '—'),
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
let lastScoreA: Frame['score'];
let lastScoreB: Frame['score'];

const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

/** Particles move only while the run plays, and never for people who asked for less motion. */
function moving(): boolean {
  return store.getState().playing && !reducedMotion.matches;
}

function frameLoop(now: number): void {
  const s = store.getState();
  const wallS = lastWall ? Math.min(0.1, (now - lastWall) / 1000) : 0;
  lastWall = now;
  if (client.busy && client.waitingSince > 0 && now - client.waitingSince > HEARTBEAT_MS) recover('stopped answering');
  if (s.playing && onScreen() && !client.busy && !(comparison?.busy ?? false) && s.model) {
    client.send({ type: 'advance', simS: s.speed * wallS });
    comparison?.advance(s.speed * wallS);
  }
  if (dirty) draw();
  if (moving()) views?.particles.paint(now, true);
  requestAnimationFrame(frameLoop);
}

function wireControls(): void {
  const play = $<HTMLButtonElement>('play');
  play.addEventListener('click', () => store.setState({ playing: !store.getState().playing }));
  $('step').addEventListener('click', () => {
    store.setState({ playing: false });
    const simS = store.getState().model?.sampleEveryS ?? 60;
    client.send({ type: 'advance', simS });
    comparison?.advance(simS);
  });
  $('restart').addEventListener('click', () => client.send({ type: 'restart' }));
  const speed = $<HTMLSelectElement>('speed');
  speed.addEventListener('change', () => store.setState({ speed: Number(speed.value) }));
  const picker = $<HTMLSelectElement>('model');
  picker.addEventListener('change', () => {
    store.setState({ playing: false, notice: null });
    seed = undefined;
    chapter = -1;
    highlight = new Set();
    requestedModel = picker.value;
    client.send({ type: 'load', model: picker.value });
  });
  $('copy-link').addEventListener('click', () => copy(currentLink(), 'Link'));
  $('copy-embed').addEventListener('click', () =>
    copy(`<iframe src="${escapeAttr(currentLink('&embed=1'))}" title="Cascade Lab" width="100%" height="720" style="border:0" loading="lazy"></iframe>`, 'Embed code'),
  );
  $('failure-restart').addEventListener('click', () => {
    client.terminate();
    client = createSimClient(receive);
    store.setState({ failure: null });
    lastRecovery = -Infinity;
    requestedModel = modelData;
    client.send({ type: 'load', model: modelData });
  });
  $('hint-close').addEventListener('click', () => ($('hint').hidden = true));
  $('compare-stop').addEventListener('click', stopCompare);
  $('export-csv').addEventListener('click', () => client.send({ type: 'export', format: 'csv' }));
  $('export-json').addEventListener('click', () => client.send({ type: 'export', format: 'json' }));
  $('save-model').addEventListener('click', saveModel);
  $('export-view').addEventListener('click', async () => {
    const { svgs, overlays } = viewPanels();
    download(`${store.getState().modelId}-view.png`, await canvasToBlob(await composeView(svgs, overlays)), 'image/png');
  });
  $('export-gif').addEventListener('click', () => void exportGif(Number($<HTMLSelectElement>('gif-span').value)));
  const file = $<HTMLInputElement>('open-model');
  file.addEventListener('change', () => {
    if (file.files?.[0]) void openModelFile(file.files[0]);
    file.value = '';
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files?.[0];
    if (f) void openModelFile(f);
  });
  const help = $<HTMLDialogElement>('help');
  $('help-open').addEventListener('click', () => help.showModal());
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    const typing = /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) || target.getAttribute('role') === 'slider';
    if (e.key === ' ' && !typing) {
      e.preventDefault();
      store.setState({ playing: !store.getState().playing });
    } else if (e.key === '?' && !help.open) {
      help.showModal();
    } else if ((e.key === 'r' || e.key === 'R') && !typing && !e.ctrlKey && !e.metaKey) {
      client.send({ type: 'restart' });
    } else if ((e.key === 'c' || e.key === 'C') && !typing && !e.ctrlKey && !e.metaKey) {
      const first = store.getState().model?.whatIfs[0];
      if (comparison) stopCompare();
      else if (first) compareWith(`w:${first.id}`);
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && !typing && !e.altKey) {
      const n = store.getState().model?.story.length ?? 0;
      if (n === 0) return;
      e.preventDefault();
      goToChapter(e.key === 'ArrowRight' ? Math.min(n - 1, chapter + 1) : Math.max(0, chapter - 1));
    }
  });
  store.subscribe((s, prev) => {
    if (prev.playing && !s.playing) writeUrl();
    play.textContent = s.playing ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(s.playing));
    if (s.params !== prev.params) views?.controls.update(s.params);
    if (s.region !== prev.region || s.service !== prev.service || s.playing !== prev.playing) dirty = true;
    const notice = $('notice');
    notice.textContent = s.notice ?? '';
    notice.hidden = !s.notice;
    $('failure').hidden = !s.failure;
    $('failure-message').textContent = s.failure ? `The simulation stopped: ${s.failure}` : '';
    picker.value = s.modelId;
  });
}

/** Saves text or a blob as a file, or — where downloads are not allowed — says so (text: ready to copy). */
function download(filename: string, data: string | Blob, type: string): void {
  try {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch {
    if (typeof data === 'string') void copy(data, filename);
    else store.setState({ notice: `${filename} could not be saved here (downloads are not allowed in this frame).` });
  }
}

/** A chart as a standalone SVG or PNG. */
async function exportChart(container: HTMLElement, name: string, kind: 'svg' | 'png'): Promise<void> {
  const svg = container.querySelector('svg')!;
  const markup = standaloneSvg(svg, 2);
  if (kind === 'svg') return download(`${name}.svg`, markup, 'image/svg+xml');
  const vb = svg.viewBox.baseVal;
  download(`${name}.png`, await canvasToBlob(await svgToCanvas(markup, vb.width * 2, vb.height * 2)), 'image/png');
}

function viewPanels(): { svgs: SVGSVGElement[]; overlays: HTMLCanvasElement[] } {
  const svgs = ['#regions svg', '#graph svg'].map((q) => document.querySelector<SVGSVGElement>(q)).filter((x): x is SVGSVGElement => !!x && x.getBoundingClientRect().width > 0);
  const overlays = [...document.querySelectorAll<HTMLCanvasElement>('#graph canvas')];
  return { svgs, overlays };
}

/** Resolves when a frame for simulated time `t` is on screen. */
function frameAt(t: number): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: Event) => {
      if (Math.abs((e as CustomEvent<{ t: number }>).detail.t - t) < 1e-6) {
        document.removeEventListener('lab:frame', on);
        resolve();
      }
    };
    document.addEventListener('lab:frame', on);
  });
}

/** An animated GIF of the regions and the dependency graph from the playhead over `spanS`. */
async function exportGif(spanS: number): Promise<void> {
  const model = store.getState().model;
  if (!model || !latest) return;
  store.setState({ playing: false, notice: 'Making the GIF…' });
  const from = latest.t;
  const to = Math.min(model.durationS, from + spanS);
  const steps = 24;
  const step = Math.max(model.dtS, Math.round((to - from) / steps / model.dtS) * model.dtS);
  const frames: HTMLCanvasElement[] = [];
  for (let k = 0; from + k * step <= to + 1e-9; k++) {
    const t = from + k * step;
    const shown = frameAt(t);
    seekTo(t);
    await shown;
    const { svgs, overlays } = viewPanels();
    frames.push(await composeView(svgs, overlays, 1));
  }
  download(`${model.id}-${formatTime(from, model.clockStart).replace(/\W/g, '')}.gif`, encodeGif(frames, 250), 'image/gif');
  store.setState({ notice: `GIF made: ${frames.length} frames from ${formatTime(from, model.clockStart)} to ${formatTime(Math.min(to, from + (frames.length - 1) * step), model.clockStart)}.` });
}

/** Largest model file the lab opens, and its deepest nesting (a model needs about six levels). */
const MAX_MODEL_BYTES = 1 << 20;
const MAX_MODEL_DEPTH = 32;

/** Deepest nesting of brackets in JSON text, outside strings: checked before parsing anything. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** Opens a model file: size, JSON and schema are checked; on any error the current lab stays. */
async function openModelFile(file: File): Promise<void> {
  if (file.size > MAX_MODEL_BYTES) {
    store.setState({ notice: `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; model files can be at most 1 MB. Nothing was changed.` });
    return;
  }
  const text = await file.text();
  let data: unknown;
  try {
    if (nestingDepth(text) > MAX_MODEL_DEPTH) throw new Error(`it is nested more than ${MAX_MODEL_DEPTH} levels deep`);
    data = JSON.parse(text);
  } catch (e) {
    store.setState({ notice: `${file.name} is not a model file: ${(e as Error).message}. Nothing was changed.` });
    return;
  }
  store.setState({ playing: false, notice: null });
  seed = undefined;
  try {
    requestedModel = data as object;
    client.send({ type: 'load', model: data as object });
  } catch (e) {
    store.setState({ notice: `${file.name} could not be opened: ${(e as Error).message}. Nothing was changed.` });
  }
}

/** The current setup as a model file: the model with today's settings as its defaults. */
function saveModel(): void {
  const s = store.getState();
  const data = BUILTIN_MODELS[s.modelId] as { defaults?: Record<string, unknown> } | undefined;
  if (!data) {
    store.setState({ notice: 'Only the built-in models can be saved from here.' });
    return;
  }
  const defaults = { ...(data.defaults ?? {}) };
  for (const def of catalog.paramsOf(s.modelId)) if (s.params[def.id] !== def.default) defaults[def.id] = s.params[def.id];
  download(`${s.modelId}-setup.json`, JSON.stringify({ ...data, defaults }, null, 1), 'application/json');
}

/** Copies text, or — where the clipboard is not allowed — shows it ready to copy by hand. */
async function copy(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    store.setState({ notice: `${what} copied.` });
  } catch {
    const box = $<HTMLInputElement>('copy-box');
    box.value = text;
    box.hidden = false;
    box.select();
    store.setState({ notice: `${what}: copy it from the box below.` });
  }
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

const onScreen = watchEmbedding(link.page, () => currentLink());
document.documentElement.classList.toggle('present', link.page.present);
wireControls();
client.send({
  type: 'load',
  model: link.state.model,
  seed,
  params: link.state.params,
  changes: link.state.changes?.map((c) => ('action' in c ? { t: c.t, action: opToAction(c.action) as unknown as Action } : c)),
});
requestAnimationFrame(frameLoop);
