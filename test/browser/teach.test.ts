/**
 * The teaching layer as a teacher and a student use it: the story chapter by chapter, what-ifs
 * with verdicts that agree with headless runs, the operator's seat, the scoreboard, presenter mode.
 */
import { describe, expect, it } from 'vitest';
import { scoreRun, verdict } from '../../src/engine/score.ts';
import { model } from '../helpers.ts';
import { openLab, useLab } from './browser.ts';

const lab = useLab();

describe('teaching', () => {
  it('walks the story from the first chapter to the last, with buttons and arrow keys', async () => {
    const { page, errors } = await openLab(lab());
    const story = model('azure-2026-02').model.story;
    await page.getByRole('button', { name: 'Start the story' }).click();
    await expect.poll(() => page.textContent('.chapter-title')).toBe(story[0].title);
    await expect.poll(() => page.textContent('#clock')).toBe(story[0].at);
    for (let k = 1; k < story.length; k++) {
      if (k % 2) await page.getByRole('button', { name: 'Next →' }).click();
      else {
        await page.locator('body').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('ArrowRight');
      }
      await expect.poll(() => page.textContent('.chapter-title')).toBe(story[k].title);
      await expect.poll(() => page.textContent('#clock')).toBe(story[k].at);
      expect(await page.textContent('.chapter-count')).toBe(`Chapter ${k + 1} of ${story.length}`);
      await expect.poll(() => page.url()).toContain(`chapter=${k + 1}`);
    }
    expect(await page.getByRole('button', { name: 'Next →' }).isDisabled()).toBe(true);
    // The storm chapter highlights identity and puts East US in view.
    await page.getByRole('button', { name: '← Previous' }).click();
    const stormIndex = story.findIndex((c) => c.title.startsWith('00:08'));
    for (let k = story.length - 2; k > stormIndex; k--) await page.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => page.textContent('.chapter-title')).toBe(story[stormIndex].title);
    await expect.poll(() => page.locator('.gnode.highlight').count()).toBe(story[stormIndex].highlight.length);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('with no chapter chosen, the caption tells the moment on screen, only of the run the story tells, and the stage stays still', async () => {
    const story = model('azure-2026-02').model.story;
    const west = story.findIndex((c) => c.at === '00:40');
    const { page, errors } = await openLab(lab(), '?t=00:40');
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await expect.poll(() => page.textContent('.chapter-title')).toBe(story[west].title);
    expect(await page.textContent('.chapter-text')).toBe(story[west].text);
    const stage = () => page.locator('#regions').boundingBox();
    const before = await stage();
    // Not chosen: nothing hidden, the count says so, and Next goes on from the moment.
    expect(await page.textContent('.chapter-count')).toBe(`Story: ${story.length} chapters`);
    expect(await page.locator('#param-retry-attempts').isVisible()).toBe(true);
    // Played on past the next chapter's moment, the caption moves with it.
    await page.getByLabel('Speed').selectOption('3600');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.textContent('.chapter-title'), { timeout: 30_000 }).toBe(story[west + 1].title);
    await page.getByRole('button', { name: 'Pause' }).click();
    // The caption keeps the height of the tallest it may say: the stage does not move as it plays.
    expect(await stage()).toEqual(before);
    // Another run's settings: the story does not tell it, so the model's hint shows.
    const other = await openLab(lab(), '?t=00:40&retry.attempts=1');
    await expect.poll(() => other.page.textContent('#clock')).toBe('00:40');
    await expect.poll(() => other.page.locator('.chapter-text.hint').count()).toBe(1);
    expect(await other.page.locator('.chapter-title').isHidden()).toBe(true);
    expect(await other.page.locator('#regions').boundingBox()).toEqual(before);
    // A chapter is told from when its events begin (`from`), before its own moment: at 04:30
    // traffic has been removed (03:55), and the caption says so, not the scale-outs before it.
    const shed = story.findIndex((c) => c.title.startsWith('03:55'));
    expect(story[shed].from).toBe('03:55');
    const later = await openLab(lab(), '?t=04:30');
    await expect.poll(() => later.page.textContent('#clock')).toBe('04:30');
    await expect.poll(() => later.page.textContent('.chapter-title')).toBe(story[shed].title);
    expect(later.errors).toEqual([]);
    await later.page.close();
    // Next from the moment opens the chapter after it.
    const title = await page.textContent('.chapter-title');
    const shown = story.findIndex((c) => c.title === title);
    expect(shown).toBeGreaterThan(west);
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => page.textContent('.chapter-count')).toBe(`Chapter ${shown + 2} of ${story.length}`);
    await expect.poll(() => page.textContent('#clock')).toBe(story[shown + 1].at);
    expect(errors).toEqual([]);
    expect(other.errors).toEqual([]);
    await other.page.close();
    await page.close();
  }, 120_000);

  it("each lesson's what-if gives a verdict that agrees with a headless run of the same settings", async () => {
    const { page, errors } = await openLab(lab());
    const azure = model('azure-2026-02');
    const base = scoreRun(azure, { everyS: 60 });
    for (const w of azure.model.whatIfs) {
      const expected = verdict(base, scoreRun(azure, { everyS: 60, params: w.params })).text;
      await page.getByRole('button', { name: 'As it happened' }).click();
      await page.getByRole('button', { name: w.label, exact: true }).click();
      await expect.poll(() => page.textContent('.verdict'), { timeout: 30_000 }).toBe(`${w.label}, measured against the run as it happened: ${expected}`);
    }
    // And the run now is the last what-if's.
    await expect.poll(() => page.locator('output[for="param-failover"]').textContent()).toBe('0 %');
    // A verdict names families; each name puts the chart where its number shows on the stage.
    await page.locator('.verdict .verdict-part', { hasText: 'VM operations' }).click();
    await expect.poll(() => page.locator('#chart-node').textContent()).toMatch(/VM \/ VMSS lifecycle.*requests per second/);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it("from the operator's seat, removing traffic at 01:00 and ramping at 01:30 ends the storm hours earlier", async () => {
    const { page, errors } = await openLab(lab(), '?t=01:00');
    await expect.poll(() => page.textContent('#clock')).toBe('01:00');
    for (const region of ['East US', 'West US']) {
      await page.getByRole('button', { name: new RegExp(`^${region}:`) }).click();
      await page.getByRole('button', { name: 'Remove traffic' }).click();
    }
    const slider = page.getByRole('slider', { name: /Simulated time/ });
    await slider.focus();
    for (let k = 0; k < 4; k++) await page.keyboard.press('ArrowRight'); // 4 × 486 s ≈ 32 min
    await expect.poll(() => page.textContent('#clock')).toBe('01:32');
    for (const region of ['East US', 'West US']) {
      await page.getByRole('button', { name: new RegExp(`^${region}:`) }).click();
      await page.getByRole('button', { name: /^Ramp back/ }).click();
    }
    await page.getByLabel('Speed').selectOption('3600');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.textContent('#clock'), { timeout: 30_000 }).toBe('07:00');
    const managed = (await page.locator('dl.score dd').first().textContent()) ?? '';
    const m = /out of trouble (\d\d):(\d\d)/.exec(managed);
    expect(m, managed).not.toBeNull();
    const hour = Number(m![1]);
    // The script recovered at about 06:10; this is hours earlier.
    expect(hour).toBeGreaterThanOrEqual(2);
    expect(hour).toBeLessThan(4);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('compares two runs on one clock: B over A on every chart, both graphs, a table of differences', async () => {
    const { page, errors } = await openLab(lab(), '?t=02:00');
    await expect.poll(() => page.textContent('#clock')).toBe('02:00');
    await page.getByLabel('Compare side by side with').selectOption({ label: 'Isolated regions' });
    await expect.poll(() => page.locator('#compare').isVisible()).toBe(true);
    await expect.poll(() => page.locator('#compare-table tbody tr').count()).toBeGreaterThan(3);
    const row = (name: string) => page.locator('#compare-table tr', { has: page.locator('th', { hasText: name }) }).locator('td');
    await expect.poll(() => row('in trouble, West US').allTextContents()).toEqual([expect.stringMatching(/^1\d\d$/), '0']);
    expect(await page.locator('#graph-b .gnode').count()).toBe(await page.locator('#graph .gnode').count());
    for (const chart of ['#chart-node', '#chart-doors', '#chart-amp']) expect(await page.locator(`${chart} .legend b`, { hasText: /^B / }).count()).toBeGreaterThan(0);
    // Both runs go on together.
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => page.textContent('#clock')).toBe('02:01');
    await expect.poll(() => decodeURIComponent(page.url())).toContain('compare=w:isolated');
    const linked = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await linked.goto(page.url());
    await expect.poll(() => linked.locator('#compare-title').textContent()).toBe('B: Isolated regions');
    await linked.close();
    await page.getByRole('button', { name: 'Stop comparing' }).click();
    expect(await page.locator('#compare').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('the scoreboard shows each family\'s ledger: asked, completed, abandoned, pending — a backlog at 04:00, none left at 07:00', async () => {
    const vmRow = (page: import('playwright-core').Page) => async () => {
      const labels = await page.locator('dl.score dt').allTextContents();
      const values = await page.locator('dl.score dd').allTextContents();
      return values[labels.findIndex((l) => l.trim() === 'VM operations')] ?? '';
    };
    const storm = await openLab(lab(), '?t=04:00');
    await storm.page.locator('[data-open="scoreboard"]').click();
    await expect.poll(() => storm.page.textContent('#clock')).toBe('04:00');
    // More than a million VM operations wait (parked, or on calls held at identity's door); none was abandoned.
    await expect.poll(vmRow(storm.page)).toMatch(/asked [\d.]+M: [\d.]+M completed, 0 abandoned, [\d.]+M pending$/);
    expect(storm.errors).toEqual([]);
    await storm.page.close();
    const end = await openLab(lab(), '?t=07:00');
    await end.page.locator('[data-open="scoreboard"]').click();
    await expect.poll(() => end.page.textContent('#clock')).toBe('07:00');
    await expect.poll(vmRow(end.page)).toMatch(/asked [\d.]+M: [\d.]+M completed, 0 abandoned, 0 pending$/);
    await end.page.close();
  }, 90_000);

  it('presenter mode: ?present=1 shows large type without the chrome', async () => {
    const { page } = await openLab(lab(), '?present=1');
    expect(await page.locator('html').getAttribute('class')).toContain('present');
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(size).toBeGreaterThanOrEqual(20);
    expect(await page.locator('#side').isVisible()).toBe(false);
    expect(await page.locator('[data-open="settings"]').isVisible()).toBe(false);
    await page.close();
  }, 60_000);
});
