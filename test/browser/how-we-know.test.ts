import { describe, expect, it } from 'vitest';
import { openLab, useLab } from './browser.ts';

describe('How we know, in the page', () => {
  const lab = useLab();

  it('opening it runs every check in a worker and shows each result with the lab’s figure and a pass', async () => {
    const { page, errors } = await openLab(lab());
    await page.getByRole('button', { name: 'How we know' }).click();
    const rows = page.locator('ul.how-we-know li');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(9);
    const verdicts = await page.locator('ul.how-we-know .verdict').allTextContents();
    expect(verdicts).toEqual(Array(9).fill("pass"));
    await expect.poll(() => page.textContent('#how-we-know-body')).toContain('64');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
