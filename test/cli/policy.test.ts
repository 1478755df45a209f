/** The `policy` command as a user runs it: real processes, real output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/cli/sweep-args.ts';
import { readClientConfig } from '../../src/params/client-config/recognise.ts';
import { fitToModel, setArgs } from '../../src/params/client-config/settings.ts';
import { model } from '../helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURES = 'test/fixtures/client-config';

function cli(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const policy = (...args: string[]) => cli('src/cli/policy.ts', ...args);
const simulate = (...args: string[]) => cli('src/cli/main.ts', ...args);

function tempFile(name: string, text: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cascade-policy-')), name);
  writeFileSync(file, text);
  return file;
}

/** A refusal: exit 2, nothing on stdout, one line on stderr. */
function refused(r: ReturnType<typeof cli>): string {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  return r.stderr.trim();
}

describe('npm run policy', () => {
  it('prints only --set arguments on stdout, one line, and each note on stderr', () => {
    const r = policy(`${FIXTURES}/grpc-service-config.json`);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('--set retry.attempts=3 --set retry.baseDelay=1 --set retry.maxDelay=1 --set retry.jitter=full --set retry.budget=10 --set throttle.k=off --set breaker=off --set timeout=10\n');
    const notes = r.stderr.trimEnd().split('\n');
    expect(notes.every((l) => l.startsWith('policy: '))).toBe(true);
    expect(notes).toContain("policy: backoff base 100 ms (retryPolicy.initialBackoff \"0.1s\") is under the model's step of 1 s: 1 s used");
    expect(notes).toContain('policy: retryPolicy.retryableStatusCodes UNAVAILABLE: the lab retries every failure');
  });

  it('prints settings that simulate and sweep accept as they are, for every fixture and model', () => {
    const cases: [string, string[]][] = [
      ['grpc-service-config.json', []],
      ['envoy-bootstrap.yaml', ['--name', 'static']],
      ['polly-appsettings.json', []],
      ['aws-config.ini', ['--profile', 'batch.jobs']],
      ['azure-appsettings.json', ['--name', 'Storage']],
    ];
    for (const [file, extra] of cases) {
      for (const modelId of ['single-service', 'azure-2026-02']) {
        // What the command prints, worked out in this process (the command itself is run below).
        const name = extra[0] === '--name' ? extra[1] : undefined;
        const profile = extra[0] === '--profile' ? extra[1] : undefined;
        const read = readClientConfig(readFileSync(join(ROOT, FIXTURES, file), 'utf8'), { name, profile });
        if (!read.ok) throw new Error(read.error);
        const loaded = model(modelId);
        const fit = fitToModel(read.read, loaded.params, loaded.model.dtS);
        if (!fit.ok) throw new Error(fit.error);
        const args = setArgs(fit.value.settings);
        // sweep reads its options without running anything: every --set must pass its checks.
        expect(() => planSweep(['--model', modelId, '--x', 'seed.unused=1', ...args])).toThrow(/--x: unknown parameter "seed.unused"/);
        expect(() => planSweep(['--model', modelId, '--x', 'breaker=*', ...args])).not.toThrow();
      }
    }
    const args = policy(`${FIXTURES}/polly-appsettings.json`, '--model', 'single-service').stdout.trim().split(' ');
    expect(args.length).toBe(16);
    const run = simulate('--model', 'single-service', '--duration', '60', ...args);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('--format json prints { settings, notes }; --name and --profile pick', () => {
    const r = policy(`${FIXTURES}/azure-appsettings.json`, '--name', 'storage', '--format', 'json', '--model', 'single-service');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['settings', 'notes']);
    expect(doc.settings).toEqual({ 'retry.attempts': 5, 'retry.baseDelay': 2, 'retry.maxDelay': 2, 'retry.jitter': 'none', 'retry.budget': 'off', 'throttle.k': 'off', breaker: 'off', timeout: 30 });
    expect(policy(`${FIXTURES}/aws-config.ini`, '--profile', 'batch.jobs').stdout).toMatch(/^--set retry.attempts=4 /);
  });

  it('refuses, with one line and nothing on stdout: an unknown format, YAML aliases, a value out of range, a missing profile', () => {
    expect(refused(policy(tempFile('x.json', '{"hello": "world"}')))).toMatch(/^policy: .*x.json: read as JSON: no retry configuration found; looked for methodConfig/);
    expect(refused(policy(tempFile('a.yaml', 'base: &b 0.1s\nretry_policy:\n  num_retries: 2\n  retry_back_off: { base_interval: *b }\n')))).toMatch(/read as YAML: an anchor \(&b\); YAML anchors and aliases are refused/);
    expect(refused(policy(tempFile('big.json', '{"Retry":{"MaxRetryAttempts":25}}')))).toMatch(/Retry:MaxRetryAttempts 25: outside the lab's range for retries \(retry.attempts\), 0 to 10$/);
    expect(refused(policy(`${FIXTURES}/aws-config.ini`, '--profile', 'prod'))).toMatch(/read as AWS shared config: no profile "prod"/);
  });

  it('refuses a file over 1 MiB unread, a missing file, and bad options', () => {
    expect(refused(policy(tempFile('huge.json', Buffer.alloc((1 << 20) + 1, 32))))).toMatch(/^policy: file .*huge.json is larger than 1 MiB$/);
    expect(refused(policy('no/such/file.json'))).toBe('policy: cannot read file no/such/file.json: ENOENT');
    expect(refused(policy(`${FIXTURES}/aws-config.ini`, '--format', 'yaml'))).toBe('policy: --format "yaml": expected sets or json');
    expect(refused(policy())).toMatch(/^policy: a FILE is needed; usage: npm run -s policy -- FILE/);
  });
});
