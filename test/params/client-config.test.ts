/**
 * Client configs as each project documents them map to the lab's settings: one test per mapped
 * field, on the fixtures in test/fixtures/client-config (each follows its project's documentation).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readClientConfig } from '../../src/params/client-config/recognise.ts';
import type { ReadOptions } from '../../src/params/client-config/read.ts';
import { fitToModel, setArgs } from '../../src/params/client-config/settings.ts';
import { model } from '../helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/client-config/${name}`, import.meta.url), 'utf8');

function read(text: string, options: ReadOptions = {}) {
  const r = readClientConfig(text, options);
  if (!r.ok) throw new Error(r.error);
  return r.read;
}

/** The settings as the config gives them, before any model's step applies. */
function mapped(name: string, options: ReadOptions = {}): Record<string, number | string> {
  return Object.fromEntries(read(fixture(name), options).settings.map((s) => [s.id, s.value]));
}

/** The settings and notes for a built-in model. */
function fitted(text: string, modelId = 'single-service', options: ReadOptions = {}) {
  const loaded = model(modelId);
  const r = fitToModel(read(text, options), loaded.params, loaded.model.dtS);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const errorOf = (text: string, options: ReadOptions = {}) => {
  const r = readClientConfig(text, options);
  if (r.ok) {
    const loaded = model('single-service');
    const f = fitToModel(r.read, loaded.params, loaded.model.dtS);
    return f.ok ? '' : f.error;
  }
  return r.error;
};

describe('gRPC service config', () => {
  const grpc = () => mapped('grpc-service-config.json');
  it('is recognised from methodConfig', () => expect(read(fixture('grpc-service-config.json')).format).toBe('grpc'));
  it('maxAttempts counts the first try: 4 attempts are 3 retries', () => expect(grpc()['retry.attempts']).toBe(3));
  it('initialBackoff is the backoff base', () => expect(grpc()['retry.baseDelay']).toBe(0.1));
  it('maxBackoff is the backoff cap', () => expect(grpc()['retry.maxDelay']).toBe(1));
  it('the backoff is random(0, backoff): full jitter', () => expect(grpc()['retry.jitter']).toBe('full'));
  it('timeout, the deadline over all attempts, is each try’s timeout, with a note', () => {
    expect(grpc().timeout).toBe(10);
    expect(read(fixture('grpc-service-config.json')).notes.join('\n')).toMatch(/deadline over all attempts/);
  });
  it('retryThrottling tokenRatio 0.1 is a 10 % retry budget', () => expect(grpc()['retry.budget']).toBe(10));
  it('retryableStatusCodes: a note that the lab retries every failure', () =>
    expect(read(fixture('grpc-service-config.json')).notes).toContain('retryPolicy.retryableStatusCodes UNAVAILABLE: the lab retries every failure'));
  it('backoffMultiplier other than 2: a note', () => {
    const r = read(fixture('grpc-service-config.json'), { name: 'helloworld.Admin' });
    expect(r.notes.join('\n')).toMatch(/backoffMultiplier 1.5: the lab doubles/);
  });
  it('--name picks a method config by any of its names; the first is the default, with a note naming the others', () => {
    const slow = mapped('grpc-service-config.json', { name: 'helloworld.Greeter/SayHelloSlowly' });
    expect([slow['retry.attempts'], slow['retry.baseDelay'], slow['retry.maxDelay'], slow.timeout]).toEqual([2, 2, 20, 30]);
    expect(read(fixture('grpc-service-config.json')).notes[0]).toBe('the file has other method configs: helloworld.Greeter/SayHelloSlowly (pick one with --name)');
    expect(errorOf(fixture('grpc-service-config.json'), { name: 'nope' })).toMatch(/no method config named "nope"; the file has helloworld.Greeter, helloworld.Greeter\/SayHelloSlowly/);
  });
  it('more than 5 attempts are 5, as gRPC does', () => {
    const r = read('{"methodConfig":[{"retryPolicy":{"maxAttempts":9,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]}');
    expect(r.settings.find((s) => s.id === 'retry.attempts')!.value).toBe(4);
  });
  it('reads keys in any case, as grpc-go’s examples write them', () => {
    expect(read('{"methodConfig":[{"retryPolicy":{"MaxAttempts":4,"InitialBackoff":".01s","MaxBackoff":".01s","BackoffMultiplier":1.0,"RetryableStatusCodes":["UNAVAILABLE"]}}]}').settings.slice(0, 3).map((s) => s.value)).toEqual([3, 0.01, 0.01]);
  });
});

describe('Envoy', () => {
  const route = () => mapped('envoy-bootstrap.yaml');
  it('is recognised from a route retry_policy inside a bootstrap (YAML)', () => expect(read(fixture('envoy-bootstrap.yaml')).format).toBe('envoy'));
  it('num_retries is the retries', () => expect(route()['retry.attempts']).toBe(3));
  it('retry_back_off.base_interval is the backoff base', () => expect(route()['retry.baseDelay']).toBe(0.25));
  it('retry_back_off.max_interval is the backoff cap', () => expect(route()['retry.maxDelay']).toBe(2.5));
  it('the back-off is fully jittered', () => expect(route()['retry.jitter']).toBe('full'));
  it('per_try_timeout is the client timeout', () => expect(route().timeout).toBe(2));
  it('the routed cluster’s retry_budget.budget_percent is the retry budget', () => expect(route()['retry.budget']).toBe(25));
  it('--name picks a route; its defaults are Envoy’s (1 retry, 25 ms to 250 ms), and its cluster has no budget', () => {
    const s = mapped('envoy-bootstrap.yaml', { name: 'static' });
    expect([s['retry.attempts'], s['retry.baseDelay'], s['retry.maxDelay'], s['retry.budget']]).toEqual([1, 0.025, 0.25, 25]);
  });
  it('a retry_policy alone, in JSON: max_interval defaults to 10 × base_interval, and no budget', () => {
    const s = mapped('envoy-retry-policy.json');
    expect([s['retry.attempts'], s['retry.baseDelay'], s['retry.maxDelay'], s['retry.budget']]).toEqual([2, 0.025, 0.25, 'off']);
  });
  it('reads Envoy’s JSON in camelCase, as the proto JSON mapping writes it', () => {
    const r = read('{"routes":[{"name":"r","route":{"cluster":"c","timeout":"30s","retryPolicy":{"retryOn":"5xx","numRetries":4,"perTryTimeout":"3s"}}}]}');
    expect(r.format).toBe('envoy');
    expect(Object.fromEntries(r.settings.map((m) => [m.id, m.value]))).toMatchObject({ 'retry.attempts': 4, timeout: 3 });
  });
  it('a cluster alone maps its budget only (20 % by default)', () => {
    expect(mapped('envoy-cluster.yaml')).toEqual({ 'retry.budget': 20 });
  });
  it('notes retry_on and the route timeout it leaves out', () => {
    const notes = read(fixture('envoy-bootstrap.yaml')).notes.join('\n');
    expect(notes).toMatch(/retry_on "5xx,reset,connect-failure,refused-stream": the lab retries every failure/);
    expect(notes).toMatch(/route timeout "15s", over all tries, left out/);
    expect(notes).toMatch(/min_retry_concurrency 5 left out/);
  });
});

describe('Polly v8 options from appsettings.json', () => {
  const polly = () => mapped('polly-appsettings.json');
  it('is recognised from MaxRetryAttempts', () => expect(read(fixture('polly-appsettings.json')).format).toBe('polly'));
  it('MaxRetryAttempts is the retries', () => expect(polly()['retry.attempts']).toBe(3));
  it('Delay (hh:mm:ss) is the backoff base', () => expect(polly()['retry.baseDelay']).toBe(2));
  it('MaxDelay is the backoff cap', () => expect(polly()['retry.maxDelay']).toBe(30));
  it('BackoffType Exponential with UseJitter is decorrelated jitter', () => expect(polly()['retry.jitter']).toBe('decorrelated'));
  it('FailureRatio, MinimumThroughput, SamplingDuration, BreakDuration switch the lab’s breaker on, with a note of both', () => {
    expect(polly().breaker).toBe('on');
    expect(read(fixture('polly-appsettings.json')).notes.join('\n')).toMatch(/opens at 10 % failures of at least 100 calls in 30 s, for 5 s\): the lab's breaker is on, and opens at 50 % of at least 20 calls in 10 s, for 30 s/);
  });
  it('AttemptTimeout is the client timeout; TotalRequestTimeout is left out with a note', () => {
    expect(polly().timeout).toBe(10);
    expect(read(fixture('polly-appsettings.json')).notes.join('\n')).toMatch(/TotalRequestTimeout:Timeout "00:00:30", over all tries, left out/);
  });
  it('--name picks a section: Linear backoff doubles up to the last linear delay, Polly’s default Delay of 2 s, no breaker', () => {
    const s = mapped('polly-appsettings.json', { name: 'RetryOptions' });
    expect(s).toMatchObject({ 'retry.attempts': 7, 'retry.baseDelay': 2, 'retry.maxDelay': 14, 'retry.jitter': 'none', breaker: 'off' });
  });
  it('BackoffType Constant is a cap equal to the base', () => {
    const s = Object.fromEntries(read('{"Retry":{"MaxRetryAttempts":2,"BackoffType":"Constant","Delay":"00:00:05"}}').settings.map((m) => [m.id, m.value]));
    expect([s['retry.baseDelay'], s['retry.maxDelay']]).toEqual([5, 5]);
  });
});

describe('AWS shared config', () => {
  const aws = (profile?: string) => Object.fromEntries(read(fixture('aws-config.ini'), { profile }).settings.map((s) => [s.id, s.value]));
  it('is recognised from [default] and [profile NAME] sections', () => expect(read(fixture('aws-config.ini')).format).toBe('aws'));
  it('max_attempts counts the first try: 3 attempts are 2 retries', () => expect(aws()['retry.attempts']).toBe(2));
  it('retry_mode standard: 1 s base doubling to 20 s with full jitter, and its retry quota as a 20 % budget', () => {
    expect(aws()).toMatchObject({ 'retry.baseDelay': 1, 'retry.maxDelay': 20, 'retry.jitter': 'full', 'retry.budget': 20 });
  });
  it('--profile picks a profile whose name has a dot; its sub-settings (s3 = …) are not the profile’s', () => {
    expect(aws('batch.jobs')['retry.attempts']).toBe(4);
    expect(read(fixture('aws-config.ini'), { profile: 'batch.jobs' }).notes.join('\n')).toMatch(/adaptive's client-side rate limiter .* left out/);
  });
  it('retry_mode legacy has no retry quota', () => expect(aws('legacy-tool')['retry.budget']).toBe('off'));
  it('a missing profile names those there are', () => expect(errorOf(fixture('aws-config.ini'), { profile: 'prod' })).toMatch(/no profile "prod"; the file has (default|legacy-tool|batch.jobs), (default|legacy-tool|batch.jobs), (default|legacy-tool|batch.jobs): pick one with --profile$/));
});

describe('Azure.Core RetryOptions from appsettings.json', () => {
  const azure = (name?: string) => mapped('azure-appsettings.json', { name });
  it('is recognised from MaxRetries and Mode', () => expect(read(fixture('azure-appsettings.json')).format).toBe('azure-core'));
  it('MaxRetries is the retries', () => expect(azure()['retry.attempts']).toBe(3));
  it('Delay is the backoff base (0.8 s by default)', () => expect(azure()['retry.baseDelay']).toBe(0.8));
  it('MaxDelay is the backoff cap (1 minute by default)', () => expect(azure()['retry.maxDelay']).toBe(60));
  it('Mode Exponential is equal jitter (×0.8–1.2); Fixed is a cap equal to the base, no jitter', () => {
    expect(azure()['retry.jitter']).toBe('equal');
    expect(azure('Storage')).toMatchObject({ 'retry.baseDelay': 2, 'retry.maxDelay': 2, 'retry.jitter': 'none' });
  });
  it('NetworkTimeout is the client timeout', () => expect(azure('Storage').timeout).toBe(30));
  it('a client section falls back to AzureDefaults for what it leaves out', () => {
    expect(azure('ServiceBus')).toMatchObject({ 'retry.attempts': 3, 'retry.baseDelay': 0.5, 'retry.maxDelay': 10, 'retry.jitter': 'equal' });
  });
});

describe('fitting to a model', () => {
  it('a delay under the model’s step is one step, with a note naming it', () => {
    const f = fitted(fixture('grpc-service-config.json'), 'azure-2026-02');
    expect(f.settings['retry.baseDelay']).toBe(1);
    expect(f.notes).toContain('backoff base 100 ms (retryPolicy.initialBackoff "0.1s") is under the model\'s step of 1 s: 1 s used');
  });
  it('a timeout between steps is the nearest whole number of steps', () => {
    const f = fitted('{"retry_policy":{"num_retries":1,"per_try_timeout":"1.1s"}}');
    expect(f.settings.timeout).toBe(1);
    expect(f.notes.at(-1)).toMatch(/client timeout 1.1 s \(per_try_timeout "1.1s"\) is not a whole number of the model's steps of 250 ms: 1 s used/);
  });
  it('a value outside the lab’s range is refused, naming field, value and range', () => {
    expect(errorOf('{"Retry":{"MaxRetryAttempts":20}}')).toBe("Retry:MaxRetryAttempts 20: outside the lab's range for retries (retry.attempts), 0 to 10");
    expect(errorOf('{"retry_policy":{"num_retries":1,"retry_back_off":{"base_interval":"45s"}}}')).toMatch(/^retry_back_off.base_interval "45s": outside the lab's range for backoff base \(retry.baseDelay\), 0 to 30 s$/);
  });
  it('prints settings every --set accepts, in a fixed order', () => {
    expect(setArgs(fitted(fixture('envoy-bootstrap.yaml')).settings).join(' ')).toBe(
      '--set retry.attempts=3 --set retry.baseDelay=0.25 --set retry.maxDelay=2.5 --set retry.jitter=full --set retry.budget=25 --set throttle.k=off --set breaker=off --set timeout=2',
    );
  });
});

describe('hostile or unknown input', () => {
  it('refuses YAML anchors and aliases', () => {
    expect(errorOf('retry_policy: &p\n  num_retries: 3\nother: *p\n')).toMatch(/^read as YAML: an anchor \(&p\); YAML anchors and aliases are refused/);
    expect(errorOf('a: *p\n')).toMatch(/^read as YAML: .*alias/i);
  });
  it('refuses a YAML key given twice in one mapping, naming it; the same key in two mappings is fine', () => {
    expect(errorOf('retry_policy:\n  num_retries: 3\n  num_retries: 4\n')).toBe('read as YAML: the key "num_retries" appears twice in one mapping; each key once');
    expect(read('retry_policy:\n  num_retries: 2\n  retry_back_off:\n    base_interval: 1s\nother:\n  num_retries: 9\n').settings.find((x) => x.id === 'retry.attempts')!.value).toBe(2);
  });
  it('reads a mapping of tens of thousands of keys (under the 1 MB cap) as it reads a small one', () => {
    const big = ['retry_policy:', '  num_retries: 3', ...Array.from({ length: 50000 }, (_, i) => `  k${i}: ${i}`)].join('\n');
    expect(read(big).settings.find((x) => x.id === 'retry.attempts')!.value).toBe(3);
  });
  it('names the format it tried and what was wrong', () => {
    expect(errorOf('{"methodConfig": [}')).toMatch(/^read as JSON: /);
    expect(errorOf('{"hello": 1}')).toMatch(/^read as JSON: no retry configuration found; looked for methodConfig/);
    expect(errorOf('[weird]\nx = 1\n')).toBe('read as INI (an AWS shared config): no [default] or [profile NAME] section');
    expect(errorOf('retry_policy:\n  num_retries: three\n')).toBe('read as Envoy retry policy: num_retries "three" is not a number');
    expect(errorOf('{"Retry":{"MaxRetryAttempts":2,"Delay":"2 seconds"}}')).toBe('read as Polly v8 options: Retry:Delay "2 seconds" is not a TimeSpan; expected hh:mm:ss, e.g. "00:00:02"');
    expect(errorOf('')).toBe('the file is empty');
  });
  it('refuses a __proto__ key, in JSON or YAML; constructor and prototype keys are only data', () => {
    expect(errorOf('{"Retry":{"MaxRetryAttempts":2,"__proto__":{"x":1}}}')).toBe('read as JSON: a key named "__proto__" is refused');
    expect(errorOf('retry_policy:\n  __proto__: {num_retries: 3}\n')).toBe('read as YAML: a key named "__proto__" is refused');
    const r = read('{"Retry":{"MaxRetryAttempts":2,"constructor":{"prototype":{"x":1}}}}');
    expect(r.settings.find((s) => s.id === 'retry.attempts')!.value).toBe(2);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('echoes what the file holds printable: no escape sequences or direction overrides, a few hundred characters at most', () => {
    const codes = ['\u001b[31mRED', '\u202eevil', ...Array.from({ length: 500 }, (_, i) => `CODE_${i}`)];
    const r = read(JSON.stringify({ methodConfig: [{ retryPolicy: { maxAttempts: 2, initialBackoff: '1s', maxBackoff: '1s', backoffMultiplier: 2, retryableStatusCodes: codes } }] }));
    for (const n of r.notes) {
      expect(n).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
      expect(n.length).toBeLessThanOrEqual(400);
    }
    expect(errorOf('{"Retry":{"MaxRetryAttempts":2,"Delay":"\u202e00:00:02"}}')).not.toMatch(/\u202e/);
    expect(errorOf('{"methodConfig": [\u202e}')).not.toMatch(/\u202e/);
  });

  it('refuses nesting deeper than 64 levels', () => expect(errorOf('{"a":'.repeat(100) + '{"Retry":{"MaxRetryAttempts":1}}' + '}'.repeat(100))).toMatch(/nested deeper than 64 levels/));
});
