/**
 * "Paste a client config" (issue #24), in Debian's Chromium: a real client's retry configuration,
 * pasted beside the client-policy presets, becomes the run's settings or run B's, and the link
 * brings either back; a paste the lab cannot read is one notice, the page goes on working and the
 * text stays in the box. Reached and used from the keyboard; axe finds nothing to fix.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLab, useLab } from './browser.ts';

const lab = useLab();
mkdirSync('test-results', { recursive: true });

const fixture = (name: string) => readFileSync(new URL(`../fixtures/client-config/${name}`, import.meta.url), 'utf8');

/** The value a setting shows in the Settings panel. */
const setting = (page: Page, id: string) => page.locator(`output[for="param-${id.replace(/\W/g, '-')}"]`).textContent();
const jitter = (page: Page) => page.locator('#param-retry-jitter').inputValue();

/** Opens the paste box in the What if panel and reads `text` (typed with fill, as a paste gives it). */
async function paste(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'What if', exact: true }).click();
  const toggle = page.getByRole('button', { name: 'Paste a client config' });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByRole('textbox', { name: /^Client config/ }).fill(text);
  await page.getByRole('button', { name: 'Read', exact: true }).click();
}

describe('paste a client config', () => {
  it('the gRPC service config, applied: the run and its link have its settings, and the link restores them', async () => {
    const { page, errors } = await openLab(lab(), '?t=00:40');
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    expect(await setting(page, 'retry.attempts')).not.toBe('3');
    await paste(page, fixture('grpc-service-config.json'));
    // Each setting it maps to, and each note.
    const shown = page.locator('.paste-settings');
    await expect.poll(() => shown.locator('dt').allTextContents()).toEqual(['Retries', 'Backoff base', 'Backoff cap', 'Jitter', 'Retry budget', 'Adaptive throttling K', 'Circuit breaker', 'Client timeout']);
    expect(await shown.locator('dd').allTextContents()).toEqual(['3', '1 s', '1 s', 'full', '10 %', 'off', 'off', '10 s']);
    expect(await page.locator('.paste-notes li').allTextContents()).toContain('retryPolicy.retryableStatusCodes UNAVAILABLE: the lab retries every failure');
    await page.getByRole('button', { name: 'Apply to this run' }).click();
    await expect.poll(() => setting(page, 'retry.attempts'), { timeout: 30_000 }).toBe('3');
    expect(await setting(page, 'retry.budget')).toBe('10 %');
    expect(await jitter(page)).toBe('full');
    expect(await setting(page, 'timeout')).toBe('10 s');
    // At the moment it was at, with a chip to take it off again; the text is still in the box.
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    expect(await page.locator('.whatif-chips .chip-label').allTextContents()).toEqual(['gRPC service config (helloworld.Greeter), pasted']);
    expect(await page.locator('#paste-text').inputValue()).toBe(fixture('grpc-service-config.json'));
    await expect.poll(() => new URL(page.url()).searchParams.get('retry.budget')).toBe('10');
    const url = new URL(page.url());
    expect(url.searchParams.get('retry.attempts')).toBe('3');
    expect(url.searchParams.get('retry.jitter')).toBe('full');
    expect(url.searchParams.get('t')).toBe('00:40');
    // The link, opened again, has the same settings and the same moment.
    const again = await openLab(lab(), url.search);
    await expect.poll(() => again.page.textContent('#clock')).toBe('00:40');
    for (const id of ['retry.attempts', 'retry.baseDelay', 'retry.maxDelay', 'retry.budget', 'throttle.k', 'timeout']) expect(await setting(again.page, id), id).toBe(await setting(page, id));
    expect(await jitter(again.page)).toBe('full');
    expect(await again.page.textContent('#notice')).toBe('');
    expect([...errors, ...again.errors]).toEqual([]);
    await page.close();
    await again.page.close();
  }, 120_000);

  it('compared as run B: B runs with its settings, and the link brings run B back with them', async () => {
    const { page, errors } = await openLab(lab(), '?t=00:40');
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await paste(page, fixture('grpc-service-config.json'));
    await page.getByRole('button', { name: 'Compare as run B' }).click();
    const detail = 'Retries 3, Backoff base 1 s, Backoff cap 1 s, Jitter full, Retry budget 10 %, Adaptive throttling K off, Circuit breaker off, Client timeout 10 s.';
    await expect.poll(() => page.textContent('#compare-title')).toBe('B: these settings');
    expect(await page.textContent('#compare-detail')).toBe(detail);
    await expect.poll(() => page.textContent('#compare-clock'), { timeout: 30_000 }).toBe('at 00:40');
    await expect.poll(() => page.locator('#compare-table tbody tr').count()).toBeGreaterThan(3);
    // A is as it was: only B has the pasted settings.
    expect(await page.locator('.whatif-chips .chip-label').count()).toBe(0);
    const compare = new URL(page.url()).searchParams.get('compare');
    expect(compare).toBe('s:retry.attempts=3,retry.baseDelay=1,retry.maxDelay=1,retry.jitter=full,retry.budget=10,throttle.k=off,breaker=off,timeout=10');
    expect(page.url().length).toBeLessThan(8000);
    const table = await page.locator('#compare-table').textContent();
    const again = await openLab(lab(), new URL(page.url()).search);
    await expect.poll(() => again.page.textContent('#compare-title')).toBe('B: these settings');
    expect(await again.page.textContent('#compare-detail')).toBe(detail);
    await expect.poll(() => again.page.textContent('#compare-clock'), { timeout: 30_000 }).toBe('at 00:40');
    await expect.poll(() => again.page.locator('#compare-table').textContent()).toBe(table);
    expect(await again.page.textContent('#notice')).toBe('');
    expect([...errors, ...again.errors]).toEqual([]);
    await page.close();
    await again.page.close();
  }, 120_000);

  it('a malformed paste and one over 64 KB: one notice each, the text kept, the page working', async () => {
    const { page, errors } = await openLab(lab(), '?v=2&model=single-service&t=30');
    await expect.poll(() => page.textContent('#clock')).toBe('30 s');
    const notice = page.locator('.paste-notice');
    const box = page.locator('#paste-text');
    const cases: [string, RegExp][] = [
      ['{"methodConfig": [ {"retryPolicy": ', /^Not read: read as JSON: /],
      ['retry_policy: &p\n  num_retries: 3\nother: *p\n', /^Not read: read as YAML: an anchor \(&p\); YAML anchors and aliases are refused: write the values out\.$/],
      ['{"methodConfig":[{"retryPolicy":{"__proto__":{"maxAttempts":3}}}]}', /^Not read: read as JSON: a key named "__proto__" is refused\.$/],
      ['{"Retry":{"MaxRetryAttempts":25,"BackoffType":"Exponential"}}', /^Not read: Retry:MaxRetryAttempts 25: outside the lab's range for retries \(retry\.attempts\), 0 to 10\.$/],
      [`{"methodConfig":[]}${' '.repeat(70_000)}`, /^Not read: the paste is 69 KB, and a client config can be at most 64 KB\.$/],
    ];
    for (const [text, says] of cases) {
      await paste(page, text);
      await expect.poll(() => notice.textContent()).toMatch(says);
      expect((await notice.textContent())!.split('\n').length).toBe(1);
      // Nothing to apply, nothing lost.
      expect(await page.locator('.paste-result').isVisible()).toBe(false);
      expect(await box.inputValue()).toBe(text);
    }
    expect(await setting(page, 'retry.attempts')).toBe('3');
    // The page goes on: it plays, and a good paste after the bad ones is read.
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.textContent('#clock')).not.toBe('30 s');
    await page.getByRole('button', { name: 'Pause' }).click();
    await paste(page, fixture('polly-appsettings.json'));
    await expect.poll(() => page.locator('.paste-settings dt').first().textContent()).toBe('Retries');
    expect(await notice.textContent()).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('from the keyboard alone, labelled, beside the presets at 1280×720, and axe finds nothing to fix', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${lab().url}?t=00:40`);
    await expect.poll(() => page.textContent('#clock'), { timeout: 30_000 }).toBe('00:40');
    await page.getByRole('button', { name: 'What if', exact: true }).click();
    const toggle = page.getByRole('button', { name: 'Paste a client config' });
    // Beside the presets: just under the client-policy list, inside the panel.
    const presets = (await page.getByRole('combobox', { name: 'Client policy' }).boundingBox())!;
    const at = (await toggle.boundingBox())!;
    expect(at.y - (presets.y + presets.height)).toBeLessThan(12);
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('paste-text');
    // Typing in the box is typing: Space, R, C and P are not the page's keys there.
    await page.keyboard.insertText(fixture('envoy-retry-policy.json'));
    await page.keyboard.type(' ');
    expect(await page.textContent('#play')).toBe('Play');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('paste-name');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.paste-settings dt').count()).toBeGreaterThan(2);
    expect(await page.locator('.paste-heading').textContent()).toMatch(/^Read as Envoy retry policy/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Apply to this run');
    // Everything in the form inside the panel's width.
    const side = (await page.locator('#side').boundingBox())!;
    for (const sel of ['.paste-form', '#paste-text', '#paste-name', '.paste-settings', '.paste-actions']) {
      const b = (await page.locator(sel).boundingBox())!;
      expect(b.x, sel).toBeGreaterThanOrEqual(side.x);
      expect(b.x + b.width, sel).toBeLessThanOrEqual(side.x + side.width);
    }
    await page.screenshot({ path: 'test-results/paste-config-1280x720.png' });
    const result = await new AxeBuilder({ page } as never).include('#panel-whatifs').analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.whatif-chips .chip-label').allTextContents(), { timeout: 30_000 }).toEqual([expect.stringMatching(/^Envoy retry policy.*, pasted$/)]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
