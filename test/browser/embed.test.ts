/**
 * Embedded in someone else's page, served as a static site without CORS headers: in a sandboxed
 * iframe (scripts only, the way WordPress embeds), and through the <cascade-lab> element.
 */
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLab, useLab } from './browser.ts';

const lab = useLab();

/** The lab alone in a sandboxed iframe of this size on a blank host page, as a blog embeds it without embed.js. */
async function inFrame(width: number, height: number, query: string): Promise<{ page: Page; frame: Frame }> {
  const page = await lab().browser.newPage({ viewport: { width, height } });
  await page.goto(lab().url + 'host.html');
  await page.setContent(`<body style="margin:0"><iframe sandbox="allow-scripts" title="Cascade Lab" style="width:${width}px;height:${height}px;border:0;display:block" src="${lab().url}${query}"></iframe></body>`);
  const frame = page.frame({ url: /embed=1/ })!;
  await frame.locator('#graph svg').waitFor({ timeout: 30_000 });
  return { page, frame };
}

/**
 * Blank space at the bottom of the caption, in px: below the last line it shows inside its text
 * box, and below the text and Previous / Next inside the caption (a text that scrolls has none).
 */
function captionBand(frame: Frame): Promise<{ inText: number; inCaption: number; stageTop: number }> {
  return frame.evaluate(() => {
    const text = document.querySelector<HTMLElement>('.caption-text')!;
    const shown = [...text.children].filter((c) => getComputedStyle(c).display !== 'none' && !(c as HTMLElement).hidden);
    const box = text.getBoundingClientRect();
    const lines = Math.min(box.bottom, Math.max(...shown.map((c) => c.getBoundingClientRect().bottom)));
    const nav = document.querySelector('.story-nav')!.getBoundingClientRect();
    const caption = document.getElementById('caption')!.getBoundingClientRect();
    return { inText: Math.round(box.bottom - lines), inCaption: Math.round(caption.bottom - Math.max(box.bottom, nav.bottom)), stageTop: Math.round(document.getElementById('graph')!.getBoundingClientRect().top) };
  });
}

