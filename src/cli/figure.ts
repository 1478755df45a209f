/**
 * `npm run figure -- [--model ID] [--set ID=VALUE]... [--out FILE]`: an SVG chart of a headless
 * run — for each region with a front door (the protected service), offered load, goodput and
 * capacity over time, with the timeline's events. Drawn with d3-scale and d3-shape, no DOM.
 */
import { parseArgs } from 'node:util';
import { line, scaleLinear, scaleLog } from 'd3';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../models/index.ts';
import { clockAt } from '../engine/clock.ts';
import { mustLoadModel, type LoadedModel } from '../engine/load-model.ts';
import { runScenario } from '../engine/run.ts';
import { echo, joinDashValues, MAX_ARG_CHARS, oneLine, valueError } from './args.ts';
import { checkParam, UsageError } from './model-ref.ts';
import { checkOut, writeOut } from './out-file.ts';

const fail = (message: string): never => {
  process.stderr.write(`figure: ${oneLine(message)}\n`);
  process.exit(2);
};
const OPTIONS = { model: { type: 'string' }, out: { type: 'string' }, set: { type: 'string', multiple: true } } as const;
let values: { model?: string; out?: string; set?: string[] };
try {
  ({ values } = parseArgs({ args: joinDashValues(process.argv.slice(2), OPTIONS), options: OPTIONS }));
} catch (e) {
  const err = e as Error & { code?: string };
  const options = Object.keys(OPTIONS).map((o) => `--${o}`).join(', ');
  values = fail(
    err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
      ? `${err.message.split('.')[0]}; options are ${options}`
      : valueError(err.message),
  );
}
// Every bad input is one line and exit 2, checked before the run: as simulate and sweep answer.
let modelId = '';
let out = '';
let loaded = undefined as unknown as LoadedModel;
const params: Record<string, string> = {};
try {
  for (const [name, value] of Object.entries(values)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one === 'string' && one.length > MAX_ARG_CHARS) throw new UsageError(`--${name}: a value of ${one.length} characters is too long; at most ${MAX_ARG_CHARS}`);
    }
  }
  modelId = values.model ?? DEFAULT_MODEL_ID;
  if (!Object.hasOwn(BUILTIN_MODELS, modelId)) throw new UsageError(`unknown model "${echo(modelId)}"; built-in models are ${Object.keys(BUILTIN_MODELS).join(', ')}`);
  loaded = mustLoadModel(BUILTIN_MODELS[modelId]);
  for (const set of values.set ?? []) {
    const m = /^([^=\s]+)=(.*)$/.exec(set);
    if (!m) throw new UsageError(`--set "${echo(set)}": expected ID=VALUE, e.g. --set retry.attempts=0`);
    checkParam(loaded, m[1], m[2], '--set');
    params[m[1]] = m[2];
  }
  out = checkOut(values.out ?? 'public/replay.svg');
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  fail(e.message);
}
const door = loaded.model.services.find((s) => s.door)!;
const { samples, events, sim } = runScenario(loaded, { params, everyS: Math.max(loaded.model.dtS, loaded.model.durationS / 600) });
const regions = loaded.model.regions.filter((r) =>
  samples.some((rows) => rows.some((x) => x.region === r.id && x.service === door.id && x.state !== 'healthy')),
);
const shown = regions.length > 0 ? regions.slice(0, 2) : loaded.model.regions.slice(0, 1);

const W = 960;
const panelH = 220;
const M = { l: 70, r: 20, t: 40, b: 30 };
const H = M.t + shown.length * (panelH + M.b) + 40;
const x = scaleLinear([0, loaded.model.durationS], [M.l, W - M.r]);
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
const series = [
  { key: 'offered_rps', label: 'offered (tries + retries)', color: '#d55e00' },
  { key: 'capacity_rps', label: 'capacity', color: '#555555' },
  { key: 'goodput_rps', label: 'goodput', color: '#0072b2' },
  { key: 'demand_rps', label: 'new demand', color: '#009e73' },
] as const;

let svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`;
svg += `<rect width="${W}" height="${H}" fill="#fff"/>`;
svg += `<text x="${M.l}" y="22" font-size="15" font-weight="600">${esc(loaded.model.title)} — ${esc(door.label)}${Object.keys(params).length ? ' (' + esc(Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ')) + ')' : ''}</text>`;
shown.forEach((region, p) => {
  const top = M.t + p * (panelH + M.b);
  const rows = samples.map((s) => s.find((r) => r.region === region.id && r.service === door.id)!);
  const max = Math.max(...rows.flatMap((r) => [r.offered_rps, r.capacity_rps, r.demand_rps]), 10);
  const y = scaleLog([1, max * 1.2], [top + panelH, top]).clamp(true);
  svg += `<text x="${M.l}" y="${top - 6}" font-weight="600">${esc(region.label)}</text>`;
  for (const tick of y.ticks(4).filter((v) => Number.isInteger(Math.log10(v)))) {
    svg += `<line x1="${M.l}" x2="${W - M.r}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/><text x="${M.l - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#666">${tick >= 1e6 ? tick / 1e6 + 'M' : tick >= 1000 ? tick / 1000 + 'k' : tick}</text>`;
  }
  rows.forEach((r, k) => {
    if (r.state === 'overloaded' && k > 0) svg += `<rect x="${x(rows[k - 1].t)}" y="${top}" width="${x(r.t) - x(rows[k - 1].t)}" height="${panelH}" fill="#d55e00" opacity="0.08"/>`;
  });
  for (const s of series) {
    const d = line<(typeof rows)[number]>()
      .x((r) => x(r.t))
      .y((r) => y(Math.max(1, r[s.key])))(rows);
    svg += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`;
  }
});
const axisY = M.t + shown.length * (panelH + M.b) - M.b + 16;
const start = loaded.model.clock ? Date.parse(loaded.model.clock.start) / 1000 : 0;
const hour = loaded.model.durationS > 4 * 3600 ? 3600 : 0;
const xTicks = hour ? Array.from({ length: Math.floor(loaded.model.durationS / hour) + 1 }, (_, k) => k * hour + ((hour - (start % hour)) % hour)).filter((t) => t <= loaded.model.durationS) : x.ticks(10);
for (const t of xTicks) svg += `<text x="${x(t)}" y="${axisY}" text-anchor="middle" fill="#666">${esc(loaded.model.clock ? clockAt(loaded.model, t).slice(11, 16) : t + ' s')}</text>`;
series.forEach((s, k) => {
  svg += `<rect x="${M.l + k * 190}" y="${H - 18}" width="14" height="4" fill="${s.color}"/><text x="${M.l + k * 190 + 20}" y="${H - 12}">${esc(s.label)}</text>`;
});
for (const e of events.filter((e) => e.origin === 'model' && e.type !== 'note').slice(0, 40)) {
  const ex = x(e.tick * sim.dtS);
  svg += `<line x1="${ex}" x2="${ex}" y1="${M.t}" y2="${axisY - 14}" stroke="#999" stroke-dasharray="2,3"><title>${esc(e.label)}</title></line>`;
}
svg += '</svg>\n';
try {
  writeOut(out, svg);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  fail(e.message);
}
process.stdout.write(`wrote ${out}\n`);
