/**
 * "Map the space" in Debian's Chromium: a sweep in the link opens the map and runs it in the
 * worker pool, coarse to fine, points appearing as they finish; a point's figures on hover; a click
 * opens its run (first seed) and puts it in the link; the CSV is what `npm run sweep` prints. The
 * keyboard moves over the points as over a data grid, and axe finds nothing to fix.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PHASE_PLOT, PHASE_SIZE } from '../../src/view/phase.ts';
import { openLab, useLab } from './browser.ts';

const lab = useLab();
const ROOT = new URL('../../', import.meta.url).pathname;

const SWEEP = 'x=load=200:1100:10;y=trigger.duration=0:50:6;by=outcome;seeds=2';
/** A small map, quick to finish: loads 200, 500, 800, 1100 across, trigger lengths 0, 25, 50 up. */
const SMALL = 'x=load=200:1100:4;y=trigger.duration=0:50:3;by=outcome;seeds=1';

/** The lab with a finished map from a link, in a context of its own (axe needs one). */
async function openMap(sweep: string): Promise<{ page: Page; errors: string[] }> {
  const page = await (await lab().browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${lab().url}?v=1&model=single-service&seed=5&sweep=${encodeURIComponent(sweep)}`);
  await expect.poll(() => page.textContent('#sweep-status'), { timeout: 60_000 }).toMatch(/^(\d+) of \1 runs/);
  return { page, errors };
}

/** What the keyboard is on: its role and name, whether it is outlined, and the tooltip's text. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const tip = document.querySelector<HTMLElement>('.sweep-tip')!;
    const style = getComputedStyle(el);
    return {
      role: el.getAttribute('role'),
      name: el.getAttribute('aria-label') ?? '',
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
      describedBy: el.getAttribute('aria-describedby'),
      tip: tip.hidden ? null : tip.textContent,
      tabStops: document.querySelectorAll('#sweep-panel [role="gridcell"][tabindex="0"]').length,
    };
  });
}

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page } as never).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0]?.target.join(' ')}) ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ').slice(0, 200)}`);
}

