/**
 * The browser part of `npm run bench`: the built lab in Debian's Chromium, frame rate limit off,
 * playing the incident at top speed. Reports script time per animation frame (median, p95), long
 * tasks (> 50 ms) during playback and during a slider drag, how long a slider change takes to
 * show (input to the first frame drawn with the new value), and how long an edit of a value in
 * Build takes to show (the change to the first frame drawn).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-frame-rate-limit', '--disable-gpu-vsync',
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

export async function benchBrowser(out: (s: string) => void): Promise<void> {
  out('4. The page in Chromium (built site, frame rate limit off, incident at 1 simulated hour per second)');
  if (!existsSync(CHROMIUM)) {
    out(`   skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const root = new URL('../../', import.meta.url).pathname;
  const outDir = mkdtempSync(join(tmpdir(), 'cascade-bench-'));
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __frames: number[]; __long: number; __mark: boolean };
      w.__frames = [];
      w.__long = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) =>
        raf((t) => {
          const s = performance.now();
          cb(t);
          w.__frames.push(performance.now() - s);
        });
      new PerformanceObserver((list) => (w.__long += list.getEntries().filter((e) => e.duration > 50).length)).observe({ type: 'longtask', buffered: false });
    });
    // From the start of the clock (a bare load opens paused at the storm, 00:40, and an hour a
    // second would reach the end of the run before the measurements are done).
    await page.goto(`${url}?t=17:30`);
    await page.locator('#regions svg').waitFor();
    await page.getByLabel('Speed').selectOption('3600');
    const reset = () => page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __long: number };
      w.__frames = [];
      w.__long = 0;
    });
    const read = () => page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __long: number };
      return { frames: w.__frames.slice(), long: w.__long };
    });
    await reset();
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(6000);
    const play = await read();
    out(`   playback: ${play.frames.length} frames in 6 s; script per frame median ${pct(play.frames, 50).toFixed(2)} ms, p95 ${pct(play.frames, 95).toFixed(2)} ms; long tasks ${play.long}`);

    await reset();
    const slider = page.getByRole('slider', { name: 'Failover share' });
    const box = (await slider.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let k = 0; k <= 40; k++) {
      await page.mouse.move(box.x + (box.width * k) / 40, box.y + box.height / 2);
      await page.waitForTimeout(25);
    }
    await page.mouse.up();
    const drag = await read();
    out(`   slider drag while playing: script per frame median ${pct(drag.frames, 50).toFixed(2)} ms, p95 ${pct(drag.frames, 95).toFixed(2)} ms; long tasks ${drag.long}`);

    await page.getByRole('button', { name: 'Pause' }).click();
    const latencies: number[] = [];
    // A string, not a function: the page must get plain JavaScript whatever compiled this file.
    const measure = `new Promise((resolve) => {
      const v = VALUE;
      const input = document.getElementById('param-failover');
      const t0 = performance.now();
      document.addEventListener('lab:frame', function onFrame(e) {
        if (e.detail.params.failover === v) {
          document.removeEventListener('lab:frame', onFrame);
          resolve(performance.now() - t0);
        }
      });
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    })`;
    for (const value of [0, 45, 90, 10, 60]) latencies.push(await page.evaluate(measure.replace('VALUE', String(value))));
    out(`   slider to visible effect: median ${pct(latencies, 50).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);

    // An edit of a value in Build (Managed Identity's capacity), from the change to the first frame drawn.
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    await page.locator('#build fieldset').first().waitFor();
    const edit = `new Promise((resolve) => {
      const group = [...document.querySelectorAll('#build fieldset')].find((f) => f.querySelector('legend').textContent === 'Service: Managed Identity');
      const input = group.querySelector('[data-key$=".capacityRps"]');
      const t0 = performance.now();
      document.addEventListener('lab:frame', function onFrame() {
        document.removeEventListener('lab:frame', onFrame);
        resolve(performance.now() - t0);
      });
      input.value = 'VALUE';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    })`;
    const edits: number[] = [];
    for (const value of [12000, 11000, 13000, 10500, 12500, 11500, 12000]) {
      edits.push(await page.evaluate(edit.replace('VALUE', String(value))));
      await page.waitForTimeout(300);
    }
    const later = edits.slice(1);
    out(`   Build edit to visible (a capacity): the first ${edits[0].toFixed(1)} ms (the incident becomes a built model), then median ${pct(later, 50).toFixed(1)} ms, max ${Math.max(...later).toFixed(1)} ms`);
    out('   targets: p95 ≤ 8 ms, no long tasks, slider and Build edit to visible < 100 ms');
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}
