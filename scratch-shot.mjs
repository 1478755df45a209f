import { chromium } from 'playwright-core';
import { preview } from 'vite';
const [,, query = '', w = '1280', h = '720', out = '/tmp/shot.png', wait = '3000'] = process.argv;
const server = await preview({ root: '/work/main', logLevel: 'error', build: { outDir: '/tmp/site' }, preview: { port: 0, host: '127.0.0.1' } });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage({ viewport: { width: +w, height: +h } });
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
await page.goto(url + query);
await page.waitForTimeout(+wait);
if (process.env.CLICK) { for (const sel of process.env.CLICK.split('|')) { await page.locator(sel).first().click(); await page.waitForTimeout(1500); } }
await page.screenshot({ path: out });
console.log('errors', errors);
await browser.close();
server.httpServer.close();