describe('map the space', () => {
  it('fills in progressively from a link, opens a clicked point’s run, and exports the CLI’s CSV', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    // Every redraw of the map, from the start: points done, and points shown faded (from coarser ones).
    await page.addInitScript(() => {
      const w = window as unknown as { __maps: { done: number; faded: number }[] };
      w.__maps = [];
      new MutationObserver((list) => {
        const map = document.getElementById('sweep-map');
        if (!map || !list.some((m) => map.contains(m.target))) return;
        const cells = [...map.querySelectorAll('rect.cell')];
        const faded = cells.filter((c) => c.hasAttribute('fill-opacity')).length;
        w.__maps.push({ done: cells.filter((c) => c.getAttribute('fill') !== '#f2f2f2').length - faded, faded });
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${lab().url}?v=1&model=single-service&seed=5&sweep=${encodeURIComponent(SWEEP)}`);
    await expect.poll(() => page.locator('#sweep-panel').isVisible()).toBe(true);
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 60_000 }).toMatch(/^120 of 120 runs/);
    const maps = await page.evaluate(() => (window as unknown as { __maps: { done: number; faded: number }[] }).__maps);
    // Points appeared as they finished, the coarse ones first, the rest filled from them meanwhile.
    const partial = maps.filter((m) => m.done > 0 && m.done < 60);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.some((m) => m.faded > 0)).toBe(true);
    expect(maps.at(-1)).toEqual({ done: 60, faded: 0 });
    expect(await page.locator('#sweep-map rect.cell').count()).toBe(60);
    // The theory's lines on the load axis.
    expect(await page.locator('#sweep-map polyline').count()).toBe(2);

    // The CSV is what the command shown prints.
    const command = (await page.textContent('#sweep-command'))!;
    expect(command).toBe("npm run sweep -- --model single-service --x load=200:1100:10 --y trigger.duration=0:50:6 --seed 5 --seeds 2");
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sweep-csv')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const args = command.replace('npm run sweep -- ', '').split(' ');
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/sweep.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(csv).toBe(cli.stdout);
    // The picture stands alone: axes, legend and the theory's lines; the PNG is an image.
    const [svgFile] = await Promise.all([page.waitForEvent('download'), page.click('#sweep-svg')]);
    const svg = readFileSync((await svgFile.path())!, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const text of ['Load (req/s) · load', 'Trigger length (s) · trigger.duration', 'stuck at the end', 'C/(R+1)']) expect(svg).toContain(text);
    const [pngFile] = await Promise.all([page.waitForEvent('download'), page.click('#sweep-png')]);
    expect(readFileSync((await pngFile.path())!).subarray(1, 4).toString()).toBe('PNG');

    // Hover: the point's figures.
    const cell = page.locator('#sweep-map rect.cell[data-x="6"][data-y="4"]');
    await cell.hover();
    await expect.poll(() => page.textContent('.sweep-tip')).toMatch(/load = 800, trigger\.duration = 40.*stuck/);
    // Click: its run, first seed, in the main view and the link (the map stays in the link).
    await cell.click();
    await expect.poll(() => page.evaluate(() => location.search), { timeout: 20_000 }).toMatch(/load=800/);
    const q = new URLSearchParams(await page.evaluate(() => location.search));
    expect(q.get('load')).toBe('800');
    expect(q.get('trigger.duration')).toBe('40');
    expect(q.get('seed')).toBe('5');
    expect(q.get('sweep')).toBe(SWEEP);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('opens from the header, runs a preset on the incident, and stops', async () => {
    const { page, errors } = await openLab(lab());
    await page.getByRole('button', { name: 'Map the space' }).click();
    await page.locator('#sweep-preset').selectOption({ label: 'Retries × failover' });
    expect(await page.inputValue('#sweep-x-values')).toBe('0:4:5');
    // The incident's presets colour by time in trouble: every point of them ends ok or recovered.
    expect(await page.inputValue('#sweep-metric')).toBe('trouble_s');
    await page.click('#sweep-run');
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 60_000 }).toMatch(/^[1-9]\d* of 25 runs/);
    await page.click('#sweep-stop');
    await expect.poll(() => page.textContent('#sweep-status')).toMatch(/\(stopped\)$/);
    // Points not run are there for the keyboard too, and say so.
    const done = Number((await page.textContent('#sweep-status'))!.split(' ')[0]);
    const pending = page.locator('[role="gridcell"][aria-label$=": pending"]');
    expect(await page.locator('[role="gridcell"]').count()).toBe(25);
    expect(await pending.count()).toBe(25 - done);
    await pending.first().focus();
    expect(await focused(page)).toMatchObject({ role: 'gridcell', name: expect.stringMatching(/^retry\.attempts = \d, failover = \d+: pending$/), tip: expect.stringMatching(/not run yet$/) });
    expect(new URLSearchParams(await page.evaluate(() => location.search)).get('sweep')).toBe('x=retry.attempts=0:4:5;y=failover=0:100:5;by=trouble_s;seeds=1');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('is one Tab stop: arrows move over the points, each named, outlined and described; Enter and Space open one', async () => {
    const { page, errors } = await openMap(SMALL);
    await page.focus('#sweep-run');
    await page.keyboard.press('Tab');
    // The top left point as drawn: the first load, the longest trigger.
    const first = await focused(page);
    expect(first).toMatchObject({ role: 'gridcell', name: expect.stringMatching(/^load = 200, trigger\.duration = 50: (ok|recovered|stuck)$/), outline: 'solid 3px', describedBy: 'sweep-tip', tabStops: 1 });
    const names: string[] = [];
    for (const key of ['ArrowRight', 'ArrowDown', 'End', 'ArrowRight', 'Home', 'ArrowLeft', 'ArrowUp', 'Control+End']) {
      await page.keyboard.press(key);
      const at = await focused(page);
      expect(at.tabStops, key).toBe(1);
      expect(at.tip, key).toContain(at.name.split(':')[0]);
      names.push(at.name.split(':')[0]);
    }
    expect(names).toEqual([
      'load = 500, trigger.duration = 50',
      'load = 500, trigger.duration = 25',
      'load = 1100, trigger.duration = 25',
      'load = 1100, trigger.duration = 25',
      'load = 200, trigger.duration = 25',
      'load = 200, trigger.duration = 25',
      'load = 200, trigger.duration = 50',
      'load = 1100, trigger.duration = 0',
    ]);
    // The focused point's figures are what hovering it shows.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const point = await focused(page);
    expect(point.name).toMatch(/^load = 800, trigger\.duration = 25: /);
    await page.locator('#sweep-map rect.cell[data-x="2"][data-y="1"]').hover();
    await expect.poll(() => page.textContent('.sweep-tip')).toBe(point.tip);
    await page.mouse.move(0, 0);
    // Out of the map and back: one Tab each way, to the point last focused.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sweep-csv');
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).name).toBe(point.name);
    // Enter opens the point's run, first seed, as a click does; Space too; the focus stays on the map.
    // The keys stay in the map: the story behind it did not page, the run does not play.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.search), { timeout: 20_000 }).toMatch(/load=800/);
    const q = new URLSearchParams(await page.evaluate(() => location.search));
    expect([q.get('load'), q.get('trigger.duration'), q.get('seed'), q.get('sweep'), q.get('chapter')]).toEqual(['800', '25', '5', SMALL, null]);
    expect((await focused(page)).name).toBe(point.name);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('load')), { timeout: 20_000 }).toBe('1100');
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('false');
    // The lab's letter keys stay out of the map too: C does not start comparing.
    await page.keyboard.press('c');
    expect(new URLSearchParams(await page.evaluate(() => location.search)).has('compare')).toBe(false);
    // Escape closes the map and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    expect(await page.isVisible('#sweep-map')).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Map the space');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('fits a phone: every field of the open map inside a 390 px screen', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(`${lab().url}?v=1&model=single-service`);
    await page.getByRole('button', { name: 'Map the space' }).click();
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('#sweep-panel input, #sweep-panel select, #sweep-panel button')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((el) => el.id || el.textContent),
    );
    expect(overflow).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('a link\'s map of the incident over 20 million node updates waits for Run, saying what it would take', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await page.goto(`${lab().url}?v=1&model=azure-2026-02&sweep=${encodeURIComponent('x=retry.attempts=0:3:4;y=failover=0,30,60;by=trouble_s;seeds=1')}`);
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 20_000 }).toBe('This map takes 12 runs, 24.5 million node updates: press Run to start it.');
    expect(await page.inputValue('#sweep-x-values')).toBe('0:3:4');
    expect(page.url()).toContain('sweep=');
    await page.context().close();
  }, 60_000);

  it('a large map (60 × 60) keeps one cell for the keyboard, paints its points on a canvas, and opens the point under the pointer', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await page.goto(`${lab().url}?v=1&model=single-service&sweep=${encodeURIComponent('x=load=100:1000:60;y=trigger.duration=0:59:60;by=outcome;seeds=1')}`);
    // 3600 runs: a link that big waits for Run.
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 20_000 }).toMatch(/^This map takes 3,600 runs: press Run/);
    // Waiting, the form shows the link's map, and the link keeps it.
    expect(await page.inputValue('#sweep-x-values')).toBe('100:1000:60');
    expect(await page.inputValue('#sweep-y')).toBe('trigger.duration');
    expect(new URLSearchParams(await page.evaluate(() => location.search)).get('sweep')).toBe('x=load=100:1000:60;y=trigger.duration=0:59:60;by=outcome;seeds=1');
    await page.click('#sweep-run');
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 90_000 }).toMatch(/^3600 of 3600 runs/);
    // Its points are the pixels of a canvas under the picture's axes and lines: the top right one
    // (load 1000, trigger 59 s) stuck, the bottom left one (load 100, no trigger) ok.
    expect(await page.locator('#sweep-map rect.cell').count()).toBe(0);
    const pixels = await page.locator('#sweep-map canvas').evaluate((c: HTMLCanvasElement) => {
      const at = (x: number, y: number) => [...c.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3)];
      return { size: [c.width, c.height], topRight: at(59, 0), bottomLeft: at(0, 59) };
    });
    expect(pixels).toEqual({ size: [60, 60], topRight: [0xc7, 0x5a, 0x00], bottomLeft: [0x00, 0x85, 0x77] });
    await page.focus('#sweep-run');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const at = await focused(page);
    expect(at).toMatchObject({ role: 'gridcell', name: expect.stringMatching(/^load = 115\.254, trigger\.duration = 58: ok$/), outline: 'solid 3px', tabStops: 1 });
    expect(await page.locator('[role="gridcell"]').count()).toBe(1);
    expect(await page.evaluate(() => [document.activeElement!.getAttribute('aria-colindex'), document.activeElement!.parentElement!.getAttribute('aria-rowindex')])).toEqual(['2', '2']);
    // The point under the pointer: 40 % across is the 24th load (x = 23), 10 % up the 6th length.
    const box = (await page.locator('#sweep-map svg').boundingBox())!;
    const [l, t, w, h] = [PHASE_PLOT.left, PHASE_PLOT.top, PHASE_PLOT.width, PHASE_PLOT.height].map((v, k) => v * (k % 2 ? box.height / PHASE_SIZE.height : box.width / PHASE_SIZE.width));
    await page.mouse.click(box.x + l + w * 0.395, box.y + t + h * 0.905);
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('trigger.duration')), { timeout: 20_000 }).toBe('5');
    expect(Number(new URLSearchParams(await page.evaluate(() => location.search)).get('load'))).toBeCloseTo(100 + 23 * (900 / 59), 6);
    await page.context().close();
  }, 150_000);

  it('a map waiting for Run is of its model: another model clears it from the drawer and the link', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await page.goto(`${lab().url}?v=1&model=single-service&sweep=${encodeURIComponent('x=load=100:1000:60;y=trigger.duration=0:59:60;by=outcome;seeds=1')}`);
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 20_000 }).toMatch(/^This map takes 3,600 runs/);
    await page.selectOption('#model', 'azure-2026-02');
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('model')), { timeout: 20_000 }).toBe('azure-2026-02');
    expect(new URLSearchParams(await page.evaluate(() => location.search)).has('sweep')).toBe(false);
    expect(await page.isVisible('#sweep-panel')).toBe(true);
    expect(await page.textContent('#sweep-status')).toBe('');
    // The drawer offers the new model's first preset.
    expect(await page.inputValue('#sweep-x')).toBe('retry.attempts');
    await page.context().close();
  }, 60_000);

  it('a map the model refuses opens with what the link asked for in the form, and says what is wrong', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await page.goto(`${lab().url}?v=1&model=single-service&sweep=${encodeURIComponent('x=timeout=0:99:3;y=load=100:900:3;by=trouble_s;seeds=2')}`);
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 20_000 }).toMatch(/^Cannot map this: .*timeout/);
    expect(await page.inputValue('#sweep-x')).toBe('timeout');
    expect(await page.inputValue('#sweep-x-values')).toBe('0:99:3');
    expect(await page.inputValue('#sweep-y-values')).toBe('100:900:3');
    expect(await page.inputValue('#sweep-metric')).toBe('trouble_s');
    expect(await page.inputValue('#sweep-seeds')).toBe('2');
    await page.context().close();
  }, 60_000);

  it('in a 650 px embed a map from the link leaves Play in reach, and Play plays', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 650, height: 650 } })).newPage();
    await page.goto(`${lab().url}?v=1&model=single-service&embed=1&sweep=${encodeURIComponent(SMALL)}`);
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 60_000 }).toMatch(/^(\d+) of \1 runs/);
    const [bar, drawer] = await page.evaluate(() => [document.querySelector('header')!.getBoundingClientRect().bottom, document.querySelector('#sweep-panel')!.getBoundingClientRect().top]);
    expect(drawer).toBeGreaterThanOrEqual(bar - 0.5);
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).count()).toBe(1);
    await page.context().close();
  }, 120_000);

  it('axe finds nothing to fix in the open map, a point focused and its figures shown', async () => {
    const { page, errors } = await openMap(SMALL);
    expect((await axe(page)).join('\n')).toBe('');
    await page.focus('#sweep-run');
    await page.keyboard.press('Tab');
    expect((await focused(page)).tip).toMatch(/^load = 200, trigger\.duration = 50/);
    expect((await axe(page)).join('\n')).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
