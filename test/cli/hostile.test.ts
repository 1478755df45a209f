/** The `simulate` command given what a hostile user would give it: each refused in one line, exit 2, at once. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { parseArgs } from '../../src/cli/args.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

function simulate(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function refused(args: string[], message: RegExp): void {
  const r = simulate(...args);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  // Nothing unprintable reaches the terminal.
  expect(r.stderr.trimEnd()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
}

const dir = mkdtempSync(join(tmpdir(), 'cascade-cli-'));
const single = BUILTIN_MODELS['single-service'] as Record<string, unknown>;

describe('npm run simulate, refusing hostile input', () => {
  it('refuses a model path that is not a regular file, before reading it', () => {
    refused(['--model', '/dev/zero'], /^simulate: model file \/dev\/zero is not a regular file$/);
    refused(['--model', dir + '/'], /is not a regular file$/);
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    refused(['--model', fifo], /pipe\.json is not a regular file$/);
  });

  it('refuses a model file over 1 MiB', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc((1 << 20) + 1, 32));
    refused(['--model', big], /big\.json is larger than 1 MiB$/);
  });

  it('refuses a model file nested more than 32 levels deep, as the page does', () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, '['.repeat(10_000) + ']'.repeat(10_000));
    refused(['--model', deep], /^simulate: model .*deep\.json is invalid: 0: nested more than 32 levels deep; a model needs about six$/);
    // A valid model with something deep in a field the schema ignores.
    const noted = join(dir, 'noted.json');
    writeFileSync(noted, JSON.stringify({ ...single, note: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }));
    refused(['--model', noted], /^simulate: model .*noted\.json is invalid: note: nested more than 32 levels deep; a model needs about six$/);
  });

  it('refuses a huge value quickly, echoing a few dozen characters of it', () => {
    const digits = '1'.repeat(100_000);
    refused(['--set', `retry.attempts=${digits}x`], /^simulate: --set: a value of 100016 characters is too long; at most 4096$/);
    const r = simulate('--set', `retry.attempts=${'1'.repeat(4000)}x`);
    expect(r.status).toBe(2);
    expect(r.stderr.length).toBeLessThan(300);
    expect(r.stderr).toMatch(/retry\.attempts: "1{57}…" is not allowed; expected a whole number from 0 to 10/);
  });

  it('strips control characters from everything it echoes', () => {
    const esc = join(dir, 'esc.json');
    writeFileSync(esc, JSON.stringify({ ...single, id: '\u001b[31mred\u001b[0m\u0007' }));
    refused(['--model', esc], /^simulate: model .*esc\.json is invalid: id: /);
    const raw = join(dir, 'raw.json');
    writeFileSync(raw, '{"schema": 1, \u001b[2J\u001b[H}');
    refused(['--model', raw], /is not valid JSON/);
    refused(['--set', 'retry.jitter=\u001b[31mx'], /retry\.jitter: "\\u001B\[31mx" is not allowed/);
    refused(['--frobnicate\u001b[2J'], /^simulate: unknown option "--frobnicate\\u001B\[2J"; options are /);
    // A direction override is shown as what it is, not obeyed.
    refused(['--set', 'retry.jitter=\u202efull'], /^simulate: --set: retry\.jitter: "\\u202Efull" is not allowed/);
    const rlo = join(dir, 'rlo.json');
    writeFileSync(rlo, JSON.stringify({ ...single, defaults: { 'x\u202ey': 1 } }));
    refused(['--model', rlo], /^simulate: model .*rlo\.json is invalid: defaults\.x\\u202Ey: no such parameter$/);
  });

  it('refuses a change at a time off the model\'s step, rather than rounding it', () => {
    refused(['--model', 'single-service', '--at', '60.1:load=100'], /^simulate: --at 60\.1: 60\.1 s is not on a step of single-service \(dtS 0\.25 s\); use a multiple of 0\.25 s$/);
    expect(simulate('--model', 'single-service', '--at', '60.25:load=100', '--every', '300').status).toBe(0);
  });

  it('reads a model file with a UTF-8 byte-order mark, and refuses UTF-16', () => {
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(single))]));
    const r = simulate('--model', bom, '--every', '300');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^t,clock,region,service,/);
    const le = join(dir, 'utf16le.json');
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(single), 'utf16le')]));
    refused(['--model', le], /^simulate: model file .*utf16le\.json: it is UTF-16 \(or holds NUL bytes\); save it as UTF-8$/);
    const be = join(dir, 'utf16be.json');
    writeFileSync(be, Buffer.from(JSON.stringify(single), 'utf16le').swap16());
    refused(['--model', be], /^simulate: model file .*utf16be\.json: it is UTF-16/);
  });

  it('reads a negative number after a flag as its value and names the range allowed', () => {
    refused(['--model', 'single-service', '--seed', '-1'], /^simulate: --seed "-1": expected a whole number from 0 to 4294967295$/);
    refused(['--model', 'single-service', '--duration', '-5'], /^simulate: --duration "-5": expected seconds, more than 0 and at most 604800$/);
    refused(['--model', 'single-service', '--every', '-.5'], /^simulate: --every "-\.5": expected seconds, more than 0 and at most 604800$/);
  });

  it('names the built-in models, never what the language keeps behind them', () => {
    refused(['--model', 'constructor'], /^simulate: unknown model "constructor"; built-in models are azure-2026-02, single-service/);
    refused(['--model', '__proto__'], /^simulate: unknown model "__proto__"/);
  });

  it('refuses an output larger than its cap, and a model beyond the work budget', () => {
    refused(['--model', 'single-service', '--every', '0.01', '--duration', '604800'], /^simulate: (--every 0\.01: the output would be [\d,]+ rows; at most 1,000,000 in CSV|model single-service is too big to run)/);
    refused(['--model', 'azure-2026-02', '--every', '1', '--format', 'json'], /^simulate: --every 1: the output would be 2,041,200 rows; at most 250,000 in JSON: sample less often/);
    const fine = join(dir, 'fine.json');
    writeFileSync(fine, JSON.stringify({ ...single, dtS: 0.01, durationS: 7 * 86400 }));
    refused(['--model', fine], /is too big to run: \(model\): too much work for one run: .* at most 100 million: use fewer regions, services or calls, a shorter durationS or a larger dtS$/);
  });
});

describe('options, read with util.parseArgs', () => {
  const ok = (argv: string[]) => {
    const r = parseArgs(argv, 'azure-2026-02');
    if (!r.ok || 'help' in r) throw new Error(JSON.stringify(r));
    return r.options;
  };
  it('keeps every syntax: --opt value, --opt=value, repeated --set and --at', () => {
    expect(ok(['--model=single-service', '--set', 'a=1', '--set=b=2', '--at', '10:c=3', '--at=00:10:d=4', '--seed', '7', '--duration=60', '--every', '5', '--format', 'json'])).toEqual({
      model: 'single-service',
      sets: [{ id: 'a', value: '1' }, { id: 'b', value: '2' }],
      ats: [{ time: '10', id: 'c', value: '3' }, { time: '00:10', id: 'd', value: '4' }],
      seed: 7,
      durationS: 60,
      everyS: 5,
      format: 'json',
    });
    expect(parseArgs(['-h'], 'x')).toEqual({ ok: true, help: true });
    expect(parseArgs(['--seed', '1', '--help'], 'x')).toEqual({ ok: true, help: true });
  });
  it('refuses what it cannot read with the same sentences as before', () => {
    const err = (argv: string[]) => (parseArgs(argv, 'x') as { error: string }).error;
    expect(err(['--frobnicate'])).toBe('unknown option "--frobnicate"; options are --model, --set, --at, --seed, --duration, --every, --format');
    expect(err(['--frob=1'])).toBe('unknown option "--frob=1"; options are --model, --set, --at, --seed, --duration, --every, --format');
    expect(err(['stray'])).toMatch(/^unknown option "stray"/);
    expect(err(['--'])).toMatch(/^unknown option "--"/);
    expect(err(['--model'])).toBe('--model needs a value');
    expect(err(['--model='])).toBe('--model needs a model id or a path to a model file');
    expect(err(['--seed', '-1'])).toBe('--seed "-1": expected a whole number from 0 to 4294967295');
    expect(err(['--seed', '-x'])).toBe('--seed "-x": expected a whole number from 0 to 4294967295');
    expect(err(['--duration', '-5'])).toBe('--duration "-5": expected seconds, more than 0 and at most 604800');
    expect(err(['--every', '-1'])).toBe('--every "-1": expected seconds, more than 0 and at most 604800');
    expect(err(['--every', '604801'])).toBe('--every "604801": expected seconds, more than 0 and at most 604800');
    expect(err(['--set', 'novalue'])).toBe('--set "novalue": expected ID=VALUE, e.g. --set retry.attempts=0');
  });
});

describe('npm run figure, given what a hostile user would give it', () => {
  const figure = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/figure.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  it.each([
    [['--model', '-1'], /^figure: unknown model "-1"; built-in models are /],
    [['--model'], /^figure: --model needs a value/],
    [['--bogus'], /^figure: Unknown option '--bogus'; options are --model, --out, --set$/],
    [['stray'], /^figure: Unexpected argument 'stray'; options are --model, --out, --set$/],
  ])('refuses %j in one line, exit 2, nothing written', (args, message) => {
    const r = figure(...args, '--out', join(dir, 'never.svg'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe('npm run validate, given an option it does not take', () => {
  it('refuses it in one line with exit 2, rather than ignoring it', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/validate.ts', '--junk'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('validate: unexpected argument "--junk"; validate takes no options\n');
  });
});
