/**
 * The page as a person uses it, in Debian's Chromium: it loads, plays, shows the storm at 00:08,
 * seeks, restarts with new settings, and works from the keyboard.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLab, useLab } from './browser.ts';

const lab = useLab();

const START = Date.parse('2026-02-02T17:30:00Z');
const DURATION = 48600;

/** Seconds from the start of the incident clock for "HH:MM" (after 17:30 means the same day). */
function at(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  let t = Date.UTC(2026, 1, 2, h, m) - START;
  if (t < 0) t += 86_400_000;
  return t / 1000;
}

/** Clicks the timeline where `hhmm` is, as a person seeking would. */
async function seek(page: Page, hhmm: string): Promise<void> {
  // Where the timeline is when it is clicked: a restart may still be changing the caption above
  // it (and so where it sits) when it is first measured, so a click that lands elsewhere is made again.
  for (let attempt = 0; ; attempt++) {
    const [left, top, height, x0, x1] = await page.locator('#timeline svg').evaluate((e) => {
      const r = e.getBoundingClientRect();
      return [r.left, r.top, r.height, Number(e.getAttribute('data-x0')), Number(e.getAttribute('data-x1'))];
    });
    await page.mouse.click(left + x0 + (x1 - x0) * (at(hhmm) / DURATION), top + height * 0.8);
    try {
      await expect.poll(() => page.textContent('#clock'), { timeout: attempt < 2 ? 8_000 : 20_000 }).toBe(hhmm);
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
    }
  }
}

/** The state the regions view shows for a service in a region. */
async function stateOf(page: Page, region: string, service: string): Promise<string> {
  const label = (await page.getByRole('button', { name: new RegExp(`^${region}:`) }).getAttribute('aria-label')) ?? '';
  const m = new RegExp(`${service} (\\w+)`).exec(label);
  return m ? m[1] : `(not found in "${label}")`;
}

/** The particle canvas as an image. */
function canvasImage(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector('#graph canvas') as HTMLCanvasElement).toDataURL());
}

describe('the lab in a browser', () => {
  it('loads the incident, plays, and shows no console errors', async () => {
    const { page, errors } = await openLab(lab());
    await expect.poll(() => page.textContent('#model-title')).toBe('Azure, 2–3 February 2026');
    // It opens on the storm, paused.
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.textContent('#clock'), { timeout: 15_000 }).not.toBe('00:40');
    await page.getByRole('button', { name: 'Pause' }).click();
    mkdirSync('test-results', { recursive: true });
    await seek(page, '01:00');
    await page.screenshot({ path: 'test-results/lab.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('East US Managed Identity goes from healthy to overloaded around 00:08, then West US', async () => {
    const { page, errors } = await openLab(lab());
    await seek(page, '00:05');
    expect(await stateOf(page, 'East US', 'Managed Identity')).toBe('healthy');
    await seek(page, '00:12');
    expect(await stateOf(page, 'East US', 'Managed Identity')).toBe('overloaded');
    await seek(page, '00:30');
    expect(await stateOf(page, 'West US', 'Managed Identity')).toBe('overloaded');
    await seek(page, '03:00');
    expect(await stateOf(page, 'East US', 'Managed Identity')).toBe('overloaded');
    expect(await stateOf(page, 'East US', 'Bystander workloads')).toBe('down');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('with retries dragged to 0 and a restart, identity is healthy again by 01:00', async () => {
    const { page, errors } = await openLab(lab());
    const retries = page.getByRole('slider', { name: 'Retries' });
    await retries.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('output[for="param-retry-attempts"]').textContent()).toBe('0');
    await page.getByRole('button', { name: 'Restart' }).click();
    await seek(page, '01:00');
    expect(await stateOf(page, 'East US', 'Managed Identity')).toBe('healthy');
    expect(await stateOf(page, 'West US', 'Managed Identity')).toBe('healthy');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('Play at the end of the clock plays the run again from its start', async () => {
    const { page, errors } = await openLab(lab(), '?t=07:00');
    await expect.poll(() => page.textContent('#clock'), { timeout: 20_000 }).toBe('07:00');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(async () => at((await page.textContent('#clock'))!)).toBeLessThan(at('19:00'));
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('works from the keyboard: space plays and pauses, the timeline seeks with arrow keys', async () => {
    const { page, errors } = await openLab(lab());
    await page.locator('body').click({ position: { x: 5, y: 200 } });
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).count()).toBe(1);
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('button', { name: 'Play' }).count()).toBe(1);
    const before = await page.textContent('#clock');
    await page.getByRole('slider', { name: /Simulated time/ }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.textContent('#clock')).not.toBe(before);
    // Keys belong to the focused region: Space selects it and does not start playing.
    await page.getByRole('button', { name: /^West US:/ }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('button', { name: /^West US:/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Play' }).count()).toBe(1);
    // Every control can be reached with Tab.
    const tabbable = await page.evaluate(() => [...document.querySelectorAll('#controls input, #controls select, #controls button')].every((e) => (e as HTMLElement).tabIndex >= 0));
    expect(tabbable).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('animates traffic while playing, and holds it still for people who prefer reduced motion', async () => {
    for (const reducedMotion of ['no-preference', 'reduce'] as const) {
      const { page, errors } = await openLab(lab());
      await page.emulateMedia({ reducedMotion });
      await seek(page, '02:30');
      await page.getByLabel('Speed').selectOption('60');
      await page.getByRole('button', { name: 'Play' }).click();
      await page.waitForTimeout(400);
      const a = await canvasImage(page);
      await page.waitForTimeout(700);
      const b = await canvasImage(page);
      if (reducedMotion === 'reduce') expect(b).toBe(a);
      else expect(b).not.toBe(a);
      // The same information is there either way: particles are drawn.
      expect(a.length).toBeGreaterThan(1000);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 60_000);
});
