/**
 * The sweep part of `npm run bench`: runs per second of `npm run sweep`'s pool in Node, then of
 * the page's pool in Chromium (the built lab, a sweep opened from its link), with the longest
 * main-thread task while the map fills in. SWEEP_FULL=1 also times the 10 × 10 incident map in
 * the page (retries × failover), which takes minutes on a slow machine.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { mustLoadModel } from '../engine/load-model.ts';
import { runCount, defaultService, parseAxis, type SweepSpec } from '../engine/sweep.ts';
import { runSweep } from './sweep-pool.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The sweeps measured: a map of the teaching model, and a small one of the incident. */
const CASES = [
  { model: 'single-service', x: 'load=100:1500:15', y: 'trigger.duration=0:60:5' },
  { model: 'azure-2026-02', x: 'retry.attempts=0:1:2', y: 'failover=0,30' },
];
const FULL = { model: 'azure-2026-02', x: 'retry.attempts=0:9:10', y: 'failover=0:90:10' };

const IDLE_MS = 5000;
const tasks = (long: number[]) => `${long.length} long task${long.length === 1 ? '' : 's'}${long.length ? ` (longest ${Math.round(Math.max(...long))} ms)` : ''}`;
const fmt = (x: number, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function specOf(c: (typeof CASES)[number]) {
  const data = BUILTIN_MODELS[c.model];
  const loaded = mustLoadModel(data);
  const axis = (t: string) => {
    const r = parseAxis(loaded.params, t);
    if (!r.ok) throw new Error(r.error);
    return r.axis;
  };
  const spec: SweepSpec = { x: axis(c.x), y: axis(c.y), seed: loaded.model.seed, seeds: 1, params: {}, changes: [], service: defaultService(loaded) };
  return { data, loaded, spec };
}

export async function benchSweep(out: (s: string) => void): Promise<void> {
  const workers = Math.max(1, availableParallelism() - 1);
  out(`5. Sweeps: runs per second with the pool (${workers} worker${workers > 1 ? 's' : ''} in Node: cores − 1)`);
  for (const c of CASES) {
    const { data, loaded, spec } = specOf(c);
    const n = runCount(spec);
    const t0 = performance.now();
    await runSweep(data, loaded, spec, [...Array(n).keys()], workers, () => {});
    const s = (performance.now() - t0) / 1000;
    out(`   Node      ${c.model.padEnd(15)} ${String(n).padStart(3)} runs in ${fmt(s)} s   ${fmt(n / s, 2)} runs/s`);
  }
  if (!existsSync(CHROMIUM)) {
    out(`   Chromium: skipped, no Chromium at ${CHROMIUM}`);
    return;
  }
  const root = new URL('../../', import.meta.url).pathname;
  const outDir = mkdtempSync(join(tmpdir(), 'cascade-bench-sweep-'));
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const cases = process.env.SWEEP_FULL ? [...CASES, FULL] : CASES;
    for (const c of cases) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.addInitScript(() => {
        const w = window as unknown as { __long: number[] };
        w.__long = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask', buffered: false });
      });
      const read = () => page.evaluate(() => {
        const w = window as unknown as { __long: number[] };
        const long = w.__long;
        w.__long = [];
        return long;
      });
      await page.goto(`${url}?v=1&model=${c.model}`);
      await page.waitForFunction(() => document.getElementById('model-title')?.textContent !== 'Loading…');
      await page.click('#sweep-open');
      const [xId, xValues] = [c.x.slice(0, c.x.indexOf('=')), c.x.slice(c.x.indexOf('=') + 1)];
      const [yId, yValues] = [c.y.slice(0, c.y.indexOf('=')), c.y.slice(c.y.indexOf('=') + 1)];
      await page.selectOption('#sweep-x', xId);
      await page.fill('#sweep-x-values', xValues);
      await page.selectOption('#sweep-y', yId);
      await page.fill('#sweep-y-values', yValues);
      // The page's own long tasks, idle, as a baseline for the machine.
      await page.waitForTimeout(1000);
      await read();
      await page.waitForTimeout(IDLE_MS);
      const idle = await read();
      await page.click('#sweep-run');
      await page.waitForFunction(() => /^(\d+) of \1 runs/.test(document.getElementById('sweep-status')?.textContent ?? ''), null, { timeout: 0, polling: 500 });
      const status = (await page.textContent('#sweep-status'))!;
      const long = await read();
      const m = /^(\d+) of \d+ runs in ([\d.]+) s on (\d+) (worker|workers|main thread)/.exec(status)!;
      const [n, s] = [Number(m[1]), Number(m[2])];
      const label = c === FULL ? '10×10 incident' : c.model;
      out(`   Chromium  ${label.padEnd(15)} ${String(n).padStart(3)} runs in ${fmt(s)} s   ${fmt(n / s, 2)} runs/s  (${m[3]} ${m[4]}; main thread: ${tasks(long)} during the sweep, ${tasks(idle)} in ${IDLE_MS / 1000} s idle before it)`);
      await page.close();
    }
    if (!process.env.SWEEP_FULL) out('   (SWEEP_FULL=1 npm run bench also times the 10 × 10 incident map in the page)');
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}
