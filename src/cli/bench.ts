/**
 * `npm run bench`: how fast the engine is, measured (never asserted by tests).
 *  1. The incident replay: wall time and simulated seconds per wall second (targets ≥ 50 000× and
 *     ≥ 250 000×).
 *  2. Cost against the number of regions (1×, 4×, 16× the incident's regions, every copy living the
 *     same incident): should be linear.
 *  3. Cost against the request rate (1 k vs 1 M req/s): should be flat — the model is fluid.
 *  4. The page in Chromium: time per frame, long tasks, slider-to-visible latency.
 */
import { BUILTIN_MODELS } from '../../models/index.ts';
import { mustLoadModel, type LoadedModel } from '../engine/load-model.ts';
import { Simulation } from '../engine/simulation.ts';
import { atScale, withRegions } from './bench-models.ts';
import { benchBrowser } from './bench-browser.ts';
import { benchSweep } from './bench-sweep.ts';

let lastCalmShare = 0;

/** Wall time of a whole run, as the CLI and the page run it (calm regions a control interval at a time). */
function time(loaded: LoadedModel, durationS?: number): number {
  const sim = new Simulation(loaded, { durationS });
  const t0 = performance.now();
  sim.advance(Infinity);
  const ms = performance.now() - t0;
  lastCalmShare = sim.calmShare;
  return ms;
}

/** The same run with every region stepped every step (what calm intervals save). */
function timeStepwise(loaded: LoadedModel): number {
  const sim = new Simulation(loaded);
  const t0 = performance.now();
  while (!sim.done) sim.step();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const incident = mustLoadModel(BUILTIN_MODELS['azure-2026-02']);
const single = mustLoadModel(BUILTIN_MODELS['single-service']);
const out = (s: string) => process.stdout.write(s + '\n');

out('Cascade Lab engine benchmark');
out(`node ${process.version}, ${process.platform}/${process.arch}\n`);

// The JIT takes a few whole runs to settle (the second and third run are still up to 2× slower
// than the ones after them): those are run but not counted. Warm runs then alternate with the
// same replay stepped every step, so that both see the same machine (identical runs on a shared
// virtual machine differ by up to 2× from one minute to the next).
const WARM_UP = 3;
const WARM = 6;
const runs = [time(incident)];
for (let k = 1; k < WARM_UP; k++) time(incident);
const stepwise: number[] = [];
for (let k = 0; k < WARM; k++) {
  runs.push(time(incident));
  stepwise.push(timeStepwise(incident));
}
const simS = incident.model.durationS;
const warm = median(runs.slice(1));
out('1. Incident replay (azure-2026-02, 13.5 simulated hours, 1 s steps)');
out(`   first run (cold JIT)   ${fmt(runs[0])} ms   ${fmt(simS / (runs[0] / 1000))}× real time`);
out(`   median of ${WARM} warm runs (after ${WARM_UP} to warm up)  ${fmt(warm)} ms   ${fmt(simS / (warm / 1000))}× real time`);
// The targets are speeds, so the time allowed follows the replay's length (48 600 s → 972 ms at 50 000×).
const speed = simS / (warm / 1000);
out(`   region-steps advanced calm ${fmt(100 * lastCalmShare)} %; every region every step (runs in between): median ${fmt(median(stepwise))} ms`);
for (const target of [50_000, 250_000]) {
  const ms = (simS / target) * 1000;
  out(`   target                 ≤ ${fmt(ms)} ms   ≥ ${fmt(target)}× real time: ${speed >= target ? `met, ${fmt(speed / target, 2)}× the target` : 'NOT met'}`);
}
out('');

out('2. Cost against the number of regions (the whole replay, regions copied with their pairs)');
const ticks = incident.model.durationS / incident.model.dtS;
for (const k of [1, 4, 16]) {
  const loaded = withRegions(incident.model, k);
  const R = loaded.model.regions.length;
  const ms = k === 1 ? warm : time(loaded);
  out(`   ${String(k).padStart(2)}× ${String(R).padStart(4)} regions  ${fmt(ms).padStart(7)} ms   ${fmt((ms * 1000) / (R * ticks), 3)} µs per region-step`);
}
out('   linear: the cost per region-step stays about the same\n');

out('3. Cost against the request rate (single-service, one simulated hour at 0.25 s steps, storm included)');
const rates: [string, LoadedModel][] = [
  ['1 k req/s', atScale(single.model, 1)],
  ['1 M req/s', atScale(single.model, 1000)],
];
const timesByRate: number[][] = rates.map(() => []);
for (let rep = 0; rep < 5; rep++) rates.forEach(([, loaded], k) => timesByRate[k].push(time(loaded, 3600)));
const perRate = timesByRate.map((xs) => median(xs.slice(1)));
rates.forEach(([label], k) => out(`   ${label.padEnd(10)} ${fmt(perRate[k], 1).padStart(6)} ms`));
out(`   ratio 1 M / 1 k: ${fmt(perRate[1] / perRate[0], 2)} (flat is 1)`);

out('');
await benchBrowser(out);

out('');
await benchSweep(out);
