/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// One config for the app and its tests. `base: './'` makes the built site work from any sub-path.
export default defineConfig({
  base: './',
  build: { target: 'es2022' },
  // Classic workers: they can start from a Blob URL inside sandboxed iframes.
  worker: { format: 'iife' },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
