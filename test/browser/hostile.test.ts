/**
 * What a hostile tester tries, done as a person would: a link that used to kill the page, a file
 * the lab refuses, a simulation that fails twice in a row, run B going silent, and a foreign frame
 * asking embed.js to grow it.
 */
import { CHECK_PARTS } from '../../src/engine/validation.ts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLab, useLab } from './browser.ts';

const lab = useLab();

/** Lets a test fail or silence the page's simulation workers, as a crash or a hang would. */
async function withWorkerControl(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { workers: Worker[]; silenced: Set<Worker> };
    w.workers = [];
    w.silenced = new Set();
    const proto = Worker.prototype as unknown as { postMessage: (...args: unknown[]) => void };
    const post = proto.postMessage;
    proto.postMessage = function (this: Worker, ...args: unknown[]) {
      if (!w.workers.includes(this)) w.workers.push(this);
      if (w.silenced.has(this)) return;
      post.apply(this, args);
    };
  });
}

/** The k-th simulation worker the page started (0: run A's first) fails as a crashed one would. */
const crash = (page: Page, k: number) =>
  page.evaluate((k) => {
    const w = (window as unknown as { workers: Worker[] }).workers[k];
    w.terminate();
    w.dispatchEvent(new ErrorEvent('error', { message: 'the worker crashed' }));
  }, k);
const workerCount = (page: Page) => page.evaluate(() => (window as unknown as { workers: Worker[] }).workers.length);
const query = (page: Page) => new URL(page.url()).searchParams;

