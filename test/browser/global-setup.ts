/**
 * Builds the site once for all browser test files (as it would be deployed), with a host page
 * that embeds it and a copy under a sub-path. Each file serves it on its own port.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    siteDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = new URL('../../', import.meta.url).pathname;
  const outDir = mkdtempSync(join(tmpdir(), 'cascade-site-'));
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  copyFileSync(join(root, 'test/fixtures/host.html'), join(outDir, 'host.html'));
  // The same site deployed under a sub-path, as on a project page of a static host.
  const sub = join(outDir, 'projects', 'cascade-lab');
  mkdirSync(sub, { recursive: true });
  for (const entry of readdirSync(outDir)) if (entry !== 'projects') cpSync(join(outDir, entry), join(sub, entry), { recursive: true });
  project.provide('siteDir', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
