/**
 * Builds the lab and serves it as a static site (as it would be deployed), with a host page that
 * embeds it, and starts Debian's Chromium for browser tests.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Lab {
  /** The lab's address, ending in "/". */
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startLab(): Promise<Lab> {
  const root = new URL('../../', import.meta.url).pathname;
  const outDir = mkdtempSync(join(tmpdir(), 'cascade-site-'));
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  copyFileSync(join(root, 'test/fixtures/host.html'), join(outDir, 'host.html'));
  // The same site deployed under a sub-path, as on a project page of a static host.
  const sub = join(outDir, 'projects', 'cascade-lab');
  mkdirSync(sub, { recursive: true });
  for (const entry of readdirSync(outDir)) if (entry !== 'projects') cpSync(join(outDir, entry), join(sub, entry), { recursive: true });
  // A plain static server: no CORS headers, as on most hosts.
  const server: PreviewServer = await preview({ root, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', cors: false } });
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
    },
  };
}

/** A page on the lab that records console errors and page errors. */
export async function openLab(lab: Lab, query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await lab.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(lab.url + query);
  await page.locator('#regions svg').waitFor({ timeout: 30_000 });
  return { page, errors };
}
