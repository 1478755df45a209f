/** Starts the lab (vite dev server) and Debian's Chromium for browser tests. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Lab {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startLab(): Promise<Lab> {
  const server: ViteDevServer = await createServer({
    root: new URL('../../', import.meta.url).pathname,
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1' },
  });
  await server.listen();
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await server.close();
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
