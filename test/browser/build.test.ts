/**
 * Building a system in the page, by the UI alone: from nothing to the SRE book's 64× at the
 * bottom of three layers of retries; a link that alone reproduces a built model; the saved file
 * run on the command line; refusals shown at their field; undo and redo; an edit of a value
 * drawn on the views already on screen; regions placed on the world map by a click or by their
 * fields; a refused model link; the view beside the stage at
 * 1280×720 with nothing for axe to find.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useLab } from './browser.ts';
import { BUILTIN_MODELS } from '../../models/index.ts';

const lab = useLab();
const ROOT = new URL('../../', import.meta.url).pathname;

async function open(query: string, width = 1400, height = 1000): Promise<{ page: Page; errors: string[] }> {
  const context = await lab().browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(lab().url + query);
  await page.locator('#graph svg').waitFor({ timeout: 30_000 });
  return { page, errors };
}

const build = (page: Page) => page.locator('#build');
const running = (page: Page) => expect.poll(() => page.textContent('#build-status')).toBe('The model as edited is running.');

/** Starts a build from one of the Build view's starting points (a template, or Empty). */
async function startFrom(page: Page, label: string): Promise<void> {
  await build(page).getByLabel('Start from').selectOption({ label });
  await build(page).getByRole('button', { name: 'Start' }).click();
}

/** Types into a field and commits it, as Tab does. */
async function fill(page: Page, group: string, label: string, value: string): Promise<void> {
  const field = build(page).getByRole('group', { name: group, exact: true }).getByLabel(label, { exact: true });
  await field.fill(value);
  await field.press('Tab');
}

/** The "× new work" figure of a service in the Build view's table. */
async function times(page: Page, service: string): Promise<number> {
  const text = (await page.locator(`#build-load tr[data-service="${service}"] td.times`).textContent()) ?? '';
  return Number(text.replace('×', ''));
}

async function saved(page: Page): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), build(page).getByRole('button', { name: 'Save model' }).click()]);
  return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
}

