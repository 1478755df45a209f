/**
 * Files and pictures: saving and copying (with a way out where a frame allows neither), opening and
 * saving model files, and the charts, the view and a GIF of it as images.
 */
import { BUILTIN_MODELS } from '../../models/index.ts';
import { loadModel, MAX_MODEL_DEPTH, overBudget, shown } from '../engine/load-model.ts';
import { decodeModelText } from '../engine/model-text.ts';
import { nestingDepth } from './json-depth.ts';
import { canvasToBlob, composeView, encodeGif, standaloneChart, svgToCanvas, type ViewCaption } from '../view/export.ts';
import { SERIES_COLOR, stateLegend } from '../view/palette.ts';
import { formatTime } from '../view/format.ts';
import { $, type Lab } from './lab.ts';
import type { LabStore } from './store.ts';

/** Saves text or a blob as a file, or — where downloads are not allowed — says so (text: ready to copy). */
export function download(store: LabStore, filename: string, data: string | Blob, type: string): void {
  try {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch {
    if (typeof data === 'string') void copy(store, data, filename);
    else store.getState().say(`${filename} could not be saved here (downloads are not allowed in this frame).`);
  }
}

/** Copies text, or — where the clipboard is not allowed — shows it ready to copy by hand. */
export async function copy(store: LabStore, text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    store.getState().say(`${what} copied.`);
  } catch {
    const box = $<HTMLInputElement>('copy-box');
    box.value = text;
    box.hidden = false;
    box.select();
    store.getState().say(`${what}: copy it from the box below.`);
  }
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** A chart as a standalone SVG or PNG: title, plot, units, the time axis named, the legend. */
export async function exportChart(store: LabStore, container: HTMLElement, name: string, kind: 'svg' | 'png', clockStart: string | null = null): Promise<void> {
  const fig = container.querySelector<HTMLElement>('figure.chart')!;
  const axis = clockStart ? `Time (UTC), from ${clockStart.slice(0, 16).replace('T', ' ')}` : 'Time from the start';
  const { markup, width, height } = standaloneChart(fig, axis);
  if (kind === 'svg') return download(store, `${name}.svg`, markup, 'image/svg+xml');
  download(store, `${name}.png`, await canvasToBlob(await svgToCanvas(markup, width * 2, height * 2)), 'image/png');
}

function viewPanels(): { svgs: SVGSVGElement[]; overlays: HTMLCanvasElement[]; underlays: HTMLCanvasElement[] } {
  const svgs = ['#regions svg', '#graph svg'].map((q) => document.querySelector<SVGSVGElement>(q)).filter((x): x is SVGSVGElement => !!x && x.getBoundingClientRect().width > 0);
  const overlays = [...document.querySelectorAll<HTMLCanvasElement>('#graph canvas')];
  const underlays = [...document.querySelectorAll<HTMLCanvasElement>('#regions canvas.map-land')];
  return { svgs, overlays, underlays };
}

/** The picture's title, clock and legend: what the screen shows around the map and the graph. */
function viewCaption(lab: Lab): ViewCaption {
  const model = lab.store.getState().model;
  const chapter = document.querySelector('.chapter-title:not([hidden])')?.textContent ?? '';
  const t = lab.run.latest?.t ?? 0;
  return {
    title: [model?.title ?? '', chapter].filter(Boolean).join(' — '),
    clock: model ? formatTime(t, model.clockStart) : '',
    legend: [...stateLegend().map(({ state, color }) => ({ color, label: state })), { color: SERIES_COLOR.offered, label: 'retries / failed calls sent to the paired region' }],
  };
}

/** The regions and the dependency graph as they are now, as a PNG: land, title, clock and legend included. */
export async function exportView(lab: Lab): Promise<void> {
  const { store } = lab;
  const { svgs, overlays, underlays } = viewPanels();
  download(store, `${store.getState().modelId}-view.png`, await canvasToBlob(await composeView(svgs, overlays, 1.5, underlays, viewCaption(lab))), 'image/png');
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
export async function exportGif(lab: Lab, spanS: number): Promise<void> {
  const { store } = lab;
  const model = store.getState().model;
  const latest = lab.run.latest;
  if (!model || !latest) return;
  store.getState().pause();
  store.getState().say('Making the GIF…');
  const from = latest.t;
  const to = Math.min(model.durationS, from + spanS);
  const steps = 24;
  const step = Math.max(model.dtS, Math.round((to - from) / steps / model.dtS) * model.dtS);
  const frames: HTMLCanvasElement[] = [];
  for (let k = 0; from + k * step <= to + 1e-9; k++) {
    const t = from + k * step;
    const shown = frameAt(t);
    store.getState().seek(t);
    await shown;
    const { svgs, overlays, underlays } = viewPanels();
    frames.push(await composeView(svgs, overlays, 1, underlays, viewCaption(lab)));
  }
  // Back to where the run was: making the GIF does not move it.
  const back = frameAt(from);
  store.getState().seek(from);
  await back;
  download(store, `${model.id}-${formatTime(from, model.clockStart).replace(/\W/g, '')}.gif`, encodeGif(frames, 250), 'image/gif');
  store.getState().say(`GIF made: ${frames.length} frames from ${formatTime(from, model.clockStart)} to ${formatTime(Math.min(to, from + (frames.length - 1) * step), model.clockStart)}.`);
}

/** Largest model file the lab opens. Its nesting is checked in the text before it is parsed, against loadModel's limit. */
const MAX_MODEL_BYTES = 1 << 20;

/** Opens a model file: size, JSON and schema are checked; on any error the current lab stays. */
export async function openModelFile(lab: Lab, file: File): Promise<void> {
  const { store } = lab;
  if (file.size > MAX_MODEL_BYTES) {
    store.getState().say(`${shown(file.name)} is ${(file.size / 1048576).toFixed(1)} MB; model files can be at most 1 MB. Nothing was changed.`);
    return;
  }
  const decoded = decodeModelText(new Uint8Array(await file.arrayBuffer()));
  let data: unknown;
  try {
    if (!decoded.ok) throw new Error(decoded.error);
    const text = decoded.text;
    if (nestingDepth(text) > MAX_MODEL_DEPTH) throw new Error(`it is nested more than ${MAX_MODEL_DEPTH} levels deep`);
    data = JSON.parse(text);
  } catch (e) {
    store.getState().say(`${shown(file.name)} is not a model file: ${shown((e as Error).message)}. Nothing was changed.`);
    return;
  }
  // Checked here too, before anything is sent: a model that is invalid or too big to run changes nothing.
  const loaded = loadModel(data);
  const problems = loaded.ok ? overBudget(loaded.value.model) : loaded.errors;
  if (problems.length) {
    const what = loaded.ok ? 'the model is too big to run here' : 'the model is invalid';
    store.getState().say(`${shown(file.name)}: ${what}: ${problems.slice(0, 3).join('; ')}. Nothing was changed.`);
    return;
  }
  // Until the simulation accepts the model, the run, its seed and the story stay as they are.
  store.getState().openFile(shown(file.name), data as object);
}

/** The current setup as a model file: the model on screen (built in or opened from a file) with today's settings as its defaults. */
export function saveModel(lab: Lab): void {
  const s = lab.store.getState();
  const source = lab.run.modelData;
  const data = (typeof source === 'string' ? (Object.hasOwn(BUILTIN_MODELS, source) ? BUILTIN_MODELS[source] : undefined) : source) as { id?: string; defaults?: Record<string, unknown> } | undefined;
  if (!data || !s.model) {
    lab.store.getState().say('There is no model to save yet.');
    return;
  }
  const defaults = { ...(data.defaults ?? {}) };
  for (const def of s.model.params) if (s.params[def.id] !== undefined && s.params[def.id] !== def.default) defaults[def.id] = s.params[def.id];
  download(lab.store, `${s.model.id}-setup.json`, JSON.stringify({ ...data, defaults }, null, 1), 'application/json');
}