describe('a hostile tester', () => {
  it('opens the 30-character link that used to kill the page: a working lab and a notice', async () => {
    for (const q of ['?op=00:10:constructor(,*,5)', '?model=__proto__&op=00:10:toString(,*)&hide=constructor&retry.attempts=' + '9'.repeat(5000) + 'x']) {
      const { page, errors } = await openLab(lab(), q);
      await expect.poll(() => page.textContent('#notice')).toMatch(/could not be read and was left out|not a valid value/);
      expect(await page.textContent('#model-title')).not.toBe('');
      expect(await page.locator('body').textContent()).not.toContain('Loading…');
      await page.getByRole('button', { name: 'Step' }).click();
      await expect.poll(() => page.textContent('#clock')).not.toBe('17:30');
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 60_000);

  it('a refused model file changes nothing: every part of the link stays', async () => {
    const { page, errors } = await openLab(lab(), '?model=single-service&seed=7&t=200&load=800');
    await expect.poll(() => page.textContent('#clock')).toBe('3 m 20 s');
    await page.locator('#open-model').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ schema: 1, id: 'x' })) });
    await expect.poll(() => page.textContent('#notice')).toMatch(/the model is invalid/);
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => query(page).get('t')).not.toBe('200');
    expect(query(page).get('seed')).toBe('7');
    expect(query(page).get('load')).toBe('800');
    expect(query(page).get('model')).toBe('single-service');

    const story = await openLab(lab(), '?model=azure-2026-02&chapter=3');
    await expect.poll(() => query(story.page).get('chapter')).toBe('3');
    await story.page.locator('#open-model').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"schema": 2}') });
    await expect.poll(() => story.page.textContent('#notice')).toMatch(/the model is invalid/);
    await story.page.getByRole('button', { name: 'Step' }).click();
    await story.page.waitForTimeout(500);
    expect(query(story.page).get('chapter')).toBe('3');
    expect(errors.concat(story.errors)).toEqual([]);
    await story.page.close();
    await page.close();
  }, 90_000);

  it('a file whose id is a built-in model\'s is its own: the link does not claim the built-in one', async () => {
    const { page } = await openLab(lab(), '?model=single-service');
    const { readFileSync } = await import('node:fs');
    const data = JSON.parse(readFileSync(new URL('../../models/single-service.json', import.meta.url), 'utf8'));
    await page.locator('#open-model').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...data, title: 'Mine' })) });
    await expect.poll(() => page.textContent('#model-title')).toBe('Mine');
    expect(await page.textContent('#notice')).toContain('Opened mine.json: this model comes from a file');
    await expect.poll(() => query(page).get('model')).toBeNull();
    expect(query(page).get('file')).toBe('single-service');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
    expect(JSON.parse(readFileSync((await download.path())!, 'utf8')).title).toBe('Mine');
    await page.close();
  }, 60_000);

  it('within the work budget, seeking to the end of a big model keeps the position (it goes in steps)', async () => {
    const { page, errors } = await openLab(lab(), '?model=single-service');
    const { readFileSync } = await import('node:fs');
    const base = JSON.parse(readFileSync(new URL('../../models/azure-2026-02.json', import.meta.url), 'utf8'));
    // The incident in 18 regions: three times its work, close to the budget.
    const big = { ...structuredClone(base), id: 'big', title: 'Big', regions: [] as { id: string; pair?: string }[], story: [], whatIfs: [] };
    for (let c = 0; c < 3; c++) for (const r of base.regions) big.regions.push({ ...r, id: r.id + (c ? `-c${c}` : ''), pair: r.pair ? r.pair + (c ? `-c${c}` : '') : undefined });
    await page.locator('#open-model').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(big)) });
    await expect.poll(() => page.textContent('#model-title'), { timeout: 30_000 }).toBe('Big');
    await page.getByRole('slider', { name: /Simulated time/ }).focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.textContent('#clock'), { timeout: 120_000 }).toBe('07:00');
    expect(await page.textContent('#notice')).not.toMatch(/restarted|stopped/);
    expect(await page.locator('#failure').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('two faults in a row: the restart replays the same run to the same time, view and speed', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await withWorkerControl(page);
    await page.goto(lab().url + '?model=azure-2026-02&seed=5&t=01:30&failover=0&at=00:20:retry.attempts=1&op=01:00:admission(identity,eastus,0)');
    await page.locator('#regions svg').waitFor();
    await expect.poll(() => page.textContent('#clock')).toBe('01:30');
    const before = query(page).toString();
    await page.getByRole('button', { name: /^West US:/ }).click();
    await page.locator('#speed').selectOption({ index: 0 });
    const speed = await page.locator('#speed').inputValue();
    await crash(page, 0);
    await expect.poll(() => page.textContent('#notice')).toBe('The simulation failed (the worker crashed); it was restarted and brought back to 01:30.');
    await expect.poll(() => workerCount(page)).toBe(2);
    // Once the new worker has answered (a worker that never answered is taken for a blocked one).
    await page.waitForTimeout(2000);
    await crash(page, 1);
    await expect.poll(() => page.locator('#failure').isVisible()).toBe(true);
    expect(await page.textContent('#failure-message')).toBe('The simulation stopped: it failed (the worker crashed) again after a restart');
    await page.getByRole('button', { name: 'Restart the simulation' }).click();
    await expect.poll(() => page.textContent('#clock')).toBe('01:30');
    await expect.poll(() => query(page).toString()).toBe(before);
    expect(query(page).getAll('op')).toEqual(['01:00:admission(identity,eastus,0)']);
    expect(await page.locator('#speed').inputValue()).toBe(speed);
    expect(await page.locator('#graph').textContent()).toBeTruthy();
    expect(await page.getByRole('button', { name: /^West US:/ }).getAttribute('aria-pressed')).toBe('true');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('a fault while a link is on its way to its time brings the run back to the link\'s time, not where the seek had got', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await withWorkerControl(page);
    await page.goto(lab().url + '?t=06:50&compare=w:batched');
    await page.locator('#regions svg').waitFor();
    await page.waitForTimeout(200);
    await crash(page, 0);
    await expect.poll(() => page.textContent('#notice')).toMatch(/restarted and brought back to 06:50\.$/);
    await expect.poll(() => page.textContent('#clock'), { timeout: 30_000 }).toBe('06:50');
    await expect.poll(() => decodeURIComponent(page.url())).toContain('t=06:50');
    expect(decodeURIComponent(page.url())).toContain('compare=w:batched');
    await expect.poll(() => page.textContent('#compare-clock'), { timeout: 30_000 }).toBe('at 06:50');
    await page.close();
  }, 90_000);

  it('Map the space has a watchdog: a killed worker is noticed, replaced once, and the map finishes', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.addInitScript(() => {
      const w = window as unknown as { sweepWorkers: Worker[] };
      w.sweepWorkers = [];
      const proto = Worker.prototype as unknown as { postMessage: (...args: unknown[]) => void };
      const post = proto.postMessage;
      proto.postMessage = function (this: Worker, ...args: unknown[]) {
        const m = args[0] as { type?: string; spec?: unknown };
        if (m?.type === 'init' && m.spec && !w.sweepWorkers.includes(this)) w.sweepWorkers.push(this);
        post.apply(this, args);
      };
    });
    // Eight incident runs: within what a map from a link runs without asking (20 million node updates).
    const sweep = 'x=retry.attempts=0:3:4;y=failover=0,30;by=trouble_s;seeds=1';
    await page.goto(`${lab().url}?v=2&t=00:40&sweep=${encodeURIComponent(sweep)}`);
    await expect.poll(() => page.evaluate(() => (window as unknown as { sweepWorkers: Worker[] }).sweepWorkers.length), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.textContent('#sweep-status')).toMatch(/^[1-7] of 8 runs/);
    // Killed without a word, as a crashed tab's worker would be.
    await page.evaluate(() => (window as unknown as { sweepWorkers: Worker[] }).sweepWorkers.forEach((w) => w.terminate()));
    await expect.poll(() => page.textContent('#notice'), { timeout: 30_000 }).toBe('A worker of the map stopped answering; it was restarted and the map goes on.');
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 90_000 }).toMatch(/^8 of 8 runs/);
    await page.close();
  }, 150_000);

  it('How we know has a watchdog: its killed worker is noticed and the checks run again', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.addInitScript(() => {
      const w = window as unknown as { checkWorkers: Worker[] };
      w.checkWorkers = [];
      const proto = Worker.prototype as unknown as { postMessage: (...args: unknown[]) => void };
      const post = proto.postMessage;
      proto.postMessage = function (this: Worker, ...args: unknown[]) {
        if ((args[0] as { type?: string })?.type === 'validate' && !w.checkWorkers.includes(this)) {
          w.checkWorkers.push(this);
          // The first worker that runs the checks dies as soon as it has answered their first part.
          if (w.checkWorkers.length === 1) {
            this.addEventListener('message', (e) => {
              if ((e.data as { type?: string; part?: number })?.type === 'validated') this.terminate();
            });
          }
        }
        post.apply(this, args);
      };
    });
    await page.goto(`${lab().url}?t=00:40`);
    await page.locator('#graph svg').waitFor();
    await page.getByRole('button', { name: 'How we know' }).click();
    // The checks go part by part, each asked of the same worker; it is killed once it has answered the first.
    await expect.poll(() => page.textContent('#how-we-know-body'), { timeout: 30_000 }).toMatch(/Running the checks: 1 of \d+ parts done/);
    await expect.poll(() => page.textContent('#how-we-know-body'), { timeout: 30_000 }).toContain('The checks stopped answering; running them again');
    // A new worker goes on from the part that was cut short; every check is there at the end.
    await expect.poll(() => page.textContent('#how-we-know-body'), { timeout: 60_000 }).toMatch(/\d+ of \d+ checks pass/);
    const workers = await page.evaluate(() => new Set((window as unknown as { checkWorkers: Worker[] }).checkWorkers).size);
    expect(workers).toBe(2);
    const items = await page.locator('#how-we-know-body li.check').count();
    expect(await page.textContent('#how-we-know-body')).toContain(`${items} of ${items} checks pass`);
    // Every part answered: the published results (several) and one row per per-request threshold.
    expect(items).toBeGreaterThan(CHECK_PARTS);
    await page.close();
  }, 150_000);

  it('run B has a watchdog: silenced, it is restarted; and A\'s restart keeps the comparison', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await withWorkerControl(page);
    await page.goto(lab().url + '?model=single-service&t=120&compare=w:no-retries');
    await page.locator('#graph svg').waitFor();
    await expect.poll(() => page.locator('#compare').isVisible()).toBe(true);
    await expect.poll(() => workerCount(page)).toBe(2);
    // B goes silent, as a hung worker would; the next step asks it for a frame it never gets.
    await page.evaluate(() => {
      const w = window as unknown as { workers: Worker[]; silenced: Set<Worker> };
      w.silenced.add(w.workers[1]);
    });
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => page.textContent('#notice'), { timeout: 25_000 }).toBe("Run B stopped answering; it was restarted from this run's settings.");
    await expect.poll(() => page.locator('#compare-table').textContent(), { timeout: 15_000 }).toContain('B: No retries');
    expect(query(page).get('compare')).toBe('w:no-retries');
    // A crashes: it is brought back, and so is the comparison.
    const n = await workerCount(page);
    await crash(page, 0);
    await expect.poll(() => page.textContent('#notice')).toMatch(/^The simulation failed \(the worker crashed\); it was restarted and brought back to/);
    await expect.poll(() => workerCount(page)).toBeGreaterThan(n);
    await expect.poll(() => page.locator('#compare').isVisible()).toBe(true);
    await expect.poll(() => query(page).get('compare')).toBe('w:no-retries');
    await page.close();
  }, 90_000);

  it('embed.js sizes only the lab\'s own frames, within a sane range', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(lab().url + 'host.html');
    await page.frameLocator('#sandboxed').locator('#graph svg').waitFor({ timeout: 30_000 });
    // A foreign frame whose address mentions embed=1 asks to be made 19,999 px tall.
    await page.evaluate(() => {
      const f = document.createElement('iframe');
      f.id = 'foreign';
      f.style.height = '150px';
      f.src = 'data:text/html,<script>setInterval(()=>parent.postMessage({type:"cascade-lab:height",height:19999},"*"),50)</script><!--?embed=1-->';
      document.body.append(f);
    });
    await page.waitForTimeout(800);
    expect(await page.locator('#foreign').evaluate((f) => (f as HTMLIFrameElement).style.height)).toBe('150px');
    // The lab's own frame asking for too much is kept within range.
    await page.frameLocator('#sandboxed').locator('body').evaluate(() => parent.postMessage({ type: 'cascade-lab:height', height: 19999 }, '*'));
    await expect.poll(() => page.locator('#sandboxed').evaluate((f) => parseInt((f as HTMLIFrameElement).style.height, 10))).toBeLessThanOrEqual(10000);
    // An absurd height attribute on the element is capped too.
    await page.locator('#element').evaluate((el) => el.setAttribute('height', '99999999'));
    expect(await page.locator('#element iframe').evaluate((f) => parseInt((f as HTMLIFrameElement).style.height, 10))).toBe(10000);
    await page.close();
  }, 60_000);
});
