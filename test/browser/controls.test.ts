/**
 * Controls a person can trust, in Debian's Chromium: nothing moves under the pointer, switches come
 * on at a sensible value, quick clicks are all applied, a link brings run B back at its time, the
 * keys work after a click, presenter mode is a button away, text is readable on every state colour.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { contrastRatio } from '../../src/view/palette.ts';
import { model } from '../helpers.ts';
import { openLab, useLab } from './browser.ts';

const lab = useLab();

/** Top edge of each settings row, by its label. */
function rowTops(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll<HTMLElement>('#controls .control')].map((r) => [r.querySelector('label')!.textContent!, Math.round(r.getBoundingClientRect().top - r.parentElement!.parentElement!.getBoundingClientRect().top)])),
  );
}

describe('controls you can trust', () => {
  it('settings stay put under the pointer, and a switch comes on at a sensible value', async () => {
    const { page, errors } = await openLab(lab(), '?v=1&model=single-service');
    await page.getByRole('button', { name: 'Settings' }).click();
    const before = await rowTops(page);
    // Hovering and focusing rows shows their description without moving any row.
    for (const label of ['Retry budget', 'Queue limit', 'Front-door admission']) {
      await page.locator('#controls .control', { has: page.locator('label', { hasText: label }) }).hover();
      expect(await rowTops(page)).toEqual(before);
      expect(await page.textContent('.desc-line')).toMatch(new RegExp(`^${label}: `));
    }
    // Retry budget comes on at 10 %, not at 0 % (no retries at all).
    await page.getByRole('switch', { name: 'Retry budget: on or off' }).click();
    await expect.poll(() => page.locator('output[for="param-retry-budget"]').textContent()).toBe('10 %');
    expect(await rowTops(page)).toEqual(before);
    // Admission comes on at 100 % (not a shut door); the queue timeout next to it stays off.
    await page.getByRole('switch', { name: 'Front-door admission: on or off' }).click();
    await expect.poll(() => page.locator('output[for="param-admission"]').textContent()).toBe('100 %');
    expect(await page.locator('output[for="param-queueTimeout"]').textContent()).toBe('off');
    // The queue limit holds 30 s of the server's capacity (1000 req/s here), not 1 request.
    await page.getByRole('switch', { name: 'Queue limit: on or off' }).click();
    await expect.poll(() => page.locator('output[for="param-queue-limit"]').textContent()).toBe('30000 requests');
    expect(await rowTops(page)).toEqual(before);
    // Off and on again: the value last used.
    await page.locator('#param-retry-budget').fill('25');
    await page.getByRole('switch', { name: 'Retry budget: on or off' }).click();
    await expect.poll(() => page.locator('output[for="param-retry-budget"]').textContent()).toBe('off');
    await page.getByRole('switch', { name: 'Retry budget: on or off' }).click();
    await expect.poll(() => page.locator('output[for="param-retry-budget"]').textContent()).toBe('25 %');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('two what-ifs clicked 0.3 s apart are both applied at the same time, shown as chips; removing one restores what it replaced', async () => {
    const azure = model('azure-2026-02').model;
    const preflight = azure.whatIfs.find((w) => w.id === 'preflight')!;
    const budget = azure.whatIfs.find((w) => w.id === 'budget')!;
    const { page, errors } = await openLab(lab(), '?t=00:40');
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await page.getByRole('button', { name: 'What if', exact: true }).click();
    await page.getByRole('button', { name: preflight.label, exact: true }).click();
    await page.waitForTimeout(300);
    await page.getByRole('button', { name: budget.label, exact: true }).click();
    const chips = page.locator('.whatif-chips .chip-label');
    await expect.poll(() => chips.allTextContents()).toEqual([preflight.label, budget.label]);
    // Both are in the run, at the time it was at: never back to the start.
    await expect.poll(() => page.locator('output[for="param-retry-budget"]').textContent(), { timeout: 30_000 }).toBe('10 %');
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await expect.poll(() => page.url()).toContain('policy.preflight=on');
    expect(decodeURIComponent(page.url())).toContain('t=00:40');
    // The second verdict says what it was measured against.
    await expect.poll(() => page.textContent('.verdict'), { timeout: 60_000 }).toMatch(new RegExp(`^${budget.label}, measured against the run with ${preflight.label}: (?!measuring)`));
    // Removing the budget's chip puts back what it replaced (no budget, no jitter); the other stays.
    await page.getByRole('button', { name: new RegExp(`^Remove ${budget.label}`) }).click();
    await expect.poll(() => page.locator('output[for="param-retry-budget"]').textContent(), { timeout: 30_000 }).toBe('off');
    await expect.poll(() => chips.allTextContents()).toEqual([preflight.label]);
    await expect.poll(() => page.url()).not.toContain('retry.budget');
    expect(page.url()).toContain('policy.preflight=on');
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    expect(errors).toEqual([]);
    await page.close();
  }, 150_000);

  it('a link with compare= shows run B only once it is at the link\'s time, without Play', async () => {
    const page = await lab().browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const seen: string[] = [];
    await page.exposeFunction('seenB', (s: string) => seen.push(s));
    await page.addInitScript(() => {
      const look = () => {
        const table = document.querySelector('#compare-table tbody tr');
        const clock = document.getElementById('compare-clock')?.textContent;
        if (table) (window as unknown as { seenB(s: string): void }).seenB(`${document.getElementById('clock')?.textContent} ${clock}`);
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    await page.goto(`${lab().url}?t=01:30&compare=w:isolated`);
    await expect.poll(() => page.textContent('#compare-clock'), { timeout: 30_000 }).toBe('at 01:30');
    await expect.poll(() => page.locator('#compare-table tbody tr').count()).toBeGreaterThan(3);
    expect(new Set(seen)).toEqual(new Set(['01:30 at 01:30']));
    // B's West US identity is in trouble by 01:30 in neither run's table as a blank: B has run.
    const row = page.locator('#compare-table tr', { has: page.locator('th', { hasText: 'VM' }) }).first().locator('td');
    await expect.poll(async () => (await row.allTextContents()).length).toBe(2);
    await page.close();
  }, 90_000);

  it('keys work after a click and after a panel closes; Page Up / Page Down page the story; P presents', async () => {
    const story = model('azure-2026-02').model.story;
    const { page, errors } = await openLab(lab(), '?t=00:20');
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => page.textContent('#clock')).toBe('00:20');
    const title = () => page.textContent('.chapter-title');
    await expect.poll(title).toBe(story[4].title);
    // After a panel is opened and closed, Space plays (it does not reopen the panel).
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Close the panels' }).click();
    await page.keyboard.press(' ');
    await expect.poll(() => page.textContent('#play')).toBe('Pause');
    expect(await page.evaluate(() => document.documentElement.classList.contains('side-open'))).toBe(false);
    await page.keyboard.press(' ');
    await expect.poll(() => page.textContent('#play')).toBe('Play');
    // After Play is clicked with the mouse, → still changes chapter (and pauses).
    await page.getByRole('button', { name: 'Play' }).click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(title).toBe(story[5].title);
    await expect.poll(() => page.textContent('#play')).toBe('Play');
    await page.keyboard.press('PageDown');
    await expect.poll(title).toBe(story[6].title);
    await page.keyboard.press('PageUp');
    await expect.poll(title).toBe(story[5].title);
    // A slider keeps its own arrows.
    await page.getByRole('slider', { name: /Simulated time/ }).focus();
    const chapterBefore = await title();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.textContent('#clock')).not.toBe(story[5].at);
    expect(await title()).toBe(chapterBefore);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    // P enters presenter mode, and leaves it; ? names it.
    await page.keyboard.press('p');
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(true);
    await expect.poll(() => page.url()).toContain('present=1');
    expect(await page.locator('#speed').isVisible()).toBe(true);
    expect(await page.locator('#restart').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Leave presenter mode' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(false);
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('#help').textContent()).toMatch(/P\s*presenter mode/);
    await page.keyboard.press('Escape');
    // After a slider is set with the mouse, Space plays (the slider does not keep the keys).
    await page.goto(`${lab().url}?t=00:20`);
    await expect.poll(() => page.textContent('#clock')).toBe('00:20');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('#param-retry-attempts').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? '')).not.toBe('param-retry-attempts');
    await page.keyboard.press(' ');
    await expect.poll(() => page.textContent('#play')).toBe('Pause');
    await page.keyboard.press(' ');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('with what-ifs on, Next and → go on from the chapter the clock is in, not back to the start of the story', async () => {
    const story = model('azure-2026-02').model.story;
    const { page, errors } = await openLab(lab(), '?t=00:20');
    const title = () => page.textContent('.chapter-title');
    await expect.poll(title).toBe(story[4].title);
    // Two what-ifs clicked quickly: both on, at the same moment; the caption shows the hint, not the story.
    await page.getByRole('button', { name: 'What if', exact: true }).click();
    await page.getByRole('button', { name: 'Release blocked work in batches' }).click();
    await page.getByRole('button', { name: 'Isolated regions' }).click();
    await expect.poll(() => page.locator('.whatif-chips .chip-label').allTextContents()).toEqual(['Release blocked work in batches', 'Isolated regions']);
    await expect.poll(() => page.textContent('#clock')).toBe('00:20');
    await page.keyboard.press('Escape');
    // A step on, in the same chapter's time, with the caption on the hint. Clicked at once, while
    // the run with the what-ifs is still being replayed to 00:20: it goes on from 00:20, not from
    // wherever the replay has got to.
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => page.textContent('#clock')).toBe('00:21');
    await expect.poll(() => page.locator('.chapter-title').isHidden()).toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(title).toBe(story[5].title);
    expect(await page.textContent('.chapter-count')).toBe(`Chapter 6 of ${story.length}`);
    // The story tells the run as it happened: the what-ifs are off, and the page says so.
    await expect.poll(() => page.textContent('#notice')).toContain('Release blocked work in batches and Isolated regions are off now');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('white text on every state colour the storm shows is at least 4.5:1', async () => {
    const { page } = await openLab(lab(), '?t=00:40');
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await page.waitForTimeout(300);
    const pairs = await page.$$eval('#graph .gnode.service', (nodes) =>
      nodes.map((n) => {
        const hex = (c: string) => '#' + (c.match(/\d+/g) ?? []).slice(0, 3).map((x) => Number(x).toString(16).padStart(2, '0')).join('');
        const shape = n.querySelector('rect:not(.hit)')!;
        return { state: n.textContent ?? '', fill: hex(getComputedStyle(shape).fill), text: hex(getComputedStyle(n.querySelector('text')!).fill) };
      }),
    );
    expect(pairs.some((p) => /overloaded/.test(p.state))).toBe(true);
    for (const p of pairs) expect(contrastRatio(p.fill, p.text), `${p.state}: ${p.text} on ${p.fill}`).toBeGreaterThanOrEqual(4.5);
    await page.close();
  }, 60_000);

  it('the incident map shows times as the clock writes them', async () => {
    const sweep = 'x=retry.attempts=0:3:2;by=trouble_s;seeds=1';
    const { page } = await openLab(lab(), `?t=00:40&sweep=${encodeURIComponent(sweep)}`);
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 90_000 }).toMatch(/^(\d+) of \1 runs/);
    const picture = () => page.locator('#sweep-panel svg').first().textContent();
    await expect.poll(picture).toMatch(/Time in trouble \(h:min\)(\d\d:\d\d){2}none/);
    expect(await page.locator('#sweep-panel select option:checked').allTextContents()).toContain('Time in trouble (h:min)');
    await page.locator('#sweep-panel [role="gridcell"]').first().focus();
    await expect.poll(() => page.textContent('.sweep-tip')).toMatch(/in trouble: \d\d:\d\d \(h:min\)/);
    await page.close();
  }, 150_000);

  it('the storm first: a bare load and an embed without t= open at 00:40, paused, Play focused, with ways to the start and the story', async () => {
    const story = model('azure-2026-02').model.story;
    const { page, errors } = await openLab(lab());
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('play');
    expect(await page.textContent('#play')).toBe('Play');
    // The graph shows the storm, not an all-green 17:30.
    await expect.poll(() => page.locator('#graph .gnode.service', { hasText: 'overloaded' }).count()).toBeGreaterThan(0);
    await expect.poll(() => decodeURIComponent(page.url())).toContain('v=2&model=azure-2026-02&t=00:40');
    // Space (Play has focus) plays from there.
    await page.keyboard.press(' ');
    await expect.poll(() => page.textContent('#play')).toBe('Pause');
    await page.keyboard.press(' ');
    await page.close();
    // "Start the story" goes to the first chapter; "Watch from the start" plays from 17:30.
    const second = await openLab(lab());
    await expect.poll(() => second.page.textContent('#clock')).toBe('00:40');
    await second.page.getByRole('button', { name: 'Start the story' }).click();
    await expect.poll(() => second.page.textContent('.chapter-title')).toBe(story[0].title);
    await expect.poll(() => second.page.textContent('#clock')).toBe(story[0].at);
    await second.page.close();
    const third = await openLab(lab());
    await expect.poll(() => third.page.textContent('#clock')).toBe('00:40');
    await third.page.getByRole('button', { name: 'Watch from the start' }).click();
    await expect.poll(() => third.page.textContent('#play')).toBe('Pause');
    await expect.poll(async () => ((await third.page.textContent('#clock')) ?? '').slice(0, 2)).toMatch(/^1[78]$/);
    await third.page.close();
    // An embed without t= opens there too; a version-1 link without t at the start, as before.
    const embed = await openLab(lab(), '?embed=1');
    await expect.poll(() => embed.page.textContent('#clock')).toBe('00:40');
    await embed.page.close();
    const old = await openLab(lab(), '?v=1&model=azure-2026-02');
    await expect.poll(() => old.page.textContent('#clock')).toBe('17:30');
    await old.page.close();
    const single = await openLab(lab(), '?model=single-service');
    await expect.poll(() => single.page.textContent('#clock')).toBe('1 m 30 s');
    await single.page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it('presenter mode: every chapter\'s caption fits without scrolling at 1920×1080 and 1280×720', async () => {
    const story = model('azure-2026-02').model.story;
    for (const [width, height] of [
      [1920, 1080],
      [1280, 720],
    ] as const) {
      const page = await lab().browser.newPage({ viewport: { width, height } });
      const cut: string[] = [];
      // As a presenter goes: the first chapter from the link, then → to each next one.
      await page.goto(`${lab().url}?chapter=1&present=1`);
      await page.locator('#graph svg').waitFor();
      for (let c = 1; c <= story.length; c++) {
        if (c > 1) await page.keyboard.press('ArrowRight');
        await expect.poll(() => page.textContent('.chapter-title')).toBe(story[c - 1].title);
        const over = await page.evaluate(() => {
          const t = document.querySelector<HTMLElement>('.caption-text')!;
          return t.scrollHeight - t.clientHeight;
        });
        if (over > 1) cut.push(`chapter ${c}: ${over} px`);
        // The dependency graph shows all of itself (its last row, the judged service, included),
        // once it is laid out for the room the caption leaves it (it follows its box's size).
        const graphOver = () => page.evaluate(() => {
          const b = document.querySelector<HTMLElement>('#graph .view-box')!;
          return b.scrollHeight - b.clientHeight;
        });
        await expect.poll(graphOver, { message: `chapter ${c} at ${width}×${height}: the graph is cut` }).toBeLessThanOrEqual(10);
        // The stage's three views are still on the screen below it.
        const graph = (await page.locator('#graph').boundingBox())!;
        expect(graph.y + graph.height, `chapter ${c} at ${width}×${height}`).toBeLessThanOrEqual(height);
      }
      expect(cut, `${width}×${height}`).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('a small embed, from 320 px wide, reaches both the map and the dependency graph, readable, with Play in reach', async () => {
    for (const [width, height] of [
      [320, 450],
      [360, 400],
      [400, 650],
      [480, 450],
    ] as const) {
      const page = await lab().browser.newPage({ viewport: { width, height } });
      await page.goto(`${lab().url}?t=00:40&embed=1`);
      await page.locator('#regions svg').waitFor();
      const size = (id: string) => page.locator(id).boundingBox();
      const where = `${width}×${height}`;
      const map = (await size('#regions'))!;
      expect(map.height, where).toBeGreaterThanOrEqual(150);
      expect((await size('#play'))!.y + 20, where).toBeLessThanOrEqual(height);
      await page.getByRole('button', { name: 'Dependency graph' }).click();
      await expect.poll(async () => (await size('#graph'))?.height ?? 0, { message: where }).toBeGreaterThanOrEqual(200);
      expect(await page.locator('#regions').isVisible(), where).toBe(false);
      // (The graph is laid out again for the box it is shown in: its nodes may be drawn anew meanwhile.)
      const node = page.locator('#graph .gnode.service').first();
      await expect.poll(async () => (await node.boundingBox())?.width ?? 0, { message: where }).toBeGreaterThanOrEqual(100);
      // Text no smaller than 12 px in the graph.
      // (Measured once the graph is laid out for its box: right after the switch a label may not be drawn yet.)
      const smallest = () => page.$$eval('#graph text', (ts) => Math.min(...ts.filter((t) => t.textContent).map((t) => t.getBoundingClientRect().height)));
      await expect.poll(smallest, { message: where }).toBeGreaterThanOrEqual(12);
      await page.getByRole('button', { name: 'Map', exact: true }).click();
      await expect.poll(() => page.locator('#regions').isVisible(), { message: where }).toBe(true);
      await page.close();
    }
  }, 120_000);

  it('after a map point opens, its run is in view at the moment the lab showed, beside a narrower drawer, the point outlined', async () => {
    const sweep = 'x=load=200:1100:4;y=trigger.duration=0:50:3;by=outcome;seeds=1';
    const page = await lab().browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${lab().url}?v=2&model=single-service&seed=5&t=120&sweep=${encodeURIComponent(sweep)}`);
    await expect.poll(() => page.textContent('#sweep-status'), { timeout: 60_000 }).toMatch(/^(\d+) of \1 runs/);
    const clock = await page.textContent('#clock');
    const cell = page.locator('#sweep-map rect.cell').nth(5);
    const target = (await cell.boundingBox())!;
    await cell.click();
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('load'))).not.toBeNull();
    await expect.poll(() => page.textContent('#clock')).toBe(clock);
    // The drawer leaves most of the window to the run: the map and the graph are in view.
    const drawer = (await page.locator('#sweep-panel').boundingBox())!;
    expect(drawer.width).toBeLessThanOrEqual(1280 * 0.4);
    for (const id of ['#graph', '#key-chart']) expect((await page.locator(id).boundingBox())!.x).toBeLessThan(drawer.x);
    // The point is outlined where it was clicked, and said in words.
    const mark = (await page.locator('.sweep-opened').boundingBox())!;
    const inside = (await cell.boundingBox())!;
    expect(Math.abs(mark.x + mark.width / 2 - (inside.x + inside.width / 2))).toBeLessThan(3);
    expect(Math.abs(mark.y + mark.height / 2 - (inside.y + inside.height / 2))).toBeLessThan(3);
    expect(target.width).toBeGreaterThan(0);
    expect(await page.textContent('.sweep-opened-text')).toMatch(/^Open in the lab: load = \d+, trigger\.duration = \d+\.$/);
    await page.close();
  }, 120_000);

  it('the view as PNG and GIF stands alone (land, title, clock, legend), and making the GIF leaves the run where it was', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })).newPage();
    await page.goto(`${lab().url}?t=00:40`);
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-view')]);
    const data = readFileSync((await png.path())!).toString('base64');
    // Counted in the picture: land pixels, dark caption text at the top, each state's legend swatch at the bottom.
    const seen = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      [c.width, c.height] = [img.width, img.height];
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const count = (y0: number, y1: number, test: (r: number, g: number, b: number) => boolean) => {
        let n = 0;
        for (let y = y0; y < y1; y++) for (let x = 0; x < c.width; x++) {
          const k = (y * c.width + x) * 4;
          if (test(px[k], px[k + 1], px[k + 2])) n++;
        }
        return n;
      };
      return {
        land: count(0, c.height, (r, g, b) => r === 217 && g === 222 && b === 227),
        captionInk: count(0, 50, (r, g, b) => r + g + b < 150),
        legendHealthy: count(c.height - 40, c.height, (r, g, b) => r === 0 && g === 127 && b === 114),
      };
    }, data);
    expect(seen.land).toBeGreaterThan(5000);
    expect(seen.captionInk).toBeGreaterThan(300);
    expect(seen.legendHealthy).toBeGreaterThan(100);
    const [gif] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.click('#export-gif')]);
    expect(gif.suggestedFilename()).toMatch(/\.gif$/);
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    await expect.poll(() => decodeURIComponent(page.url())).toContain('t=00:40');
    await page.context().close();
  }, 150_000);

  it('an exported chart keeps every label clear: the title inside the picture, no legend text into the next swatch', async () => {
    const page = await (await lab().browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })).newPage();
    await page.goto(`${lab().url}?t=02:00`);
    await expect.poll(() => page.textContent('#clock')).toBe('02:00');
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#chart-node .chart-export button', { hasText: 'SVG' }).click()]);
    const markup = readFileSync((await file.path())!, 'utf8');
    const problems = await page.evaluate((svgText) => {
      const box = document.createElement('div');
      box.innerHTML = svgText;
      document.body.append(box);
      const svg = box.querySelector('svg')!;
      const width = Number(svg.getAttribute('width'));
      const out: string[] = [];
      for (const t of svg.querySelectorAll<SVGTextElement>(':scope > text')) if (t.getBBox().x + t.getBBox().width > width) out.push(`title "${t.textContent}" past the edge`);
      const legend = [...svg.querySelectorAll<SVGGElement>(':scope > g')].pop()!;
      const lines = [...legend.querySelectorAll('line')];
      const texts = [...legend.querySelectorAll('text')];
      texts.forEach((t, k) => {
        const b = t.getBBox();
        const next = lines[k + 1];
        if (next && Number(next.getAttribute('y1')) === Number(lines[k].getAttribute('y1')) && b.x + b.width > Number(next.getAttribute('x1')) - 4) out.push(`"${t.textContent}" runs into the next swatch`);
        if (b.x + b.width > width) out.push(`"${t.textContent}" past the edge`);
      });
      box.remove();
      return out;
    }, markup);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('a link too long to share: the address bar keeps what fits and says what it left out; Copy link says so before it is shared', async () => {
    const ops = Array.from({ length: 200 }, (_, k) => `op=${1000 + k * 60}:admission(identity,eastus,${50 + (k % 50)})`).join('&');
    const { page, errors } = await openLab(lab(), `?v=2&t=00:40&${ops}`);
    await expect.poll(() => page.textContent('#clock')).toBe('00:40');
    // The address bar holds a link servers accept: the actions that fit, from the first, and a notice.
    await expect.poll(() => page.url()).toContain('op=');
    expect(page.url().length).toBeLessThanOrEqual(8000);
    const kept = new URL(page.url()).searchParams.getAll('op');
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(200);
    expect(kept[0]).toBe('1000:admission(identity,eastus,50)');
    await expect.poll(() => page.textContent('#notice')).toMatch(new RegExp(`The address bar leaves out the last ${200 - kept.length} of its 200 changes and operator actions \\(from \\d\\d:\\d\\d on\\): with them this run's link would be [\\d,]+ characters, more than the 8,000`));
    const whole = Number(/would be ([\d,]+) characters/.exec((await page.textContent('#notice'))!)![1].replace(/,/g, ''));
    expect(whole).toBeGreaterThan(8000);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.textContent('#notice')).toMatch(/^Link not copied: this run's link would be [\d,]+ characters, more than the 8,000/);
    // The address bar's link reads back as the run with the actions it kept.
    const again = await openLab(lab(), page.url().slice(lab().url.length));
    await expect.poll(() => again.page.textContent('#clock')).toBe('00:40');
    await expect.poll(() => new URL(again.page.url()).searchParams.getAll('op')).toEqual(kept);
    expect(await again.page.textContent('#notice')).toBe('');
    expect([...errors, ...again.errors]).toEqual([]);
    await page.close();
    await again.page.close();
  }, 90_000);
});
