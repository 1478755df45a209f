/** `figure` and `figure:map` answer every bad input as simulate and sweep do: one line, exit 2, no stack trace, nothing written. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const cli = (file: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'cascade-figure-'));
const MAP = ['--model', 'single-service', '--x', 'load=100,900', '--duration', '60'];

function refused(r: ReturnType<typeof cli>, message: RegExp): void {
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.status).toBe(2);
}

describe.each([
  ['figure', 'src/cli/figure.ts', ['--model', 'single-service']],
  ['figure:map', 'src/cli/map-figure.ts', MAP],
])('npm run %s', (name, file, base) => {
  // Never the default --out (the README's pictures): a later --out wins.
  const run = (...args: string[]) => cli(file, ...base, '--out', join(dir, 'default.svg'), ...args);
  it.each([
    [['--out', '/dev/full'], /--out \/dev\/full: cannot write there: no space left on the device \(ENOSPC\)$/],
    [['--out', '/nonexistent/d/x.svg'], /--out \/nonexistent\/d\/x\.svg: cannot write there: its directory does not exist \(ENOENT\)$/],
    [['--out', ROOT], /--out .* names a directory; name a file in it, e.g\. --out .*figure\.svg$/],
    [['--out', tmpdir()], /--out .* is a directory; name a file in it/],
    [['--set', 'retry.attempts=abc'], /--set: retry\.attempts: "abc" is not allowed; expected a whole number from 0 to 10$/],
    [['--set', 'nope=1'], /--set: unknown parameter "nope"; single-service has retry\.attempts, /],
    [['--set', '__proto__=1'], /--set: unknown parameter "__proto__"; single-service has /],
  ])(`refuses %j in one line, exit 2`, (args: string[], message: RegExp) => {
    refused(run(...args), new RegExp(`^${name}: ${message.source}`));
  });

  it('refuses a value of 5,015 characters, unread', () => {
    refused(run('--set', `retry.attempts=${'1'.repeat(5000)}`), new RegExp(`^${name}: --set: a value of 5015 characters is too long; at most 4096$`));
  });

  it('writes the picture where it is told', () => {
    const out = join(dir, `${name}.svg`);
    const r = run('--out', out);
    expect(r.status).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});

describe('npm run figure:map, given the sweep options it does not take', () => {
  it.each([
    [['--shard', '1/2'], /^figure:map: --shard is not taken here: figure:map draws the whole map in one process; to split a sweep, run npm run sweep with --shard$/],
    [['--format', 'json'], /^figure:map: --format is not taken here: figure:map draws an SVG; for CSV or JSON, run npm run sweep with --format$/],
    [['--format=csv'], /^figure:map: --format is not taken here/],
  ])('refuses %j', (args, message) => {
    refused(cli('src/cli/map-figure.ts', ...MAP, ...args, '--out', join(dir, 'never.svg')), message);
    expect(existsSync(join(dir, 'never.svg'))).toBe(false);
  });
});
