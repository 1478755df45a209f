/**
 * The stage as a first-time visitor sees it, on a laptop, a projector, an old 4:3 screen, a blog's
 * sandboxed iframe and a phone: the map, the graph and a chart fill the first screen, Play moves
 * them at once, no text is too small to read, no label is cut, and axe finds nothing to fix. Also:
 * the model picker both ways, and links that restore a comparison. Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useLab } from './browser.ts';
import { model } from '../helpers.ts';

const lab = useLab();
mkdirSync('test-results', { recursive: true });

/** What the page measures about its own stage (run inside the page or frame). */
interface Measured {
  viewport: { w: number; h: number };
  /** Share of the first viewport covered by the map, the graph and the key chart. */
  coverage: number;
  /** Each of them lies inside the first viewport. */
  inside: Record<string, boolean>;
  /** The smallest text on the stage, in px, and where. */
  smallest: { px: number; text: string };
  /** Labels that do not fit their box. */
  clipped: string[];
}

async function measure(target: Page | Frame): Promise<Measured> {
  const m = await measureIn(target);
  if (m.clipped.length) console.log(`clipped at ${m.viewport.w}x${m.viewport.h}:\n  ${m.clipped.join('\n  ')}`);
  return m;
}

function measureIn(target: Page | Frame): Promise<Measured> {
  return target.evaluate(() => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const inside: Record<string, boolean> = {};
    let area = 0;
    for (const id of ['regions', 'graph', 'key-chart']) {
      const el = document.getElementById(id)!;
      const r = el.getBoundingClientRect();
      const shown = r.width > 0 && r.height > 0 && getComputedStyle(el).display !== 'none';
      inside[id] = shown && r.left >= -1 && r.top >= -1 && r.right <= vw + 1 && r.bottom <= vh + 1;
      if (shown) area += Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0)) * Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
    }
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return false;
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden') return false;
      }
      return true;
    };
    const stage = document.getElementById('stage')!;
    let smallest = { px: Infinity, text: '' };
    const clipped: string[] = [];
    for (const el of stage.querySelectorAll('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!own || !visible(el)) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < smallest.px) smallest = { px, text: el.textContent!.trim().slice(0, 40) };
      if (el instanceof SVGElement) {
        const text = el.closest('text') ?? el;
        const r = text.getBoundingClientRect();
        // A graph node's text stays in its node; every other label stays in its drawing.
        const node = el.closest('.gnode')?.querySelector('rect');
        const box = (node ?? el.ownerSVGElement!).getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) clipped.push(`"${text.textContent}" outside its ${node ? 'node' : 'drawing'}`);
        // And the drawing stays in its view.
        const view = el.closest('.view');
        if (view) {
          const v = view.getBoundingClientRect();
          if (r.left < v.left - 1 || r.right > v.right + 1 || r.top < v.top - 1 || r.bottom > v.bottom + 1) clipped.push(`"${text.textContent}" outside its view`);
        }
      } else {
        const h = el as HTMLElement;
        if (h.scrollWidth > h.clientWidth + 1 && h.clientWidth > 0 && getComputedStyle(h).overflowX !== 'visible') clipped.push(`"${h.textContent!.slice(0, 40)}" cut (${h.scrollWidth} > ${h.clientWidth})`);
        const view = h.closest('.view');
        if (view && !view.matches('.timeline-view')) {
          const r = h.getBoundingClientRect();
          const v = view.getBoundingClientRect();
          if (r.bottom > v.bottom + 1 || r.right > v.right + 1) clipped.push(`"${h.textContent!.slice(0, 40)}" outside its view`);
        }
      }
    }
    return { viewport: { w: vw, h: vh }, coverage: area / (vw * vh), inside, smallest, clipped: [...new Set(clipped)] };
  });
}

/** The rows the bar's controls take: controls whose boxes share a line are one row. */
function barRows(page: Page): Promise<number> {
  return page.evaluate(() => {
    const rows: { top: number; bottom: number }[] = [];
    for (const el of document.querySelectorAll('header.bar :is(h1, a, button, select, output)')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const row = rows.find((x) => r.top < x.bottom && r.bottom > x.top);
      if (row) Object.assign(row, { top: Math.min(row.top, r.top), bottom: Math.max(row.bottom, r.bottom) });
      else rows.push({ top: r.top, bottom: r.bottom });
    }
    return rows.length;
  });
}

