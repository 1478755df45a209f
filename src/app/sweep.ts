/**
 * "Map the space": a drawer that sweeps two parameters of the loaded model over a pool of workers
 * and draws the phase diagram as runs finish (coarse to fine), with a progress bar and Stop.
 * Hovering or focusing a point shows its figures; clicking it, or Enter on it, loads its run
 * (first seed) in the main view. The keyboard moves over the points as over a data grid.
 * The sweep travels in the link (`sweep=`), and exports as CSV (as `npm run sweep` prints it),
 * SVG and PNG. The page's only hooks: one call in the composition root, one key in the link.
 */
import {
  runCount, cellParams, parseAxis, SWEEP_METRICS, sweepCommand, sweepCsv, type Axis, type CellResult, type SweepMetric, type SweepSpec,
} from '../engine/sweep.ts';
import { defaultValues, mustLoadModel, type LoadedModel } from '../engine/load-model.ts';
import { focusService } from '../engine/score.ts';
import type { ParamValue } from '../params/registry.ts';
import { canvasToBlob, svgToCanvas } from '../view/export.ts';
import {
  cellPixels, cellsMarkup, coarseToFine, frameKey, LARGE_MAP, METRIC_LABEL, metricLabel, PHASE_SIZE, phaseFills, phaseSvg, pointAtPlot, progressText,
  singleServiceTheory, type PhaseAxis, type PhaseInput,
} from '../view/phase.ts';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { download } from './files.ts';
import type { Lab } from './lab.ts';
import { runSweepInPage, type SweepRun } from './sweep-pool.ts';
import { SWEEP_PRESETS, suggestValues } from './sweep-presets.ts';
import { describePoint, pointName, pointValues } from '../view/phase-tip.ts';
import { overPlot, pointGrid, type FocusedPoint, type Point } from './sweep-grid.ts';
import { decodeSweepKey, encodeSweepKey, linkMapWaits, type SweepKey } from './sweep-link.ts';
import './sweep.css';

const MAX_SEEDS = 10;
const DRAW_EVERY_MS = 200;

interface Sweep {
  key: SweepKey;
  loaded: LoadedModel;
  spec: SweepSpec;
  results: (CellResult | undefined)[];
  run: SweepRun | null;
  startedAt: number;
  endedAt: number | null;
  stopped: boolean;
  error: string | null;
  /** Said under the map: what of the run the map leaves out. */
  note: string;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...kids);
  return el;
}