describe('embedding', () => {
  it('runs inside <iframe sandbox="allow-scripts">, in a worker, and sizes the iframe to its content', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(lab().url + 'host.html');
    const frame = page.frameLocator('#sandboxed');
    await frame.locator('#graph svg').waitFor({ timeout: 30_000 });
    expect(await frame.locator('html').getAttribute('data-sim')).toBe('worker');
    expect(await frame.locator('html').getAttribute('class')).toContain('embed');
    await expect.poll(() => frame.locator('#controls').isVisible()).toBe(false);
    await frame.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => frame.locator('#clock').textContent(), { timeout: 15_000 }).not.toBe('0 s');
    // The lab posted its height; embed.js gave it to the iframe.
    await expect.poll(() => page.locator('#sandboxed').evaluate((f) => parseInt((f as HTMLIFrameElement).style.height, 10))).toBeGreaterThan(300);
    expect(await frame.getByRole('link', { name: /Open the full lab/ }).getAttribute('href')).toContain('model=single-service');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a caption in a frame 600–650 px tall leaves no blank band under its chapter title, and keeps its height when it shows the hint', async () => {
    for (const [width, height] of [
      [700, 600],
      [1000, 650],
      [990, 600],
    ] as const) {
      const where = `${width}×${height}`;
      const { page, frame } = await inFrame(width, height, '?model=azure-2026-02&t=01:00&embed=1&controls=retry.attempts');
      await expect.poll(() => frame.textContent('#clock'), { timeout: 30_000 }).toBe('01:00');
      await expect.poll(() => frame.textContent('.chapter-title')).toBe('Failover carries it west');
      await page.waitForTimeout(300);
      const moment = await captionBand(frame);
      expect(moment.inText, where).toBeLessThanOrEqual(2);
      expect(moment.inCaption, where).toBeLessThanOrEqual(2);
      // Another setting: the run is not the story's, the caption says the hint; the stage stays put.
      await frame.getByRole('slider', { name: 'Retries' }).press('Home');
      await expect.poll(() => frame.locator('.chapter-text.hint').isVisible(), { message: where }).toBe(true);
      await page.waitForTimeout(300);
      const hint = await captionBand(frame);
      expect(hint.inText, where).toBeLessThanOrEqual(2);
      expect(hint.stageTop, where).toBe(moment.stageTop);
      await page.close();
    }
  }, 120_000);

  it('renders <cascade-lab model params> as a pre-configured lab', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(lab().url + 'host.html');
    const frame = page.frameLocator('cascade-lab iframe');
    await frame.locator('#graph svg').waitFor({ timeout: 30_000 });
    expect(await page.locator('cascade-lab iframe').getAttribute('sandbox')).toContain('allow-scripts');
    await expect.poll(() => frame.locator('output[for="param-retry-attempts"]').textContent()).toBe('0');
    expect(await frame.locator('#model-title').textContent()).toBe('One service, one trigger');
    await page.close();
  }, 60_000);

  it('opens a link with garbage in it anyway, and says what it dropped', async () => {
    const { page, errors } = await openLab(lab(), '?model=azure-2026-02&retry.attempts=99&timeout=%3Cscript%3Ealert(1)%3C/script%3E&nonsense=1&t=02:00');
    await expect.poll(() => page.textContent('#clock')).toBe('02:00');
    const notice = (await page.textContent('#notice')) ?? '';
    expect(notice).toContain('Retries: 99 is out of range, so 10 is used.');
    expect(notice).toContain('Client timeout: "<script>alert(1)</script>" is not a valid value and was ignored.');
    expect(notice).toContain('Unknown setting "nonsense" was ignored.');
    // Shown as text, never as markup.
    expect(await page.locator('#notice script').count()).toBe(0);
    expect(await page.locator('output[for="param-retry-attempts"]').textContent()).toBe('10');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a link carries slider changes and operator actions made during the run, and reproduces it', async () => {
    const { page } = await openLab(lab(), '?model=single-service&t=30');
    await expect.poll(() => page.textContent('#clock')).toBe('30 s');
    const retries = page.getByRole('slider', { name: 'Retries' });
    await retries.focus();
    await page.keyboard.press('Home');
    await page.getByRole('button', { name: 'Step' }).click();
    await page.getByRole('button', { name: 'Remove traffic' }).click();
    await page.getByRole('button', { name: 'Step' }).click();
    await page.getByRole('button', { name: 'Undo last action' }).click();
    await page.getByRole('button', { name: 'Remove traffic' }).click();
    for (let k = 0; k < 5; k++) await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => decodeURIComponent(page.url())).toMatch(/at=30:retry\.attempts=0&op=32:admission\(server,local,0\)$/);
    const again = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await again.goto(page.url());
    await again.locator('#graph svg').waitFor();
    await expect.poll(() => again.textContent('#clock')).toBe(await page.textContent('#clock'));
    const label = await page.getByRole('button', { name: /^Server:/ }).getAttribute('aria-label');
    await expect.poll(() => again.getByRole('button', { name: /^Server:/ }).getAttribute('aria-label')).toBe(label);
    expect(await again.locator('dl.score').textContent()).toBe(await page.locator('dl.score').textContent());
    await page.close();
    await again.close();
  }, 60_000);

  it('a copied link reproduces the run: settings, time and all', async () => {
    const { page } = await openLab(lab(), '?v=1&model=single-service');
    const load = page.getByRole('slider', { name: 'Load' });
    await load.focus();
    await page.keyboard.press('End');
    await page.locator('#timeline svg').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.url()).toContain('t=18');
    const url = page.url();
    expect(url).toContain('load=10000');
    const again = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await again.goto(url);
    await again.locator('#graph svg').waitFor();
    await expect.poll(() => again.textContent('#clock')).toBe(await page.textContent('#clock'));
    expect(await again.locator('output[for="param-load"]').textContent()).toBe('10000 req/s');
    expect(await again.getByRole('button', { name: /^Server:/ }).getAttribute('aria-label')).toBe(await page.getByRole('button', { name: /^Server:/ }).getAttribute('aria-label'));
    await page.close();
    await again.close();
  }, 60_000);

  it('works from a sub-path of a static host', async () => {
    const { page, errors } = await openLab(lab(), 'projects/cascade-lab/?model=single-service&t=100');
    await expect.poll(() => page.textContent('#clock')).toBe('1 m 40 s');
    expect(await page.locator('html').getAttribute('data-sim')).toBe('worker');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('stops while scrolled out of view and goes on where it was when back', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(lab().url + 'host.html');
    const frame = page.frameLocator('#sandboxed');
    await frame.locator('#graph svg').waitFor({ timeout: 30_000 });
    await frame.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => frame.locator('#clock').textContent(), { timeout: 10_000 }).not.toBe('0 s');
    await page.locator('#after').evaluate((e) => e.scrollIntoView({ block: 'end' }));
    await page.waitForTimeout(500);
    const away = await frame.locator('#clock').textContent();
    await page.waitForTimeout(1500);
    expect(await frame.locator('#clock').textContent()).toBe(away);
    await page.locator('#sandboxed').scrollIntoViewIfNeeded();
    await expect.poll(() => frame.locator('#clock').textContent(), { timeout: 10_000 }).not.toBe(away);
    await page.close();
  }, 60_000);
});
