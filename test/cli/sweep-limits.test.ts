/** `sweep` and `figure:map` held to simulate's limits: the work budget, the output caps, the cores and memory of the machine. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { runSweep, WorkerMemoryError } from '../../src/cli/sweep-pool.ts';
import { mustLoadModel } from '../../src/engine/load-model.ts';
import type { SweepSpec } from '../../src/engine/sweep.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const cli = (file: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
const sweep = (...args: string[]) => cli('src/cli/sweep.ts', ...args);
const map = (...args: string[]) => cli('src/cli/map-figure.ts', ...args);
const dir = mkdtempSync(join(tmpdir(), 'cascade-limits-'));

function refused(r: ReturnType<typeof cli>, message: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(message);
}

describe('every run of a sweep is held to simulate\'s work budget', () => {
  it('refuses a model simulate refuses, before any run', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify({ ...(BUILTIN_MODELS['single-service'] as object), dtS: 0.01, durationS: 7 * 86400 }));
    const budget = /is too big to run: \(model\): too much work for one run: .* is 121 million updates; at most 100 million/;
    refused(sweep('--model', big, '--x', 'load=100'), new RegExp(`^sweep: model .*big\\.json ${budget.source}`));
    refused(map('--model', big, '--x', 'load=100', '--out', join(dir, 'never.svg')), new RegExp(`^figure:map: model .*big\\.json ${budget.source}`));
    // A --duration that fits is run.
    expect(sweep('--model', 'single-service', '--x', 'load=100', '--duration', '60').status).toBe(0);
  });
});

describe('one process prints at most 1,000,000 CSV or 250,000 JSON rows', () => {
  const huge = ['--model', 'single-service', '--x', 'load=100:1000:200', '--y', 'trigger.duration=0:199:200'];
  it('refuses a bigger sweep at once, naming the limit and the numbers, and how to split it', () => {
    const t0 = Date.now();
    refused(
      sweep(...huge, '--seeds', '1000'),
      /^sweep: the sweep would be 40,000,000 runs \(200 × 200 points × 1000 seeds\); at most 1,000,000 rows of CSV in one process: split it with --shard I\/N, N at least 40, or fewer points or seeds$/,
    );
    refused(sweep(...huge, '--seeds', '25', '--format', 'json'), /^sweep: the sweep would be 1,000,000 runs .*; at most 250,000 rows of JSON in one process: split it with --shard I\/N, N at least 4,/);
    refused(sweep(...huge, '--seeds', '25', '--shard', '1/3', '--format', 'json'), /^sweep: the sweep would be 333,350 runs \(200 × 200 points × 25 seeds, shard 1 of 3\); at most 250,000 rows of JSON/);
    refused(map(...huge, '--seeds', '7', '--out', join(dir, 'never.svg')), /^figure:map: the sweep would be 280,000 runs \(200 × 200 points × 7 seeds\); at most 250,000 runs \(their rows are kept to draw the map\) in one process: fewer points or seeds$/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});

describe('the worker pool', () => {
  it('runs at most as many workers as the machine has cores, and says so', () => {
    const cores = availableParallelism();
    const r = sweep('--model', 'single-service', '--x', 'load=100,200,300', '--duration', '60', '--workers', String(cores + 1));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`sweep: --workers ${cores + 1}: this machine has ${cores} core${cores > 1 ? 's' : ''}, so ${cores} worker${cores > 1 ? 's' : ''} run\n`);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('gives each worker a heap limit; a worker over it ends the sweep with a sentence', async () => {
    const data = BUILTIN_MODELS['single-service'];
    const spec: SweepSpec = { x: { id: 'load', values: [100, 200], text: '100,200' }, y: null, seed: 1, seeds: 1, params: {}, changes: [], durationS: 60, service: 'local/server' };
    const run = runSweep(data, mustLoadModel(data), spec, [0, 1], 2, () => {}, 2);
    await expect(run).rejects.toBeInstanceOf(WorkerMemoryError);
    await expect(run).rejects.toThrow(/^a sweep worker ran out of its 2 MB of memory, so the sweep stopped; run fewer workers/);
  });
});

describe('sweep options, bounded and echoed as simulate\'s', () => {
  it('refuses an option longer than 4,096 characters, unread', () => {
    refused(sweep('--model', 'single-service', '--x', 'load=100', '--at', `${'1'.repeat(130_000)}:load=1`), /^sweep: --at: a value of 130007 characters is too long; at most 4096$/);
    refused(sweep('--model', 'single-service', '--x', `load=1,${'9'.repeat(5000)}`), /^sweep: --x: a value of 5007 characters is too long; at most 4096$/);
  });

  it('names a number too large to read by its first digits, not as "null"', () => {
    refused(sweep('--model', 'single-service', '--x', 'load=100', '--set', `load=${'9'.repeat(4000)}`), /^sweep: --set: load: "9{37}…" \(4000 characters\) is not allowed; expected a number from 0 to 10000 \(req\/s\)$/);
  });
});
