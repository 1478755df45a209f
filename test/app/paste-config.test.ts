/**
 * The page's paste box reads a client config with the command's own code and refusals: what it
 * shows is what `npm run -s policy` prints for the model on screen, and a paste it cannot read
 * (too big, YAML aliases, a `__proto__` key, a value out of range) is one sentence, the same the
 * command would say.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PASTE_BYTES, readPaste } from '../../src/app/paste-config.ts';
import { createLabStore } from '../../src/app/store.ts';
import { readSettingsKey } from '../../src/app/url.ts';
import { policyFromText } from '../../src/params/client-config/policy.ts';
import { model } from '../helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/client-config/${name}`, import.meta.url), 'utf8');

/** The page's store with a model on screen, as the simulation describes it. */
function page(id = 'azure-2026-02') {
  const loaded = model(id);
  return createLabStore({
    modelId: id,
    model: { id, title: loaded.model.title, params: loaded.params, dtS: loaded.model.dtS, whatIfs: [] } as never,
    recipe: { seed: 1, params: {}, changes: [] },
  });
}

describe('the paste box', () => {
  it('shows what the command prints for the model on screen: each setting and each note', () => {
    const store = page();
    const r = readPaste(store, fixture('grpc-service-config.json'), '');
    if (!r.ok) throw new Error(r.notice);
    const loaded = model('azure-2026-02');
    const cli = policyFromText(fixture('grpc-service-config.json'), {}, loaded.params, loaded.model.dtS);
    if (!cli.ok) throw new Error(cli.error);
    expect(r.heading).toBe(`Read as gRPC service config (helloworld.Greeter): the lab's settings for ${loaded.model.title}`);
    expect(r.settings).toEqual([
      ['Retries', '3'],
      ['Backoff base', '1 s'],
      ['Backoff cap', '1 s'],
      ['Jitter', 'full'],
      ['Retry budget', '10 %'],
      ['Adaptive throttling K', 'off'],
      ['Circuit breaker', 'off'],
      ['Client timeout', '10 s'],
    ]);
    expect(r.settings.length).toBe(Object.keys(cli.settings).length);
    // The command's notes, but for the option the page has as a box.
    expect(r.notes[0]).toBe('the file has other method configs: helloworld.Greeter/SayHelloSlowly (type its name under "Which one")');
    expect(r.notes.slice(1)).toEqual(cli.notes.slice(1));
    expect(r.notes.join('\n')).toMatch(/backoff base 100 ms .* is under the model's step of 1 s: 1 s used/);
  });

  it('"Which one" picks a method config, a route, a section or an AWS profile', () => {
    const slow = readPaste(page(), fixture('grpc-service-config.json'), 'helloworld.Admin');
    expect(slow.ok && slow.settings.slice(0, 3)).toEqual([['Retries', '2'], ['Backoff base', '2 s'], ['Backoff cap', '20 s']]);
    const aws = readPaste(page(), fixture('aws-config.ini'), 'nope');
    expect(aws).toEqual({ ok: false, notice: expect.stringMatching(/^Not read: .*no profile "nope"; the file has .*: type its name under "Which one"\.$/) });
  });

  it('applies as a what-if and compares as run B, through the store, with the settings in the link\'s form', () => {
    const store = page();
    const r = readPaste(store, fixture('grpc-service-config.json'), '');
    if (!r.ok) throw new Error(r.notice);
    expect(r.apply()).toMatch(/^Applied/);
    const [on] = store.getState().whatIfs;
    expect(on.label).toBe('gRPC service config (helloworld.Greeter), pasted');
    expect(on.params).toMatchObject({ 'retry.attempts': 3, 'retry.budget': 10, timeout: 10 });
    expect(r.apply()).toMatch(/already on/);
    expect(store.getState().whatIfs.length).toBe(1);
    r.compare();
    const key = store.getState().compareKey!;
    expect(readSettingsKey(key, model('azure-2026-02').params)!.params).toEqual(on.params);
  });

  it('refuses what the command refuses, in one sentence, and a paste over 64 KB unread', () => {
    const say = (text: string) => {
      const r = readPaste(page('single-service'), text, '');
      return r.ok ? 'read' : r.notice;
    };
    expect(say('a: &x 1\nretry_policy:\n  num_retries: *x\n')).toBe('Not read: read as YAML: an anchor (&x); YAML anchors and aliases are refused: write the values out.');
    expect(say('{"methodConfig":[{"__proto__":{"retryPolicy":{}}}]}')).toBe('Not read: read as JSON: a key named "__proto__" is refused.');
    expect(say('{"Retry":{"MaxRetryAttempts":25,"BackoffType":"Exponential"}}')).toBe("Not read: Retry:MaxRetryAttempts 25: outside the lab's range for retries (retry.attempts), 0 to 10.");
    expect(say('{"methodConfig": [')).toMatch(/^Not read: read as JSON: /);
    expect(say('   ')).toBe('Paste a client config in the box first.');
    // Counted in bytes: 22,000 euro signs are 66,000 bytes.
    expect(say('€'.repeat(22_000))).toBe('Not read: the paste is 65 KB, and a client config can be at most 64 KB.');
    expect(say(' '.repeat(MAX_PASTE_BYTES + 1))).toBe('Not read: the paste is 65 KB, and a client config can be at most 64 KB.');
    expect(say(`${fixture('grpc-service-config.json')}${' '.repeat(MAX_PASTE_BYTES - 2000)}`)).toBe('read');
  });
});