describe('building a system in the page', () => {
  it('from nothing: clients → gateway → API → database with 3 retries at each call puts 64× the clients’ demand on the failing database', async () => {
    const { page, errors } = await open('?model=single-service');
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    await startFrom(page, 'Empty');
    // Nothing to run yet: the model open before goes on.
    await expect.poll(() => page.textContent('#build-status')).toMatch(/does not run; the model open before goes on/);
    expect(await page.textContent('#model-title')).toBe('One service, one trigger');
    for (let k = 0; k < 3; k++) await build(page).getByRole('button', { name: 'Add service' }).click();
    await fill(page, 'Service: Service 1', 'Name', 'Gateway');
    await fill(page, 'Service: Service 2', 'Name', 'API');
    await fill(page, 'Service: Service 3', 'Name', 'Database');
    await build(page).getByRole('button', { name: 'Add source' }).click();
    await running(page);
    await fill(page, 'Source: Clients', 'Rate (req/s)', '10');
    // Gateway → API drawn with the pointer, from one box to the other (the graph scrolled into view, as a person would).
    await page.locator('.build-node[data-service="service-1"]').scrollIntoViewIfNeeded();
    const from = await page.locator('.build-node[data-service="service-1"]').boundingBox();
    const to = await page.locator('.build-node[data-service="service-2"]').boundingBox();
    await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
    await page.mouse.down();
    await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => build(page).getByRole('group', { name: 'Gateway → API' }).count()).toBe(1);
    // API → Database from the keyboard, with the list.
    await build(page).getByLabel('From', { exact: true }).selectOption({ label: 'API' });
    await build(page).getByLabel('to', { exact: true }).selectOption({ label: 'Database' });
    await build(page).getByRole('button', { name: 'Add call' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => build(page).getByRole('group', { name: 'API → Database' }).count()).toBe(1);
    const retries = build(page).getByLabel('Retries', { exact: true });
    await retries.fill('3');
    await retries.press('Tab');
    // The database fails every try, from the start.
    await build(page).getByLabel('New event').selectOption({ label: 'Errors' });
    await build(page).getByRole('button', { name: 'Add event' }).click();
    await fill(page, 'Event 1: Errors', 'Duration (s)', '600');
    await build(page).getByRole('group', { name: 'Event 1: Errors' }).getByLabel('Service').selectOption({ label: 'Database' });
    await running(page);
    expect(await page.textContent('#model-title')).toBe('Built: a new model');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => times(page, 'service-3'), { timeout: 30_000 }).toBeGreaterThan(63);
    await page.getByRole('button', { name: 'Pause' }).click();
    // 4 × 4 × 4: each layer tries four times what the one above sent it (the retries of a window
    // answer the clients' noisy demand of a few seconds before: within about 1 %).
    expect(await times(page, 'service-3')).toBeLessThan(65);
    expect(Math.round(await times(page, 'service-2'))).toBe(16);
    expect(Math.round(await times(page, 'service-1'))).toBe(4);
    // The saved file runs on the command line, to the same CSV as the page's export, a row for every service.
    const file = await saved(page);
    expect(file.name).toBe('built-setup.json');
    const path = join(mkdtempSync(join(tmpdir(), 'cascade-build-')), file.name);
    writeFileSync(path, file.text);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--model', path], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const rows = cli.stdout.trim().split('\n').slice(1).map((line) => line.split(','));
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(['service-1', 'service-2', 'service-3']));
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(readFileSync((await csv.path())!, 'utf8')).toBe(cli.stdout);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('from single-service: a service added, and the link alone opens the same model', async () => {
    const { page, errors } = await open('?model=single-service');
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    await build(page).getByRole('button', { name: 'Add service' }).click();
    await running(page);
    await fill(page, 'Service: Service 1', 'Capacity (req/s)', '250');
    await running(page);
    // The trigger's time reads a setting; given a value of its own, it is edited like any other.
    const trigger = build(page).getByRole('group', { name: /^Event 1: Capacity drop/ });
    expect(await trigger.textContent()).toContain('At: from the setting trigger.at');
    await trigger.getByRole('button', { name: 'Own value for event 1: at' }).click();
    await running(page);
    await expect.poll(() => trigger.getByLabel('At (s or HH:MM)', { exact: true }).inputValue()).toBe('60');
    await fill(page, 'Event 1: Capacity drop — Trigger: capacity drops', 'At (s or HH:MM)', '90');
    await running(page);
    await expect.poll(() => page.textContent('#build-link')).toMatch(/^Link: [\d,]+ characters of 8,000$/);
    await build(page).getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.textContent('#notice')).toBe('Link copied.');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/[?&]m=[\w-]+/);
    expect(link).toMatch(/[?&]model=built-single-service(&|$)/);
    const here = await saved(page);
    const { page: other, errors: otherErrors } = await open(link.slice(link.indexOf('?')));
    expect(await other.textContent('#model-title')).toBe('Built: One service, one trigger');
    expect(await other.locator('#graph').textContent()).toContain('Service 1');
    // The story came along; the file the other page saves is the same model, byte for byte.
    expect(await other.textContent('.chapter-count')).toMatch(/3 chapters/);
    await other.getByRole('button', { name: 'Build', exact: true }).click();
    expect(await saved(other)).toEqual(here);
    expect(JSON.parse(here.text).services.map((s: { id: string }) => s.id)).toEqual(['server', 'service-1']);
    expect(JSON.parse(here.text).timeline[0]).toMatchObject({ at: 90, capacityPercent: '$trigger.capacity' });
    expect([...errors, ...otherErrors]).toEqual([]);
    await page.context().close();
    await other.context().close();
  }, 120_000);

  it('shows a refused edit at its field with what is allowed; the last valid model runs on; undo and redo', async () => {
    const { page, errors } = await open('?model=single-service');
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    await fill(page, 'Service: Server', 'Capacity (req/s)', '-5');
    await expect.poll(() => page.textContent('#build-status')).toMatch(/^1 problem in this edit, shown at its field: it does not run; the last valid model goes on\.$/);
    const field = build(page).getByRole('group', { name: 'Service: Server' }).getByLabel('Capacity (req/s)');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const why = page.locator(`#${await field.getAttribute('aria-describedby')}`);
    expect(await why.textContent()).toMatch(/0 .*allowed: a number from 0 to 1e\+9 req\/s/);
    // What runs is the last valid model: its capacity is still 1000.
    expect(await page.locator('output[for="param-capacity"]').textContent()).toBe('1000 req/s');
    await page.locator('#build-title').click();
    await page.keyboard.press('Control+z');
    await running(page);
    expect(await field.inputValue()).toBe('1000');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => field.inputValue()).toBe('-5');
    await build(page).getByRole('button', { name: 'Undo' }).click();
    await running(page);
    // A name the loader refuses is shown where it was typed.
    await fill(page, 'Service: Server', 'Name', 'x'.repeat(70));
    await expect.poll(() => build(page).locator('.build-error').first().textContent()).toMatch(/allowed: text of at most 60 characters/);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a call carries its own retry policy: a real client picked for it, a value refused at its field, saved and reopened by link', async () => {
    const { page, errors } = await open('?model=single-service');
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    await startFrom(page, 'Client → API → database');
    await running(page);
    const call = build(page).getByRole('group', { name: 'API → Database' });
    await call.getByText('Own retry policy (model-wide)').click();
    await call.getByLabel('Client on this call').selectOption({ label: 'Envoy' });
    await running(page);
    await expect.poll(() => call.getByText('Own retry policy (1 set)').count()).toBe(1);
    const retries = build(page).getByRole('group', { name: 'API → Database' }).getByLabel('Retries on this call');
    await retries.fill('99');
    await retries.press('Tab');
    await expect.poll(() => page.textContent('#build-status')).toMatch(/^1 problem in this edit/);
    expect(await page.locator(`#${await retries.getAttribute('aria-describedby')}`).textContent()).toMatch(/allowed: a whole number from 0 to 10, or empty for the model-wide setting/);
    await retries.fill('2');
    await retries.press('Tab');
    await running(page);
    const file = await saved(page);
    const model = JSON.parse(file.text);
    expect(model.schema).toBe(2);
    expect(model.calls[0].policy).toEqual({ preset: 'envoy', 'retry.attempts': 2 });
    await expect.poll(() => page.textContent('#build-link')).toMatch(/^Link: [\d,]+ characters of 8,000$/);
    await build(page).getByRole('button', { name: 'Copy link' }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const { page: other, errors: otherErrors } = await open(link.slice(link.indexOf('?')));
    await other.getByRole('button', { name: 'Build', exact: true }).click();
    expect(await saved(other)).toEqual(file);
    expect([...errors, ...otherErrors]).toEqual([]);
    await page.context().close();
    await other.context().close();
  }, 120_000);

  it('a built model too big for a link says so where the link is copied, and offers the file instead', async () => {
    // A model of one's own with 30 services, each described in 400 characters that do not compress.
    let seed = 7;
    const noise = (n: number) => Array.from({ length: n }, () => ((seed = (seed * 48271) % 2147483647) % 36).toString(36)).join('');
    const data = structuredClone(BUILTIN_MODELS['single-service']) as { id: string; title: string; services: Record<string, unknown>[] };
    data.id = 'big-system';
    data.title = 'A big system';
    for (let k = 1; k <= 30; k++) data.services.push({ id: `extra-${k}`, label: `Extra ${k}`, capacityRps: 1000, description: noise(400) });
    const { page, errors } = await open('?model=single-service');
    await page.locator('#open-model').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(data)) });
    await expect.poll(() => page.textContent('#model-title')).toBe('A big system');
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    // Once edited, the built model runs, and its link would carry the whole of it.
    await fill(page, 'Service: Extra 1', 'Capacity (req/s)', '2000');
    await running(page);
    await expect.poll(() => page.textContent('#build-link')).toMatch(/^Too big for a link \(([\d,]+) characters of 8,000\): save the model as a file instead\.$/);
    const chars = Number((await page.textContent('#build-link'))!.match(/\(([\d,]+) characters/)![1].replace(/,/g, ''));
    expect(chars).toBeGreaterThan(8000);
    // The address bar says so too, once, rather than list nothing it could leave out.
    await expect.poll(() => page.textContent('#notice')).toMatch(/The address bar holds a link of [\d,]+ characters, more than the 8,000 that servers reliably accept: the model built here is too big to travel in a link\. Save model saves it as a file to share instead\./);
    await build(page).getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.textContent('#notice')).toMatch(/^Link not copied: this built model's link would be [\d,]+ characters, more than the 8,000 that servers reliably accept\. Save model saves it as a file/);
    // The file it offers holds the whole model.
    const file = await saved(page);
    expect(JSON.parse(file.text).services).toHaveLength(31);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('an edit of a value on the incident runs at once and is drawn on the views already on screen; an edit of a name draws the graph again', async () => {
    const { page, errors } = await open('?model=azure-2026-02');
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    const keyChart = () => page.locator('#chart-node svg').first().getAttribute('aria-label');
    // The first edit makes the incident a built model, with a title of its own.
    await fill(page, 'Service: Managed Identity', 'Capacity (req/s)', '11000');
    await expect.poll(() => page.textContent('#model-title')).toMatch(/^Built: /);
    // The key chart follows Managed Identity in East US (scale 3): 11,000 req/s there is 33k.
    await page.locator('#step').click();
    await expect.poll(keyChart).toMatch(/capacity 33k/);
    const nodes = () => {
      const w = window as unknown as { shown: Element[] };
      const now = ['#graph svg', '#regions svg', '#timeline svg', '#chart-node svg', '#caption .caption-text', '#build-form fieldset'].map((s) => document.querySelector(s)!);
      w.shown ??= now;
      return now.map((n, k) => n === w.shown[k]);
    };
    expect(await page.evaluate(nodes)).toEqual([true, true, true, true, true, true]);
    // The frames drawn from now on: the run starts again from the beginning of its clock.
    await page.evaluate(() => {
      const w = window as unknown as { drawn: number[] };
      w.drawn = [];
      document.addEventListener('lab:frame', (e) => w.drawn.push((e as CustomEvent<{ t: number }>).detail.t));
    });
    expect(await page.evaluate(() => (window as unknown as { drawn: number[] }).drawn)).toEqual([]);
    await fill(page, 'Service: Managed Identity', 'Capacity (req/s)', '12000');
    await expect.poll(() => page.evaluate(() => (window as unknown as { drawn: number[] }).drawn.includes(0))).toBe(true);
    // Tab moved on to the next field, in the same form.
    expect(await page.evaluate(() => document.activeElement?.closest('fieldset')?.querySelector('legend')?.textContent)).toBe('Service: Managed Identity');
    // One sample into the new run, the key chart reads the new capacity: 12,000 × 3.
    await page.locator('#step').click();
    await expect.poll(keyChart).toMatch(/capacity 36k/);
    // The same graph, map, timeline, chart, caption and form, drawing the new run.
    expect(await page.evaluate(nodes)).toEqual([true, true, true, true, true, true]);
    // A chart kept from the incident is saved under the built model's name.
    const [chart] = await Promise.all([page.waitForEvent('download'), page.locator('#chart-node').getByRole('button', { name: 'Download this chart as SVG' }).click()]);
    expect(chart.suggestedFilename()).toBe('built-azure-2026-02-service.svg');
    expect(await build(page).getByRole('group', { name: 'Service: Managed Identity' }).getByLabel('Capacity (req/s)').inputValue()).toBe('12000');
    // A field typed in while the form waits for the run to be drawn keeps what is typed.
    const field = (key: string) => page.locator(`#build [data-key="${key}"]`);
    await page.evaluate(() => {
      const capacity = document.querySelector<HTMLInputElement>('#build [data-key="services.6.capacityRps"]')!;
      capacity.value = '12500';
      capacity.dispatchEvent(new Event('change', { bubbles: true }));
      // Typed as a person types (the field then commits when left), in the same task as the edit: before the form is drawn again.
      const name = document.querySelector<HTMLInputElement>('#build [data-key="services.6.label"]')!;
      name.focus();
      name.select();
      document.execCommand('insertText', false, 'Identity');
    });
    await expect.poll(() => field('services.6.capacityRps').evaluate((e) => (e as HTMLInputElement).defaultValue)).toBe('12500');
    expect(await field('services.6.label').inputValue()).toBe('Identity');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe('services.6.label');
    // A name is part of what the graph shows: it is drawn again, and the form with it.
    await field('services.6.label').press('Tab');
    await expect.poll(() => page.locator('#graph').textContent()).not.toContain('Managed Identity');
    expect(await page.locator('#graph').textContent()).toContain('Identity');
    await expect.poll(() => build(page).getByRole('group', { name: 'Service: Identity' }).count()).toBe(1);
    const after = await page.evaluate(nodes);
    expect(after[0]).toBe(false);
    expect(after[5]).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('regions are placed on the world map: an added region has a place, a click moves the region chosen, a latitude typed moves it too', async () => {
    const { page, errors } = await open('?model=single-service');
    await page.getByRole('button', { name: 'Build', exact: true }).click();
    await startFrom(page, 'Two regions with failover');
    await running(page);
    await build(page).getByRole('button', { name: 'Add region' }).click();
    await running(page);
    // The new region has a place of its own: every region has one, so the stage shows the map.
    const added = build(page).getByRole('group', { name: 'Region: Region 1' });
    expect(await added.getByLabel('Latitude (°)').inputValue()).toMatch(/^-?\d+(\.\d)?$/);
    expect(await added.getByLabel('Longitude (°)').inputValue()).toMatch(/^-?\d+(\.\d)?$/);
    await expect.poll(() => page.locator('#regions svg').count()).toBe(1);
    await expect.poll(() => page.locator('#regions').textContent()).toContain('Region 1');
    const map = build(page).getByRole('img', { name: /^Regions on the world map/ });
    expect(await map.getAttribute('aria-label')).toMatch(/Region 1 at [\d.]+° [NS], [\d.]+° [EW]/);
    // A click on the map puts the region chosen there (southern hemisphere, west of Greenwich, as clicked).
    await build(page).getByLabel('Click the map to place').selectOption({ label: 'East' });
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.75);
    const east = build(page).getByRole('group', { name: 'Region: East' });
    await expect.poll(async () => Number(await east.getByLabel('Latitude (°)').inputValue())).toBeLessThan(0);
    expect(Number(await east.getByLabel('Longitude (°)').inputValue())).toBeLessThan(0);
    expect(await build(page).getByLabel('Click the map to place').inputValue()).toBe('east');
    await running(page);
    // From the keyboard: a latitude typed moves the marker as a click does.
    await fill(page, 'Region: East', 'Latitude (°)', '40');
    await fill(page, 'Region: East', 'Longitude (°)', '-75');
    await expect.poll(() => map.getAttribute('aria-label')).toMatch(/East at 40° N, 75° W/);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a model link that is refused opens the default model with a notice, keeping the link’s other parts', async () => {
    const { page, errors } = await open('?v=2&model=built-x&m=AAAA&seed=5&retry.attempts=1&t=00:20');
    await expect.poll(() => page.textContent('#notice')).toMatch(/The model in this link \("built-x"\) could not be opened \(it is not a deflated model\), so the lab opens its default model with the rest of the link\./);
    expect(await page.textContent('#model-title')).toBe('Azure, 2–3 February 2026');
    await expect.poll(() => page.textContent('#clock')).toBe('00:20');
    await expect.poll(() => page.url()).toMatch(/[?&]retry\.attempts=1(&|$)/);
    expect(page.url()).toMatch(/[?&]seed=5(&|$)/);
    expect(page.url()).not.toMatch(/[?&]m=/);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('fits beside the stage at 1280×720 from the incident, keyboard-first, and axe finds nothing', async () => {
    const { page, errors } = await open('?model=azure-2026-02', 1280, 720);
    await page.getByRole('button', { name: 'Build', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => build(page).isVisible()).toBe(true);
    // Focus moves into the view; the stage is still beside it.
    expect(await page.evaluate(() => document.getElementById('build')!.contains(document.activeElement))).toBe(true);
    const panel = (await build(page).boundingBox())!;
    const stage = (await page.locator('#stage').boundingBox())!;
    expect(panel.x + panel.width).toBeLessThanOrEqual(stage.x + 1);
    expect(stage.x + stage.width).toBeLessThanOrEqual(1280);
    expect(stage.width).toBeGreaterThan(700);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    const result = await new AxeBuilder({ page } as never).analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
    // Escape-free close by keyboard: the close button gives focus back to Build.
    await build(page).getByRole('button', { name: 'Close Build' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => build(page).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('build-open');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
