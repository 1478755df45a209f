/** The `sweep` command as a user runs it: real processes, real output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { UsageError } from '../../src/cli/model-ref.ts';
import { planSweep } from '../../src/cli/sweep-args.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

function cli(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sweep = (...args: string[]) => cli('src/cli/sweep.ts', ...args);
const simulate = (...args: string[]) => cli('src/cli/main.ts', ...args);

/** The single-service model with 10 000 nested arrays in a field the schema ignores. */
function deepModel(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cascade-sweep-')), 'deep.json');
  writeFileSync(file, JSON.stringify(BUILTIN_MODELS['single-service']).slice(0, -1) + ',"note":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}');
  return file;
}

const HEADER = 'x,y,seed,outcome,trouble_s,recovery_s,goodput_share,peak_amplification,wasted';
const GRID = ['--model', 'single-service', '--x', 'load=300:700:3', '--y', 'trigger.duration=10,40', '--seeds', '2'];

describe('npm run sweep', () => {
  it('prints a header and one row per run in grid order: y outer, x inner, then seed', () => {
    const r = sweep(...GRID, '--workers', '1');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(1 + 3 * 2 * 2);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '300,10,1', '300,10,2', '500,10,1', '500,10,2', '700,10,1', '700,10,2',
      '300,40,1', '300,40,2', '500,40,1', '500,40,2', '700,40,1', '700,40,2',
    ]);
    for (const l of lines.slice(1)) {
      const c = l.split(',');
      expect(['ok', 'recovered', 'stuck']).toContain(c[3]);
      expect(c[5] === '').toBe(c[3] !== 'recovered');
    }
  });

  it('gives the same bytes with any number of workers, and its shards put back in grid order are the whole', () => {
    const one = sweep(...GRID, '--workers', '1').stdout;
    expect(sweep(...GRID, '--workers', '3').stdout).toBe(one);
    const body = one.trim().split('\n').slice(1);
    const parts = [1, 2, 3].map((i) => sweep(...GRID, '--workers', i === 1 ? '2' : '1', '--shard', `${i}/3`).stdout.trim().split('\n'));
    parts.forEach((p) => expect(p[0]).toBe(HEADER));
    // A shard has whole cells (a point with its two seeds): every third, from its own.
    const merged: string[] = [];
    parts.forEach((p, i) => p.slice(1).forEach((row, j) => (merged[(Math.floor(j / 2) * 3 + i) * 2 + (j % 2)] = row)));
    expect(merged).toEqual(body);
  });

  it('a cell is the simulate run with the same settings', () => {
    const row = sweep('--model', 'single-service', '--x', 'load=500', '--set', 'retry.attempts=1', '--at', '300:timeout=10').stdout.trim().split('\n')[1].split(',');
    expect(row[1]).toBe('');
    const sim = simulate('--model', 'single-service', '--set', 'load=500', '--set', 'retry.attempts=1', '--at', '300:timeout=10', '--every', '5').stdout.trim().split('\n');
    const cols = sim[0].split(',');
    const rows = sim.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    const troubleS = rows.reduce((a, r) => a + Number(r.trouble) * 5, 0);
    expect(Number(row[4])).toBe(troubleS);
    expect(row[3]).toBe(rows.at(-1)!.trouble === '1' ? 'stuck' : troubleS > 0 ? 'recovered' : 'ok');
    const last = rows.filter((r) => Number(r.t) > 810);
    const share = last.reduce((a, r) => a + Number(r.goodput_rps), 0) / last.reduce((a, r) => a + Number(r.demand_rps), 0);
    expect(Number(row[6])).toBeCloseTo(share, 2);
  });

  it('prints JSON with the settings and the same rows', () => {
    const r = sweep('--model', 'single-service', '--x', 'retry.jitter=*', '--set', 'load=600', '--format', 'json');
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: 'single-service', service: 'local/server', seed: 1, seeds: 1, durationS: 900, params: { load: '600' } });
    expect(doc.x).toEqual({ id: 'retry.jitter', values: ['none', 'full', 'equal', 'decorrelated'] });
    expect(doc.y).toBeNull();
    expect(doc.columns).toEqual(HEADER.split(','));
    expect(doc.rows.map((x: { x: string }) => x.x)).toEqual(['none', 'full', 'equal', 'decorrelated']);
  });

  it.each([
    [['--x', 'nope=1:2:3'], /unknown parameter "nope"/],
    [['--x', 'retry.jitter=0:1:2'], /retry\.jitter is an enum.*--x retry\.jitter=\*/],
    [['--x', 'load=0:100:0'], /N must be a whole number from 1 to 200/],
    [['--y', 'load=0:100:201', '--x', 'capacity=100'], /N must be a whole number from 1 to 200/],
    [['--x', 'load=0:99999:2'], /99999.*not allowed/],
    [['--x', 'load=-1e308:1e308:3'], /^sweep: --x load=-1e308:1e308:3: FROM "-1e308" is not allowed; load takes a number from 0 to 10000 \(req\/s\)\n$/],
    [['--x', 'load=0x10:0x20:2'], /^sweep: --x load=0x10:0x20:2: FROM "0x10" is not allowed; load takes a number from 0 to 10000 \(req\/s\)\n$/],
    [['--x', 'load=100', '--y', 'capacity=1e3:1e999:2'], /^sweep: --y capacity=1e3:1e999:2: TO "1e999" is not allowed; capacity takes /],
    [['--x', 'load=100', '--shard', '3/2'], /--shard/],
    [['--x', 'load=100', '--service', 'moon/base'], /--service "moon\/base".*local\/server/],
    [['--x', 'load=100', '--wat'], /unknown option "--wat"/],
    [['--x', 'load=100:200:2', '--seed', '-1'], /^sweep: --seed "-1": expected a whole number from 0 to 4294967295\n$/],
    [['--x', 'load=100:200:2', '--duration', '-5'], /^sweep: --duration "-5": expected seconds, more than 0 and at most 604800\n$/],
    [['--x', 'load=100', '--seed', '-x'], /^sweep: --seed "-x": expected a whole number from 0 to 4294967295\n$/],
    [['--x', 'load=100', '--seed', '--seeds', '2'], /^sweep: --seed needs a value; a value that starts with "-" goes after "=", as --seed=VALUE\n$/],
    [['--x', 'load=100', '--seed'], /^sweep: --seed needs a value\n$/],
    [['--model', '/dev/zero', '--x', 'load=100'], /model file \/dev\/zero is not a regular file/],
    [['--model', deepModel(), '--x', 'load=100,200', '--workers', '2'], /^sweep: model .*deep\.json is invalid: note: nested more than 32 levels deep; a model needs about six\n$/],
  ])('refuses %j: one line on stderr, exit 2, nothing on stdout', (args, message) => {
    const r = sweep('--model', 'single-service', ...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('sweep messages', () => {
  it('are one line of printable text whatever an argument held, a few thousand characters at most', () => {
    for (const x of ['lo\nad=1', 'load=1\u001b[31m:2:3', 'load=1,\r' + '9'.repeat(50_000)]) {
      const r = sweep('--model', 'single-service', '--x', x);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^sweep: --x/);
      expect(r.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(r.stderr.length).toBeLessThan(2100);
    }
  });
});

describe('sweep options, read with util.parseArgs', () => {
  const error = (argv: string[]) => {
    try {
      planSweep(argv);
    } catch (e) {
      if (e instanceof UsageError) return e.message;
      throw e;
    }
    return '';
  };

  it('reads a negative number after a flag as its value, refused by the flag\'s own check naming the range', () => {
    const flags = { '--seed': /from 0 to 4294967295$/, '--seeds': /from 1 to 1000$/, '--duration': /more than 0 and at most 604800$/, '--workers': /from 1 to 256$/, '--shard': /1 ≤ I ≤ N/ };
    const negative = fc.oneof(
      fc.integer({ max: -1 }).map(String),
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }).map(String),
      fc.nat().map((k) => `-.${k}`),
      fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('x', 'e', '1', '.', '-', 'I') }).filter((t) => !t.startsWith('-')).map((t) => `-${t}`),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(flags)), negative, fc.boolean(), (flag, value, joined) => {
        const message = error(['--model', 'single-service', '--x', 'load=100', ...(joined ? [`${flag}=${value}`] : [flag, value])]);
        expect(message.startsWith(`${flag} "${value}": expected `)).toBe(true);
        expect(message).toMatch(flags[flag as keyof typeof flags]);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same values with or without the join, and words what parseArgs refuses', () => {
    const plan = planSweep(['--model', 'single-service', '--x', 'load=100', '--seed', '7', '--duration=60', '--format', 'json']);
    expect(plan).toMatchObject({ format: 'json', spec: { seed: 7, durationS: 60 } });
    expect(error(['--x', '--seed', '1'])).toBe('--x needs a value; a value that starts with "-" goes after "=", as --x=VALUE');
    expect(error(['--x', 'load=100', '--seed', '-h'])).toBe('--seed needs a value; a value that starts with "-" goes after "=", as --seed=VALUE');
    expect(error(['--x', 'load=100', '--help=1'])).toBe('--help takes no value');
    expect(error(['--x', 'load=100', '--', '--seed', '-1'])).toMatch(/^unexpected argument/);
  });
});
