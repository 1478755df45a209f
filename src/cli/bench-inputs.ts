/**
 * `npm run bench:inputs`: how long reading hostile input takes against its size — a link, a setting
 * given on the command line, a model file. Each should grow linearly up to its cap and stay flat
 * beyond it. Measured, never asserted in tests.
 */
import { BUILTIN_MODELS } from '../../models/index.ts';
import { builtinCatalog } from '../app/link.ts';
import { decodeLink } from '../app/url.ts';
import { loadModel } from '../engine/load-model.ts';
import { parseArgs } from './args.ts';

const out = (s: string) => process.stdout.write(s + '\n');

/** Median milliseconds of `f` over 15 runs, after 5 to warm up (the machine may be shared: compare within one run). */
function time(f: () => void): number {
  for (let k = 0; k < 5; k++) f();
  const runs: number[] = [];
  for (let k = 0; k < 15; k++) {
    const t0 = performance.now();
    f();
    runs.push(performance.now() - t0);
  }
  return runs.sort((a, b) => a - b)[7];
}

function table(title: string, sizes: number[], make: (n: number) => () => void): void {
  out(title);
  let first = 0;
  for (const n of sizes) {
    const ms = time(make(n));
    first ||= ms / n;
    out(`   ${n.toLocaleString('en-US').padStart(10)} characters   ${ms.toFixed(3).padStart(9)} ms   ${((ms / n / first) || 0).toFixed(2)}× the first per character`);
  }
  out('');
}

const catalog = builtinCatalog();
const sizes = [1_000, 2_000, 4_000, 8_000, 16_000, 64_000, 256_000];
out('Cascade Lab: reading hostile input\n');
table('1. A link of number-like settings (?retry.attempts=111…x&timeout=111…x…), capped at 16,384 characters', sizes, (n) => {
  const value = '1'.repeat(Math.max(1, Math.floor(n / 5) - 20)) + 'x';
  const q = ['retry.attempts', 'timeout', 'load', 'admission', 'failover'].map((k) => `${k}=${value}`).join('&');
  return () => decodeLink('?' + q, catalog);
});
table('2. A link of operator actions and changes (op=…&at=…)', sizes, (n) => {
  const parts: string[] = [];
  for (let len = 0; len < n; ) {
    const p = parts.length % 2 ? 'op=01:00:scaleout(identity,eastus,-200,0x10)' : 'at=00:20:retry.attempts=99';
    parts.push(p);
    len += p.length + 1;
  }
  return () => decodeLink('?model=azure-2026-02&' + parts.join('&'), catalog);
});
table('3. --set with a long number-like value, capped at 4,096 characters', sizes, (n) => {
  const argv = ['--set', `retry.attempts=${'1'.repeat(n)}x`];
  return () => parseArgs(argv, 'azure-2026-02');
});
table('4. A model file with a long description (texts are capped at 2,000 characters)', [16_000, 64_000, 256_000, 1_000_000], (n) => {
  const m = { ...(BUILTIN_MODELS['azure-2026-02'] as object), description: 'x'.repeat(n) };
  return () => loadModel(m);
});
table('5. A model file with many timeline entries', [16_000, 64_000, 256_000, 1_000_000], (n) => {
  const base = BUILTIN_MODELS['single-service'] as { timeline: unknown[] };
  const entry = { at: 10, type: 'note', label: 'x' };
  const m = { ...base, timeline: Array.from({ length: Math.floor(n / 32) }, () => entry) };
  return () => loadModel(m);
});
