/** The `simulate` command as a user runs it: real processes, real output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

function simulate(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HEADER = 't,clock,region,service,state,demand_rps,offered_rps,goodput_rps,capacity_rps,queue,backlog';

describe('npm run simulate', () => {
  it('prints CSV with the interface columns first, one row per sample and node', () => {
    const r = simulate('--model', 'single-service', '--every', '30');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].startsWith(HEADER + ',')).toBe(true);
    expect(lines).toHaveLength(1 + 900 / 30);
    const cols = lines[0].split(',');
    const row = (k: number) => Object.fromEntries(lines[k].split(',').map((v, i) => [cols[i], v]));
    expect(row(1)).toMatchObject({ t: '30', clock: '', region: 'local', service: 'server', state: 'healthy' });
    expect(row(30).state).toBe('overloaded');
  });

  it('applies --set from the start and --at at a simulated time', () => {
    const base = simulate('--model', 'single-service', '--every', '300', '--set', 'retry.attempts=0');
    expect(base.stdout.trim().split('\n').at(-1)).toContain(',healthy,');
    const at = simulate('--model', 'single-service', '--every', '300', '--duration', '1800', '--at', '200:retry.attempts=0');
    const last = at.stdout.trim().split('\n').at(-1)!;
    expect(last.startsWith('1800,')).toBe(true);
    expect(last).not.toContain(',overloaded,');
  });

  it('takes HH:MM on the clocked incident model and prints ISO clock times', () => {
    const r = simulate('--every', '3600', '--duration', '7200', '--at', '18:00:retry.attempts=0');
    expect(r.status).toBe(0);
    const second = r.stdout.split('\n')[1];
    expect(second.startsWith('3600,2026-02-02T18:30:00Z,eastus,storage,')).toBe(true);
  });

  it('prints JSON with the same samples and the timeline', () => {
    const csv = simulate('--model', 'single-service', '--every', '60', '--seed', '3');
    const json = simulate('--model', 'single-service', '--every', '60', '--seed', '3', '--format', 'json');
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.model).toBe('single-service');
    expect(doc.samples).toHaveLength(csv.stdout.trim().split('\n').length - 1);
    const cols = csv.stdout.split('\n')[0].split(',');
    const first = csv.stdout.split('\n')[1].split(',');
    expect(cols.map((c) => String(doc.samples[0][c]))).toEqual(first);
    expect(doc.events.map((e: { type: string; t: number }) => [e.type, e.t])).toEqual([['fault', 60]]);
  });

  it('reads a model file from a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-'));
    const file = join(dir, 'mine.json');
    // Two minutes of it: the story's chapters, later than that, go too (a model cannot tell of what it does not run).
    writeFileSync(file, JSON.stringify({ ...(BUILTIN_MODELS['single-service'] as object), id: 'mine', durationS: 120, story: [] }));
    const r = simulate('--model', file, '--every', '60');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    writeFileSync(file, JSON.stringify({ ...(BUILTIN_MODELS['single-service'] as object), id: 'mine', durationS: 120 }));
    const late = simulate('--model', file, '--every', '60');
    expect(late.status).toBe(2);
    expect(late.stderr).toMatch(/story\.\d\.at: \d+ is after the end of the run \(durationS 120 s\), so it would never happen; move it earlier or lengthen durationS/);
  });

  const refusals: [string[], RegExp][] = [
    [['--model', 'nope'], /unknown model "nope"; built-in models are azure-2026-02, single-service/],
    [['--set', 'retry.attempts=11'], /retry\.attempts: .*expected a whole number from 0 to 10/],
    [['--set', 'nope=1'], /unknown parameter "nope"; azure-2026-02 has retry\.attempts,/],
    [['--set', 'retry.jitter=lots'], /expected one of none, full, equal, decorrelated/],
    [['--set', 'novalue'], /--set "novalue": expected ID=VALUE/],
    [['--at', '25:00:admission=0'], /"25:00" is not a time of day/],
    [['--at', 'soon:admission=0'], /--at "soon:admission=0": expected TIME:ID=VALUE/],
    [['--model', 'single-service', '--at', '03:00:admission=0'], /HH:MM needs a clocked model/],
    [['--model', 'single-service', '--at', '5000:admission=0'], /after the end of the run/],
    [['--seed', '-1'], /--seed "-1": expected a whole number/],
    [['--duration', '0'], /--duration "0": expected seconds/],
    [['--every', 'x'], /--every "x": expected seconds/],
    [['--format', 'xml'], /--format "xml": expected csv or json/],
    [['--frobnicate'], /unknown option "--frobnicate"; options are --model, --set, --at/],
    [['--model'], /--model needs a value/],
    [['--model', 'missing/file.json'], /cannot read model file missing\/file\.json: ENOENT/],
  ];

  it.each(refusals)('refuses %j with one line on stderr, exit 2 and nothing on stdout', (args, message) => {
    const r = simulate(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('refuses an invalid model file, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...(BUILTIN_MODELS['single-service'] as object), dtS: -1 }));
    const r = simulate('--model', bad);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/is invalid: dtS: /);
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{ nope');
    expect(simulate('--model', notJson).stderr).toMatch(/is not valid JSON/);
  });
});
