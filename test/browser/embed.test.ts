/**
 * Embedded in someone else's page, served as a static site without CORS headers: in a sandboxed
 * iframe (scripts only, the way WordPress embeds), and through the <cascade-lab> element.
 */
import { describe, expect, it } from 'vitest';
import { openLab, useLab } from './browser.ts';

const lab = useLab();

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
