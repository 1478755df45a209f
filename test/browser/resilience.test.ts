/** A simulation that stops answering is noticed, restarted, and brought back to the same time. */
import { describe, expect, it } from 'vitest';
import { useLab } from './browser.ts';

const lab = useLab();

describe('resilience', () => {
  it('restores a worker that stops answering, at the same simulated time, with a notice', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Lets the test make the worker go silent, as a hung or killed worker would be.
    await page.addInitScript(() => {
      const proto = Worker.prototype as unknown as { postMessage: (...args: unknown[]) => void };
      const post = proto.postMessage;
      proto.postMessage = function (this: Worker, ...args: unknown[]) {
        if ((window as unknown as { silence?: boolean }).silence) return;
        post.apply(this, args);
      };
    });
    await page.goto(lab().url + '?model=azure-2026-02&t=01:30&failover=0');
    await page.locator('#regions svg').waitFor();
    await expect.poll(() => page.textContent('#clock')).toBe('01:30');
    const before = await page.getByRole('button', { name: /^East US:/ }).getAttribute('aria-label');
    await page.evaluate(() => ((window as unknown as { silence: boolean }).silence = true));
    await page.getByRole('button', { name: 'Step' }).click();
    await page.waitForTimeout(300);
    await page.evaluate(() => ((window as unknown as { silence: boolean }).silence = false));
    await expect.poll(() => page.textContent('#notice'), { timeout: 25_000 }).toContain('stopped answering; it was restarted and brought back to 01:30');
    await expect.poll(() => page.textContent('#clock')).toBe('01:30');
    // The same states as before the fault (a view rebuilt for its new size draws on the next frame).
    await expect.poll(() => page.getByRole('button', { name: /^East US:/ }).getAttribute('aria-label')).toBe(before);
    expect(await page.locator('output[for="param-failover"]').textContent()).toBe('0 %');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.textContent('#clock'), { timeout: 10_000 }).not.toBe('01:30');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
