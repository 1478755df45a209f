/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';

/**
 * The built page loads its script and styles as classic resources (no `type="module"`, no
 * `crossorigin`): a page embedded in `<iframe sandbox="allow-scripts">` has an opaque origin, and
 * module scripts would then need CORS headers that most static hosts do not send.
 */
function classicScripts(): Plugin {
  return {
    name: 'cascade-lab:classic-scripts',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) =>
        html
          .replace(/<script type="module" crossorigin src="([^"]+)"><\/script>/g, '<script defer src="$1"></script>')
          .replace(/<link rel="stylesheet" crossorigin href=/g, '<link rel="stylesheet" href='),
    },
  };
}

/**
 * The built page's Content-Security-Policy: only what the lab needs — its own scripts and styles,
 * workers from itself or a Blob URL, no eval, no plugins, nothing fetched from elsewhere.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'cascade-lab:csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
  };
}

// One config for the app and its tests. `base: './'` makes the built site work from any sub-path.
export default defineConfig({
  base: './',
  plugins: [classicScripts(), contentSecurityPolicy()],
  build: {
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    rollupOptions: { output: { format: 'iife', inlineDynamicImports: true } },
  },
  // Classic workers: they can start from a Blob URL inside sandboxed iframes.
  worker: { format: 'iife' },
  // The dev server serves modules; let sandboxed (origin "null") test pages load them.
  server: { cors: { origin: '*' } },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser tests wait for what a person would see; on a busy machine that can take seconds.
    expect: { poll: { timeout: 15_000 } },
    reporters: ['default', './test/summary-reporter.ts'],
    // Two projects: the page is built (global setup) only when browser tests run. The engine's
    // tests run first, two files at a time, then the browser's, two pages at a time, so that a
    // page waiting on what a person would see never shares the machine with a CPU-bound run.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/browser/**'], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/browser/global-setup.ts'], maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
