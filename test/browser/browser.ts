/**
 * Serves the built lab (see global-setup.ts) as a plain static site and starts Debian's Chromium,
 * once per test file.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, inject } from 'vitest';

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
  // A plain static server: no CORS headers, as on most hosts.
  const server: PreviewServer = await preview({ root, logLevel: 'error', build: { outDir: inject('siteDir') }, preview: { port: 0, host: '127.0.0.1', cors: false } });
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

/** The lab for the tests of this file: started before them, closed after. */
export function useLab(): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await startLab();
  }, 60_000);
  afterAll(async () => {
    await lab?.close();
  });
  return () => lab!;
}

/** A page on the lab that records console errors and page errors. */
export async function openLab(lab: Lab, query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await lab.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(lab.url + query);
  await page.locator('#graph svg').waitFor({ timeout: 30_000 });
  return { page, errors };
}
