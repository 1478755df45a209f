/**
 * "Map the space" in Debian's Chromium: a sweep in the link opens the map and runs it in the
 * worker pool, coarse to fine, points appearing as they finish; a point's figures on hover; a click
 * opens its run (first seed) and puts it in the link; the CSV is what `npm run sweep` prints.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
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
        if (!map || !list.some((m) => m.target === map)) return;
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
    await page.click('#sweep-run');
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 60_000 }).toMatch(/^[1-9]\d* of 25 runs/);
    await page.click('#sweep-stop');
    await expect.poll(() => page.textContent('#sweep-status')).toMatch(/\(stopped\)$/);
    expect(new URLSearchParams(await page.evaluate(() => location.search)).get('sweep')).toBe('x=retry.attempts=0:4:5;y=failover=0:100:5;by=outcome;seeds=1');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('axe finds nothing to fix in the open map', async () => {
    const { page, errors } = await openMap(SMALL);
    expect((await axe(page)).join('\n')).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