export function wireSweep(lab: Lab, fromLink?: string): void {
  const open = h('button', { type: 'button', id: 'sweep-open', textContent: 'Map the space', title: 'Sweep two settings over many runs and see where the system recovers' });
  const help = document.getElementById('help-open');
  if (help?.parentElement) help.parentElement.insertBefore(open, help);
  else (document.querySelector('header') ?? document.body).append(open);

  const preset = h('select', { id: 'sweep-preset' });
  const xParam = h('select', { id: 'sweep-x' });
  const xValues = h('input', { id: 'sweep-x-values', type: 'text', spellcheck: false, ariaLabel: 'Across (x) values' });
  const yParam = h('select', { id: 'sweep-y' });
  const yValues = h('input', { id: 'sweep-y-values', type: 'text', spellcheck: false, ariaLabel: 'Up (y) values' });
  const metric = h('select', { id: 'sweep-metric' });
  SWEEP_METRICS.forEach((m) => metric.append(h('option', { value: m, textContent: METRIC_LABEL[m] })));
  const seeds = h('input', { id: 'sweep-seeds', type: 'number', min: '1', max: String(MAX_SEEDS), value: '1' });
  const run = h('button', { type: 'button', id: 'sweep-run', textContent: 'Run' });
  const stop = h('button', { type: 'button', id: 'sweep-stop', textContent: 'Stop', disabled: true });
  const progress = h('progress', { id: 'sweep-progress', max: 1, value: 0 });
  const status = h('p', { id: 'sweep-status', className: 'sweep-status' });
  status.setAttribute('role', 'status');
  const map = h('div', { id: 'sweep-map', className: 'sweep-map' });
  // A large map's points are pixels of a canvas under the picture; a small one's are the picture's own.
  const cellsCanvas = h('canvas', { className: 'sweep-cells', hidden: true });
  const picture = h('div', { className: 'sweep-picture' });
  // The point whose run is open in the lab, outlined over the picture.
  const openedLayer = h('div', { className: 'sweep-opened-layer' });
  const openedMark = h('div', { className: 'sweep-opened', hidden: true });
  openedLayer.append(openedMark);
  map.append(cellsCanvas, picture, openedLayer);
  overPlot(cellsCanvas);
  overPlot(openedLayer);
  const openedText = h('p', { className: 'sweep-opened-text', hidden: true });
  openedText.setAttribute('role', 'status');
  const tip = h('div', { id: 'sweep-tip', className: 'sweep-tip', hidden: true });
  tip.setAttribute('role', 'tooltip');
  const grid = pointGrid(tip.id, { focus: tipAtFocus, blur: hideTip, open: openPoint });
  const command = h('code', { id: 'sweep-command' });
  const csv = h('button', { type: 'button', id: 'sweep-csv', textContent: 'CSV', disabled: true, title: 'Every run, as npm run sweep prints it' });
  const svg = h('button', { type: 'button', id: 'sweep-svg', textContent: 'SVG', disabled: true });
  const png = h('button', { type: 'button', id: 'sweep-png', textContent: 'PNG', disabled: true });
  const close = h('button', { type: 'button', className: 'sweep-close', textContent: '×', ariaLabel: 'Close the map' });
  const label = (text: string, el: HTMLElement) => h('label', {}, text, ' ', el);
  const panel = h(
    'section',
    { id: 'sweep-panel', className: 'sweep-panel', hidden: true, ariaLabel: 'Map the space' },
    h('div', { className: 'sweep-head' }, h('h2', { textContent: 'Map the space' }), close),
    h('p', { className: 'desc', textContent: 'Many whole runs, one per point: where does the judged service stay healthy, recover, or stay stuck? The runs start from this run’s settings.' }),
    h('div', { className: 'sweep-form' },
      label('Preset', preset),
      h('span', { className: 'sweep-axis' }, label('Across (x)', xParam), xValues),
      h('span', { className: 'sweep-axis' }, label('Up (y)', yParam), yValues),
      label('Colour by', metric),
      label('Seeds', seeds),
      run, stop,
    ),
    h('div', { className: 'sweep-progress' }, progress, status),
    openedText,
    h('div', { className: 'sweep-plot' }, map, grid.element),
    tip,
    h('div', { className: 'sweep-foot' }, h('span', {}, 'Download ', csv, ' ', svg, ' ', png), h('span', { className: 'sweep-same' }, 'Same as: ', command)),
  );
  document.body.append(panel);

  let current: Sweep | null = null;
  let pendingKey: SweepKey | null = null;
  let drawQueued = false;
  /** The model whose map the drawer shows — running, done, waiting for Run or refused — if any. */
  let mapOf: string | null = null;
  /** The frame the picture shows now (see frameKey). */
  let drawnKey = '';
  let modelFor = '';
  /** The point the tooltip shows, kept while the map fills in so its figures follow. */
  let tipPoint: Point | null = null;
  /** The point whose run is open in the lab, if any. */
  let opened: Point | null = null;

  /** Shows a point's figures just below and right of a place in the window, inside the drawer. */
  function showTip(p: Point, clientX: number, clientY: number) {
    if (!current) return;
    tipPoint = p;
    tip.hidden = false;
    tip.replaceChildren(...describePoint(current.spec, current.results, p, !!current.loaded.model.clock));
    const box = panel.getBoundingClientRect();
    tip.style.left = `${Math.min(clientX - box.left + 14, box.width - 260)}px`;
    tip.style.top = `${clientY - box.top + panel.scrollTop + 14}px`;
  }
  function hideTip() {
    tipPoint = null;
    tip.hidden = true;
  }
  /** The focused point's figures beside its cell, where the pointer's would be. */
  function tipAtFocus({ point, cell }: FocusedPoint) {
    const r = cell.getBoundingClientRect();
    showTip(point, r.right, r.bottom);
  }
  /** When the pointer leaves the picture, the tooltip goes back to the focused point, if any. */
  function tipAtFocusOrHide() {
    const at = grid.focused();
    if (at) tipAtFocus(at);
    else hideTip();
  }

  /** Loads a point's run (its first seed) in the main view, as the lab loads any run. */
  function openPoint([xi, yi]: Point) {
    if (!current) return;
    const { spec } = current;
    const { params, seed } = cellParams(spec, (yi * spec.x.values.length + xi) * spec.seeds);
    const changes = spec.changes.map((c) => ({ t: c.atS, id: c.id, value: c.value }));
    // The model's own seed stays unnamed in the link.
    const own = lab.store.getState().seed ?? current.loaded.model.seed;
    // The point's run opens at the moment the lab was showing, beside a narrower drawer, the point outlined.
    lab.store.getState().openRun({ seed: seed === own ? lab.store.getState().seed : seed, params: params as Record<string, ParamValue>, changes });
    markOpened([xi, yi]);
    panel.classList.add('beside');
  }

  function markOpened(p: Point | null) {
    opened = p;
    openedMark.hidden = openedText.hidden = !p || !current;
    if (!p || !current) return;
    const [nx, ny] = [current.spec.x.values.length, current.spec.y ? current.spec.y.values.length : 1];
    Object.assign(openedMark.style, { left: `${(p[0] / nx) * 100}%`, width: `${100 / nx}%`, bottom: `${(p[1] / ny) * 100}%`, height: `${100 / ny}%` });
    openedText.textContent = `Open in the lab: ${pointValues(current.spec, p)}.`;
  }

  // The run's model, checked once per model: checking the incident takes tens of milliseconds,
  // too long to repeat in the task that starts a map.
  let checked: { data: unknown; loaded: LoadedModel | null } | null = null;
  const loadedNow = (): LoadedModel | null => {
    const data = lab.run.modelData;
    if (checked?.data !== data) {
      let loaded: LoadedModel | null = null;
      try {
        loaded = mustLoadModel(typeof data === 'string' ? BUILTIN_MODELS[data] : data);
      } catch {
        loaded = null;
      }
      checked = { data, loaded };
    }
    return checked.loaded;
  };

  /** Fills the pickers for the loaded model (once per model). */
  const fillPickers = (loaded: LoadedModel) => {
    const id = loaded.model.id;
    if (modelFor === id) return;
    modelFor = id;
    preset.replaceChildren(h('option', { value: '', textContent: 'Choose…' }), ...(SWEEP_PRESETS[id] ?? []).map((p, k) => h('option', { value: String(k), textContent: p.label })));
    const options = (withNone: boolean) => [
      ...(withNone ? [h('option', { value: '', textContent: 'nothing (a line)' })] : []),
      ...loaded.params.map((p) => h('option', { value: p.id, textContent: `${p.label} · ${p.id}` })),
    ];
    xParam.replaceChildren(...options(false));
    yParam.replaceChildren(...options(true));
    const first = SWEEP_PRESETS[id]?.[0];
    if (first) {
      applyAxes(first.x, first.y);
      metric.value = first.metric;
    } else {
      xParam.value = loaded.params[0].id;
      xValues.value = suggestValues(loaded.params[0]);
      yParam.value = '';
      yValues.value = '';
    }
  };
  const applyAxes = (x: string, y: string | null) => {
    const [xi, xv] = [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)];
    xParam.value = xi;
    xValues.value = xv;
    if (y) {
      yParam.value = y.slice(0, y.indexOf('='));
      yValues.value = y.slice(y.indexOf('=') + 1);
    } else {
      yParam.value = '';
      yValues.value = '';
    }
  };
  preset.addEventListener('change', () => {
    const p = SWEEP_PRESETS[modelFor]?.[Number(preset.value)];
    if (!p) return;
    applyAxes(p.x, p.y);
    metric.value = p.metric;
  });
  const suggest = (select: HTMLSelectElement, input: HTMLInputElement) => () => {
    const def = loadedNow()?.params.find((p) => p.id === select.value);
    input.value = def ? suggestValues(def) : '';
    preset.value = '';
  };
  xParam.addEventListener('change', suggest(xParam, xValues));
  yParam.addEventListener('change', suggest(yParam, yValues));
  metric.addEventListener('change', () => {
    if (current) {
      current.key = { ...current.key, metric: metric.value as SweepMetric };
      lab.store.getState().showSweep(encodeSweepKey(current.key));
    }
    redraw();
  });

  const phaseAxis = (loaded: LoadedModel, a: Axis): PhaseAxis => {
    const def = loaded.params.find((p) => p.id === a.id)!;
    return { id: a.id, label: def.label, unit: def.unit, values: a.values };
  };
  const inputOf = (s: Sweep): PhaseInput => {
    const x = phaseAxis(s.loaded, s.spec.x);
    const y = s.spec.y ? phaseAxis(s.loaded, s.spec.y) : null;
    const values = { ...defaultValues(s.loaded.params), ...(s.spec.params as Record<string, ParamValue>) };
    return {
      title: `${s.loaded.model.title}: ${s.spec.service}`,
      x, y, seeds: s.spec.seeds, metric: s.key.metric, results: s.results,
      theory: singleServiceTheory(s.loaded.model.id, x, y, values),
      clocked: !!s.loaded.model.clock,
    };
  };
  /** The picture for a download: every point drawn in it. */
  const svgOf = (s: Sweep) => phaseSvg(inputOf(s));
  const redraw = () => {
    drawQueued = false;
    if (!current) return;
    const { spec } = current;
    const input = inputOf(current);
    for (const o of metric.options) o.textContent = metricLabel(o.value as SweepMetric, input.clocked);
    const fills = phaseFills(input);
    const [nx, ny] = [spec.x.values.length, spec.y ? spec.y.values.length : 1];
    const large = nx * ny > LARGE_MAP;
    // While the frame (axes, legend, lines) is the same, only the points and the progress change.
    const key = frameKey(input, fills);
    const drawn = picture.firstElementChild;
    if (drawn && drawnKey === key) {
      drawn.querySelector('g.cells')!.innerHTML = large ? '' : cellsMarkup(input, fills);
      drawn.querySelector('text.progress')!.textContent = progressText(fills);
    } else {
      picture.innerHTML = phaseSvg(input, !large, fills);
      drawnKey = key;
    }
    cellsCanvas.hidden = !large;
    if (large) {
      if (cellsCanvas.width !== nx || cellsCanvas.height !== ny) [cellsCanvas.width, cellsCanvas.height] = [nx, ny];
      cellsCanvas.getContext('2d')!.putImageData(new ImageData(cellPixels(nx, ny, fills.fill, fills.faded), nx, ny), 0, 0);
    }
    const { results } = current;
    grid.settle(fills.cells, (p, rows) => pointName(spec, p, rows));
    if (tipPoint) tip.replaceChildren(...describePoint(spec, results, tipPoint, !!current?.loaded.model.clock));
    const n = current.results.length;
    const done = current.results.filter(Boolean).length;
    progress.max = n;
    progress.value = done;
    const secs = (((current.endedAt ?? performance.now()) - current.startedAt) / 1000).toFixed(1);
    const where = current.run ? ` on ${current.run.size} ${current.run.where === 'workers' ? `worker${current.run.size > 1 ? 's' : ''}` : 'main thread'}` : '';
    status.textContent = current.error
      ? `A run failed: ${current.error}`
      : `${done} of ${n} runs in ${secs} s${where}${current.stopped ? ' (stopped)' : done === n ? '' : '…'}${current.note}`;
    const complete = done === n;
    csv.disabled = !complete;
    svg.disabled = png.disabled = done === 0;
    run.disabled = !!current.run && !complete && !current.stopped;
    stop.disabled = !run.disabled;
  };
  // At most five redraws a second, and never more than a tenth of the main thread's time: the
  // whole map is redrawn (a finished coarse point changes the faded points around it), and the
  // lab behind it keeps its frames.
  let lastDraw = 0;
  let drawCost = 0;
  const queueDraw = () => {
    if (drawQueued) return;
    drawQueued = true;
    setTimeout(() => requestAnimationFrame(() => {
      lastDraw = performance.now();
      redraw();
      drawCost = performance.now() - lastDraw;
    }), Math.max(0, lastDraw + Math.max(DRAW_EVERY_MS, 10 * drawCost) - performance.now()));
  };

  const readForm = (): SweepKey => ({
    x: `${xParam.value}=${xValues.value.trim()}`,
    y: yParam.value ? `${yParam.value}=${yValues.value.trim()}` : null,
    metric: metric.value as SweepMetric,
    seeds: Math.max(1, Math.min(MAX_SEEDS, Math.round(Number(seeds.value) || 1))),
  });

  /**
   * Starts the sweep the key describes, from the current run's settings. A map from a link that
   * would take a great many runs waits for the reader to press Run.
   */
  const start = (key: SweepKey, fromLink = false) => {
    const loaded = loadedNow();
    if (!loaded) return;
    // Another map: no point of it is open yet, and it has the drawer's full width again.
    if (opened) markOpened(null);
    panel.classList.remove('beside');
    fillPickers(loaded);
    mapOf = loaded.model.id;
    const x = parseAxis(loaded.params, key.x, 'Across');
    const y = key.y ? parseAxis(loaded.params, key.y, 'Up') : null;
    const error = !x.ok ? x.error : y && !y.ok ? y.error : y?.ok && x.ok && y.axis.id === x.axis.id ? 'choose two different settings' : null;
    // What the form shows is what was asked for, the link's map included, so it can be mended.
    const showAsked = () => {
      if (loaded.params.some((p) => p.id === key.x.slice(0, key.x.indexOf('=')))) applyAxes(key.x, key.y && loaded.params.some((p) => p.id === key.y!.slice(0, key.y!.indexOf('='))) ? key.y : null);
      metric.value = key.metric;
      seeds.value = String(key.seeds);
      preset.value = '';
    };
    if (error || !x.ok || (y && !y.ok)) {
      showAsked();
      status.textContent = `Cannot map this: ${error}`;
      return;
    }
    const runs = x.axis.values.length * (y && y.ok ? y.axis.values.length : 1) * key.seeds;
    const waits = fromLink ? linkMapWaits(runs, loaded.model) : null;
    if (waits) {
      showAsked();
      // The map stays in the link while it waits for Run.
      lab.store.getState().showSweep(encodeSweepKey(key));
      status.textContent = waits;
      return;
    }
    current?.run?.stop();
    const recipe = lab.run.recipe;
    const defaults = defaultValues(loaded.params);
    const params: Record<string, ParamValue> = {};
    for (const [id, v] of Object.entries(recipe?.params ?? lab.store.getState().params)) {
      if (id !== key.x.split('=')[0] && (!key.y || id !== key.y.split('=')[0]) && defaults[id] !== v) params[id] = v as ParamValue;
    }
    const changes = (recipe?.changes ?? []).flatMap((c) => ('id' in c ? [{ atS: c.t, id: c.id, value: c.value }] : []));
    const m = loaded.model;
    const spec: SweepSpec = {
      x: x.axis, y: y && y.ok ? y.axis : null, seed: recipe?.seed ?? lab.store.getState().seed ?? m.seed, seeds: key.seeds, params, changes,
      service: `${m.focus?.region ?? m.regions[0].id}/${m.services[focusService({ model: m })].id}`,
    };
    xParam.value = spec.x.id;
    xValues.value = spec.x.text.slice(spec.x.id.length + 1);
    yParam.value = spec.y?.id ?? '';
    yValues.value = spec.y ? spec.y.text.slice(spec.y.id.length + 1) : '';
    metric.value = key.metric;
    seeds.value = String(key.seeds);
    const s: Sweep = { key, loaded, spec, results: new Array(runCount(spec)), run: null, startedAt: performance.now(), endedAt: null, stopped: false, error: null,
      note: recipe?.changes.some((c) => 'action' in c) ? ' Operator actions of this run are not part of the map.' : '' };
    current = s;
    command.textContent = sweepCommand(typeof lab.run.modelData === 'string' ? lab.run.modelData : 'model.json', spec, m.seed, spec.service);
    lab.store.getState().showSweep(encodeSweepKey(key));
    const order = coarseToFine(spec.x.values.length, spec.y ? spec.y.values.length : 1, spec.seeds);
    hideTip();
    grid.reset(
      `Points of the map: ${spec.x.id} across${spec.y ? `, ${spec.y.id} up` : ''}`,
      spec.x.values.length, spec.y ? spec.y.values.length : 1, (p) => pointName(spec, p, null),
    );
    s.run = runSweepInPage(lab.run.modelData, spec, order, {
      cell(index, row) {
        s.results[index] = row;
        if (current === s) queueDraw();
      },
      end(err) {
        s.endedAt = performance.now();
        s.error = err ?? null;
        if (current === s) queueDraw();
        if (err && current === s) lab.store.getState().say(`Map the space: ${err}.`);
      },
      notice(text) {
        if (current === s) lab.store.getState().say(text);
      },
    });
    redraw();
  };

  run.addEventListener('click', () => start(readForm()));
  stop.addEventListener('click', () => {
    if (!current?.run) return;
    current.run.stop();
    current.stopped = true;
    current.endedAt = performance.now();
    redraw();
  });

  // Hover or focus: a point's figures; click or Enter: its run (first seed) in the main view, and in the link.
  // By place, not by element: a large map draws many points as one rectangle.
  const pointAt = (e: MouseEvent): Point | null => {
    const svg = picture.querySelector('svg');
    if (!current || !svg) return null;
    const box = svg.getBoundingClientRect();
    const { spec } = current;
    return pointAtPlot(
      ((e.clientX - box.left) / box.width) * PHASE_SIZE.width, ((e.clientY - box.top) / box.height) * PHASE_SIZE.height,
      spec.x.values.length, spec.y ? spec.y.values.length : 1,
    );
  };
  map.addEventListener('mousemove', (e) => {
    const p = current && pointAt(e);
    if (p) showTip(p, e.clientX, e.clientY);
    else tipAtFocusOrHide();
  });
  map.addEventListener('mouseleave', tipAtFocusOrHide);
  map.addEventListener('click', (e) => {
    const p = current && pointAt(e);
    if (p) openPoint(p);
  });

  const fileName = () => (current ? `sweep-${current.loaded.model.id}-${current.spec.x.id}${current.spec.y ? `-${current.spec.y.id}` : ''}` : 'sweep');
  csv.addEventListener('click', () => current && download(lab.store, `${fileName()}.csv`, sweepCsv(current.results as CellResult[]), 'text/csv'));
  svg.addEventListener('click', () => current && download(lab.store, `${fileName()}.svg`, svgOf(current), 'image/svg+xml'));
  png.addEventListener('click', async () => {
    if (!current) return;
    const canvas = await svgToCanvas(svgOf(current), PHASE_SIZE.width * 2, PHASE_SIZE.height * 2);
    download(lab.store, `${fileName()}.png`, await canvasToBlob(canvas), 'image/png');
  });

  /**
   * In an embed the drawer opens below the page's bar, so Play and "Open the full lab" stay in
   * reach in a frame the drawer would otherwise fill.
   */
  const place = () => {
    const bar = document.documentElement.classList.contains('embed') ? document.querySelector('header') : null;
    panel.style.top = bar ? `${Math.max(0, Math.round(bar.getBoundingClientRect().bottom))}px` : '';
  };
  window.addEventListener('resize', () => panel.hidden || place());
  const show = (on: boolean) => {
    panel.hidden = !on;
    if (on) place();
    open.setAttribute('aria-expanded', String(on));
    if (on) {
      const loaded = loadedNow();
      if (loaded) fillPickers(loaded);
      lab.store.getState().showSweep(current ? encodeSweepKey(current.key) : undefined);
    } else lab.store.getState().showSweep(undefined);
  };
  open.addEventListener('click', () => show(panel.hidden));
  // Closing gives focus back to the button that opened the map, not to the page.
  const closeAndReturn = () => {
    show(false);
    open.focus();
  };
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeAndReturn();
  });
  close.addEventListener('click', closeAndReturn);

  // A sweep in the link opens the drawer and runs once the model has loaded.
  // The link's reader (url.ts) has already refused, with a notice, a map it cannot read.
  if (fromLink) pendingKey = decodeSweepKey(fromLink);
  lab.store.subscribe((s, prev) => {
    if (s.model === prev.model || !s.model) return;
    if (pendingKey) {
      const key = pendingKey;
      pendingKey = null;
      panel.hidden = false;
      place();
      open.setAttribute('aria-expanded', 'true');
      queueMicrotask(() => start(key, true));
    } else if (mapOf !== null && mapOf !== s.model.id) {
      // Another model: the map (running, done, waiting for Run or refused) was of the last one.
      mapOf = null;
      current?.run?.stop();
      current = null;
      picture.replaceChildren();
      cellsCanvas.hidden = true;
      grid.clear();
      hideTip();
      status.textContent = '';
      command.textContent = '';
      lab.store.getState().showSweep(undefined);
      [csv, svg, png].forEach((b) => (b.disabled = true));
      run.disabled = false;
      stop.disabled = true;
      progress.value = 0;
    }
    if (!panel.hidden) {
      const loaded = loadedNow();
      if (loaded) fillPickers(loaded);
    }
  });
}
