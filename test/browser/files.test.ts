/** Exports and model files, as a person uses them: the downloaded CSV, and files that must be refused. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { openLab, useLab } from './browser.ts';

const lab = useLab();

const ROOT = new URL('../../', import.meta.url).pathname;

describe('exports and model files', () => {
  it('the CSV downloaded for a link equals npm run simulate with the same settings', async () => {
    const { page, errors } = await openLab(lab(), '?model=single-service&seed=7&retry.attempts=1&timeout=4');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--model', 'single-service', '--seed', '7', '--set', 'retry.attempts=1', '--set', 'timeout=4'], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(csv.split('\n').length).toBeGreaterThan(10);
    expect(csv).toBe(cli.stdout);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('refuses hostile model files cleanly and keeps the current lab', async () => {
    const { page, errors } = await openLab(lab(), '?model=single-service&load=500');
    const input = page.locator('#open-model');
    const base = BUILTIN_MODELS['single-service'] as Record<string, unknown>;
    const huge = join(mkdtempSync(join(tmpdir(), 'cascade-')), 'huge.json');
    writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 32));
    const files: { name: string; buffer?: Buffer; path?: string; says: RegExp }[] = [
      { name: 'script.json', buffer: Buffer.from(JSON.stringify({ ...base, id: '<script>alert(1)</script>' })), says: /the model is invalid: id: / },
      { name: 'deep.json', buffer: Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)), says: /(not a model file|the model is invalid)/ },
      { name: 'huge.json', path: huge, says: /50\.0 MB; model files can be at most 1 MB/ },
      { name: 'broken.json', buffer: Buffer.from('{ "schema": 1, '), says: /not a model file/ },
      // What the file holds and its name are echoed printable: no escape sequence, no direction override.
      { name: 'ctl\u202e.json', buffer: Buffer.from('\u001b[31m\u202e{'), says: /^ctl\\u202E\.json is not a model file: [^\u0000-\u001f\u202a-\u202e]*\. Nothing was changed\.$/ },
      // UTF-16 is refused, as the command line refuses it.
      { name: 'utf16.json', buffer: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(base), 'utf16le')]), says: /^utf16\.json is not a model file: it is UTF-16 \(or holds NUL bytes\); save it as UTF-8\. Nothing was changed\.$/ },
    ];
    for (const f of files) {
      await input.setInputFiles(f.path ?? { name: f.name, mimeType: 'application/json', buffer: f.buffer! });
      await expect.poll(() => page.textContent('#notice'), { timeout: 20_000 }).toMatch(f.says);
      expect(await page.textContent('#model-title')).toBe('One service, one trigger');
      expect(await page.locator('output[for="param-load"]').textContent()).toBe('500 req/s');
      expect(await page.locator('#notice script').count()).toBe(0);
    }
    // A good file opens (a UTF-8 byte-order mark is fine), and its text is shown as text, a direction override escaped.
    const good = { ...base, id: 'my-model', title: '<b>My</b> \u202emodel' };
    await input.setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(good))]) });
    await expect.poll(() => page.textContent('#model-title')).toBe('<b>My</b> \\u202Emodel');
    expect(await page.locator('#model-title b').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws charts as SVG and PNG, the view as PNG, and the storm as an animated GIF', async () => {
    const { page, errors } = await openLab(lab(), '?model=azure-2026-02&t=00:00');
    await expect.poll(() => page.textContent('#clock')).toBe('00:00');
    const save = async (click: () => Promise<void>) => {
      const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
      return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
    };
    const svg = await save(() => page.getByRole('button', { name: 'Download this chart as SVG' }).first().click());
    expect(svg.name).toBe('azure-2026-02-service.svg');
    expect(svg.bytes.toString('utf8')).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<path/);
    const png = await save(() => page.getByRole('button', { name: 'Download this chart as PNG' }).first().click());
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const view = await save(() => page.getByRole('button', { name: 'Picture (PNG)' }).click());
    expect(view.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    await page.getByLabel('GIF from the playhead,').selectOption({ label: 'next 1 h' });
    const gif = await save(() => page.getByRole('button', { name: 'Make GIF' }).click());
    expect(gif.bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    // One image block per frame: 25 frames (00:00 to 01:00 every 150 s).
    expect(gif.bytes.filter((b, k) => b === 0x2c && gif.bytes[k - 1] === 0x00 && gif.bytes[k - 8] === 0x21).length).toBeGreaterThan(10);
    expect(await page.textContent('#notice')).toMatch(/GIF made: 25 frames from 00:00 to 01:00/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