async function stagePixels(page: Page): Promise<Buffer> {
  return page.screenshot({ clip: { x: 0, y: 0, width: page.viewportSize()!.width, height: page.viewportSize()!.height } });
}

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page } as never).analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0]?.target.join(' ')}) ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ').slice(0, 200)}`);
  if (found.length) console.log(`axe:\n  ${found.join('\n  ')}`);
  return found;
}

async function open(width: number, height: number, query: string): Promise<{ page: Page; errors: string[] }> {
  // A context of its own: axe needs one.
  const page = await (await lab().browser.newContext({ viewport: { width, height } })).newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(lab().url + query);
  await page.locator('#graph svg').waitFor({ timeout: 30_000 });
  return { page, errors };
}

/** The lab in a sandboxed iframe of this size (scripts only, as WordPress embeds), on a host page. */
async function openEmbed(width: number, height: number, query: string): Promise<{ page: Page; frame: Frame; errors: string[] }> {
  const page = await (await lab().browser.newContext({ viewport: { width, height } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(lab().url + 'host.html');
  await page.setContent(
    `<body style="margin:0"><iframe id="f" sandbox="allow-scripts" title="Cascade Lab" style="width:${width}px;height:${height}px;border:0;display:block" src="${lab().url}${query}"></iframe></body>`,
  );
  const frame = page.frame({ url: /embed=1/ })!;
  await frame.locator('#graph svg').waitFor({ timeout: 30_000 });
  await expect.poll(() => frame.textContent('#clock'), { timeout: 30_000 }).toBe('01:00');
  await page.waitForTimeout(500);
  return { page, frame, errors };
}

/** `barRows`: how many rows the bar may take (on narrower screens it wraps). */
const SCREENS = [
  { name: '1280x720', width: 1280, height: 720, query: '?t=01:00', minPx: 12, barRows: 1 },
  { name: '1920x1080-present', width: 1920, height: 1080, query: '?t=01:00&present=1', minPx: 18, barRows: 1 },
  { name: '1024x768', width: 1024, height: 768, query: '?t=01:00', minPx: 12, barRows: 2 },
  { name: '390x844', width: 390, height: 844, query: '?t=01:00', minPx: 12, barRows: 4 },
] as const;

describe('the stage', () => {
  for (const s of SCREENS) {
    it(`at ${s.name}: the storm fills the first screen, readable, nothing cut, Play moves it, axe finds nothing`, async () => {
      const { page, errors } = await open(s.width, s.height, s.query);
      await expect.poll(() => page.textContent('#clock'), { timeout: 30_000 }).toBe('01:00');
      await page.waitForTimeout(500);
      await page.screenshot({ path: `test-results/stage-${s.name}.png` });
      const m = await measure(page);
      const phone = s.width < 700;
      // On a phone the stage comes first and the page scrolls: the map and the graph's top are in view.
      if (!phone) {
        expect(m.inside).toEqual({ regions: true, graph: true, 'key-chart': true });
        expect(m.coverage).toBeGreaterThanOrEqual(0.5);
      } else expect(m.inside.regions).toBe(true);
      expect(m.smallest.px, m.smallest.text).toBeGreaterThanOrEqual(s.minPx);
      expect(m.clipped.join('\n')).toBe('');
      expect(await barRows(page)).toBeLessThanOrEqual(s.barRows);
      const before = await stagePixels(page);
      await page.locator('#play').click();
      await page.waitForTimeout(700);
      expect((await stagePixels(page)).equals(before)).toBe(false);
      await page.locator('#play').click();
      expect((await axe(page)).join('\n')).toBe('');
      expect(errors).toEqual([]);
      const bar = (await page.locator('header.bar').boundingBox())!.height;
      console.log(`${s.name}: stage covers ${(m.coverage * 100).toFixed(0)} % of the first screen; bar ${bar} px; smallest text ${m.smallest.px} px`);
      await page.close();
    }, 120_000);
  }

  it('in a 1000×650 sandboxed iframe: the stage and transport only, readable; "Open the full lab" offers the link to copy', async () => {
    const { page, frame, errors } = await openEmbed(1000, 650, '?model=azure-2026-02&t=01:00&embed=1&controls=retry.attempts');
    await page.screenshot({ path: 'test-results/stage-embed-1000x650.png' });
    const m = await measure(frame);
    expect(m.inside).toEqual({ regions: true, graph: true, 'key-chart': true });
    expect(m.coverage).toBeGreaterThanOrEqual(0.5);
    expect(m.smallest.px, m.smallest.text).toBeGreaterThanOrEqual(12);
    expect(m.clipped.join('\n')).toBe('');
    // The stage and the transport only, plus the one setting the link asked for.
    expect(await frame.locator('#side').isVisible()).toBe(false);
    expect(await frame.locator('.panel-tabs').isVisible()).toBe(false);
    expect(await frame.getByRole('slider', { name: 'Retries' }).isVisible()).toBe(true);
    expect(await frame.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(650);
    // No popups allowed here: the link to the full lab is offered as text instead.
    await frame.getByRole('link', { name: /Open the full lab/ }).click();
    await expect.poll(() => frame.locator('#copy-box').isVisible()).toBe(true);
    expect(await frame.locator('#copy-box').inputValue()).toContain('model=azure-2026-02');
    expect(await frame.locator('#copy-box').inputValue()).not.toContain('embed=1');
    expect(await frame.textContent('#notice')).toContain('cannot open new windows');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  // A frame of a fixed height, as a blog's iframe without embed.js: the key chart stays, smaller.
  for (const [width, height] of [
    [650, 400],
    [650, 560],
    [1000, 400],
    [1000, 560],
  ] as const) {
    it(`in a ${width}×${height} sandboxed iframe: the map, the graph and the key chart in view, readable, nothing cut`, async () => {
      const { page, frame, errors } = await openEmbed(width, height, '?model=azure-2026-02&t=01:00&embed=1');
      await page.screenshot({ path: `test-results/stage-embed-${width}x${height}.png` });
      const m = await measure(frame);
      expect(m.inside).toEqual({ regions: true, graph: true, 'key-chart': true });
      expect(m.smallest.px, m.smallest.text).toBeGreaterThanOrEqual(12);
      expect(m.clipped.join('\n')).toBe('');
      // A chart, not a sliver: its plot has room for its lines.
      const plot = (await frame.locator('#key-chart .chart-plot svg').boundingBox())!;
      expect(plot.height).toBeGreaterThanOrEqual(70);
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it('the embed itself, at 1000×650, has nothing for axe to fix (axe cannot reach into an opaque-origin frame, so the same page is opened on its own)', async () => {
    const { page, errors } = await open(1000, 650, '?model=azure-2026-02&t=01:00&embed=1&controls=retry.attempts');
    await expect.poll(() => page.textContent('#clock'), { timeout: 30_000 }).toBe('01:00');
    expect(await page.locator('h1').count()).toBeGreaterThan(0);
    expect((await axe(page)).join('\n')).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a chapter in a 650×400 embed: its text scrolls, by keyboard too, and axe has nothing to fix', async () => {
    const { page, errors } = await open(650, 400, '?model=azure-2026-02&chapter=3&embed=1');
    await expect.poll(() => page.textContent('.chapter-title'), { timeout: 30_000 }).not.toBe('');
    const caption = page.locator('.caption-text');
    expect(await caption.evaluate((e) => e.scrollHeight > e.clientHeight)).toBe(true);
    await caption.focus();
    await page.keyboard.press('PageDown');
    await expect.poll(() => caption.evaluate((e) => e.scrollTop)).toBeGreaterThan(0);
    expect((await axe(page)).join('\n')).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a model with one region and no coordinates shows its graph large instead of a map', async () => {
    const { page, errors } = await open(1280, 720, '?model=single-service&t=100');
    await expect.poll(() => page.textContent('#clock')).toBe('1 m 40 s');
    await page.screenshot({ path: 'test-results/stage-single-service-1280x720.png' });
    expect(await page.locator('#regions svg').count()).toBe(0);
    const graph = (await page.locator('#graph').boundingBox())!;
    expect(graph.width * graph.height).toBeGreaterThan(0.25 * 1280 * 720);
    // The model speaks for itself: its own story at this moment, its own durations, no incident vocabulary.
    const text = (await page.textContent('body')) ?? '';
    const story = model('single-service').model.story;
    expect(await page.textContent('.chapter-title')).toBe(story.filter((c) => Number(c.at) <= 100).at(-1)!.title);
    expect(text).not.toContain('Managed Identity');
    expect(text).not.toContain('Bystander');
    expect(text).toContain('Scale out +50 % (1 min)');
    expect(text).not.toContain('(30 min)');
    // Its clock reads longer than Azure's ("1 m 40 s"): the bar still takes one row.
    expect(await barRows(page)).toBe(1);
    const m = await measure(page);
    expect(m.smallest.px).toBeGreaterThanOrEqual(12);
    expect(m.clipped.join('\n')).toBe('');
    expect((await axe(page)).join('\n')).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the model picker switches models both ways, by mouse and by keyboard', async () => {
    const { page, errors } = await open(1280, 720, '');
    const picker = page.locator('#model');
    await picker.selectOption({ label: 'One service, one trigger' });
    await expect.poll(() => page.textContent('#model-title')).toBe('One service, one trigger');
    await expect.poll(() => page.textContent('#clock')).toBe('0 s');
    expect(await picker.inputValue()).toBe('single-service');
    await expect.poll(() => page.url()).toContain('model=single-service');
    await picker.selectOption({ label: 'Azure, 2–3 February 2026' });
    await expect.poll(() => page.textContent('#model-title')).toBe('Azure, 2–3 February 2026');
    await expect.poll(() => page.locator('#regions svg').count()).toBe(1);
    // By keyboard: the arrow keys change a focused select at once.
    await picker.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.textContent('#model-title')).toBe('One service, one trigger');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.textContent('#model-title')).toBe('Azure, 2–3 February 2026');
    expect(await picker.inputValue()).toBe('azure-2026-02');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a link with compare= restores run B at the link\'s time, the bar still one row at 1280 px; Stop comparing takes it out of the address', async () => {
    const { page, errors } = await open(1400, 1000, '?t=02:00&compare=w:isolated');
    await expect.poll(() => page.textContent('#clock')).toBe('02:00');
    await expect.poll(() => page.locator('#compare-title').textContent()).toBe('B: Isolated regions');
    // B has run to A's time: its graph has traffic, its lines are on the charts.
    await expect.poll(() => page.locator('#graph-b .gnode.service .numbers').allTextContents(), { timeout: 30_000 }).not.toContain('0 in · 0 ok');
    const b = page.locator('#chart-node .legend span', { has: page.locator('b', { hasText: /^B offered$/ }) }).locator('small');
    await expect.poll(async () => ((await b.textContent()) ?? '').trim()).not.toMatch(/^(0|–)$/);
    // The Compare tab it adds keeps the bar on one row on a laptop.
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => barRows(page)).toBe(1);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.getByRole('button', { name: 'Stop comparing' }).click();
    await expect.poll(() => page.url()).not.toContain('compare=');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('run B\'s graph is laid out for its box, and again whenever the window changes it', async () => {
    // Opened where the panels are a closed drawer: B's graph has no room yet.
    const { page, errors } = await open(1280, 720, '?t=02:00&compare=w:isolated');
    await expect.poll(() => page.locator('#compare-title').textContent()).toBe('B: Isolated regions');
    const fits = (min: number) =>
      page.locator('#graph-b').evaluate((box, min) => {
        const svg = box.querySelector('svg')?.getBoundingClientRect().width ?? 0;
        return box.clientWidth >= min && Math.abs(svg - box.clientWidth) <= 1 ? 'fits' : `${svg} px in a box of ${box.clientWidth} px`;
      }, min);
    // Wider: the panels sit beside the stage.
    await page.setViewportSize({ width: 1400, height: 1000 });
    await expect.poll(() => fits(300)).toBe('fits');
    await expect.poll(() => page.locator('#graph-b .gnode.service .numbers').allTextContents(), { timeout: 30_000 }).not.toContain('0 in · 0 ok');
    // A phone: the drawer takes most of the width, narrower than the panels beside the stage.
    const wide = await page.locator('#graph-b').evaluate((box) => box.clientWidth);
    await page.setViewportSize({ width: 340, height: 740 });
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect.poll(() => fits(200)).toBe('fits');
    expect(await page.locator('#graph-b').evaluate((box) => box.clientWidth)).toBeLessThan(wide);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a graph too narrow for a layer in one row keeps its text clear: the row below sits between the edges, traffic runs behind the nodes', async () => {
    for (const [width, height] of [[1024, 768], [390, 844]]) {
      const { page, errors } = await open(width, height, '?t=01:00');
      const nodes = await page.locator('#graph .gnode').evaluateAll((gs) =>
        gs.map((g) => {
          const r = g.querySelector('rect')!.getBoundingClientRect();
          return { label: g.querySelector('title')?.textContent ?? '', x: r.x, y: r.y, w: r.width, h: r.height };
        }),
      );
      // Rows of the graph, top to bottom. The sources do not fit in one row: those in the second
      // must not sit under the middle of one in the first (where its edges leave).
      const rows = [...new Set(nodes.map((n) => Math.round(n.y)))].sort((a, b) => a - b).map((y) => nodes.filter((n) => Math.round(n.y) === y));
      const crossed: string[] = [];
      for (let k = 1; k < rows.length; k++) {
        for (const upper of rows[k - 1]) {
          const mid = upper.x + upper.w / 2;
          for (const lower of rows[k]) if (isSource(upper.label) && isSource(lower.label) && mid > lower.x && mid < lower.x + lower.w) crossed.push(`${upper.label} over ${lower.label}`);
        }
      }
      expect(crossed, `${width}×${height}`).toEqual([]);
      const order = await page.locator('#graph').evaluate((box) => {
        const z = (sel: string) => Number(getComputedStyle(box.querySelector(sel)!).zIndex);
        return z('svg') > z('canvas.particles');
      });
      expect(order, 'the nodes are drawn over the traffic').toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('?chapter=N alone goes to the chapter\'s moment and focus, as a caption on the stage', async () => {
    const { page, errors } = await open(1280, 720, '?chapter=5');
    await expect.poll(() => page.textContent('.chapter-title')).toBe('00:08 — the storm');
    await expect.poll(() => page.textContent('#clock')).toBe('00:20');
    expect(await page.getByRole('button', { name: /^East US:/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('.gnode.highlight').count()).toBeGreaterThan(0);
    const caption = (await page.locator('#caption').boundingBox())!;
    expect(caption.y + caption.height).toBeLessThan(720);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the timeline says which events come from the incident report and which are assumed', async () => {
    const { page } = await open(1280, 720, '?t=00:30');
    await expect.poll(() => page.textContent('#clock')).toBe('00:30');
    expect(await page.locator('#timeline .mark.report').count()).toBeGreaterThan(3);
    expect(await page.locator('#timeline .mark.assumed').count()).toBeGreaterThan(3);
    const mark = page.locator('#timeline .mark.assumed .hit').first();
    await mark.hover({ force: true });
    await expect.poll(() => page.locator('.timeline-tip').textContent()).toContain('Assumed by the model');
    await page.close();
  }, 120_000);

  it('keyboard order follows the screen: the bar, then the stage; a panel button takes focus into its panel', async () => {
    const { page, errors } = await open(1280, 720, '');
    const order: string[] = [];
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    for (let k = 0; k < 40; k++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        return e.closest('header') ? 'bar' : e.closest('#stage') ? 'stage' : e.closest('#side') ? 'side' : e.tagName;
      }));
    }
    // All of the bar, then the stage: never back to the bar in between.
    const firstStage = order.indexOf('stage');
    expect(firstStage).toBeGreaterThan(0);
    expect(firstStage).toBeLessThan(20);
    expect(order.slice(0, firstStage).every((x) => x === 'bar')).toBe(true);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    expect(await page.evaluate(() => !!document.activeElement?.closest('#panel-settings'))).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('#side').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a chart exported as SVG stands alone: title, time axis named, legend with units', async () => {
    const { page } = await open(1400, 1000, '?t=01:00');
    await expect.poll(() => page.textContent('#clock')).toBe('01:00');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#chart-node').getByRole('button', { name: 'Download this chart as SVG' }).click()]);
    const svg = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (c: Buffer) => (text += c.toString()));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
    });
    expect(svg).toContain('Managed Identity, East US: requests per second');
    expect(svg).toContain('at 01:00');
    expect(svg).toContain('Time (UTC)');
    expect(svg).toContain('req/s');
    for (const series of ['offered', 'capacity', 'goodput']) expect(svg).toContain(series);
    await page.close();
  }, 120_000);
});

/** Where work comes from (the graph's first layer) in the incident model. */
function isSource(label: string): boolean {
  return ['VM operations', 'AKS scale-ups', 'CI jobs', 'Applications'].includes(label);
}
