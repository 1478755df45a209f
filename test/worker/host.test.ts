import { describe, expect, it } from 'vitest';
import { SimHost } from '../../src/worker/host.ts';
import type { Frame, FromWorkerMsg } from '../../src/worker/protocol.ts';

function one(replies: FromWorkerMsg[]): FromWorkerMsg {
  expect(replies).toHaveLength(1);
  return replies[0];
}
function frameOf(m: FromWorkerMsg): Frame {
  if (m.type === 'frame') return m;
  if (m.type === 'loaded') return m.frame;
  throw new Error(`expected a frame, got ${m.type}: ${JSON.stringify(m)}`);
}

describe('simulation host', () => {
  it('loads a built-in model and describes it', () => {
    const h = new SimHost();
    const m = one(h.handle({ type: 'load', model: 'azure-2026-02' }));
    expect(m.type).toBe('loaded');
    if (m.type !== 'loaded') return;
    expect(m.model.regions.map((r) => r.id)).toContain('eastus');
    expect(m.model.services.map((s) => s.id)).toEqual(expect.arrayContaining(['storage', 'extensions', 'vm', 'aks', 'runners', 'identity', 'bystanders']));
    expect(m.model.timeline.find((e) => e.type === 'rollout.start')!.t).toBe(33 * 60);
    expect(m.frame.t).toBe(0);
  });

  it('what-ifs in a row measure against the same run as they would alone, and a changed run against itself', () => {
    const verdictOf = (m: FromWorkerMsg) => {
      if (m.type !== 'verdict') throw new Error(`expected a verdict, got ${m.type}`);
      return { text: m.text, base: m.base, changed: m.changed };
    };
    const ask = (h: SimHost, params: Record<string, number | string>) => verdictOf(one(h.handle({ type: 'whatIf', label: 'x', params })));
    const row = new SimHost();
    one(row.handle({ type: 'load', model: 'single-service' }));
    const first = ask(row, { 'retry.attempts': 0 });
    const second = ask(row, { 'retry.budget': 10 });
    const alone = new SimHost();
    one(alone.handle({ type: 'load', model: 'single-service' }));
    expect(second).toEqual(ask(alone, { 'retry.budget': 10 }));
    expect(second.base).toEqual(first.base);
    // The run changed (a setting): its what-ifs measure against the run as it is now.
    one(row.handle({ type: 'setParam', id: 'load', value: 600 }));
    const after = ask(row, { 'retry.budget': 10 });
    expect(after.base).not.toEqual(first.base);
    const fresh = new SimHost();
    one(fresh.handle({ type: 'load', model: 'single-service', params: { load: 600 } }));
    expect(after.base).toEqual(ask(fresh, { 'retry.budget': 10 }).base);
  });

  it('advances, sampling history that arrives once, in order', () => {
    const h = new SimHost();
    const loaded = frameOf(one(h.handle({ type: 'load', model: 'single-service' })));
    const a = frameOf(one(h.handle({ type: 'advance', simS: 100 })));
    const b = frameOf(one(h.handle({ type: 'advance', simS: 100 })));
    expect(a.t).toBe(100);
    expect(b.t).toBe(200);
    expect(loaded.reset).toBe(true);
    expect(a.reset).toBe(false);
    expect(b.reset).toBe(false);
    expect(Array.from(a.samples.t).at(-1)).toBeLessThanOrEqual(100);
    expect(Array.from(b.samples.t)[0]).toBeGreaterThan(100);
  });

  it('seeking back replays exactly what playing straight gave, slider changes included', () => {
    const straight = new SimHost();
    straight.handle({ type: 'load', model: 'single-service' });
    straight.handle({ type: 'advance', simS: 200 });
    straight.handle({ type: 'setParam', id: 'retry.attempts', value: 0 });
    const s = frameOf(one(straight.handle({ type: 'advance', simS: 300 })));

    const h = new SimHost();
    h.handle({ type: 'load', model: 'single-service' });
    h.handle({ type: 'advance', simS: 200 });
    h.handle({ type: 'setParam', id: 'retry.attempts', value: 0 });
    h.handle({ type: 'advance', simS: 600 });
    const back = frameOf(one(h.handle({ type: 'seek', t: 500 })));
    expect(back.reset).toBe(true);
    expect(back.t).toBe(500);
    expect(Array.from(back.health)).toEqual(Array.from(s.health));
    expect(Array.from(back.metrics)).toEqual(Array.from(s.metrics));
    expect(back.params['retry.attempts']).toBe(0);
  });

  it('seeking before a slider change forgets it', () => {
    const h = new SimHost();
    h.handle({ type: 'load', model: 'single-service' });
    h.handle({ type: 'advance', simS: 300 });
    h.handle({ type: 'setParam', id: 'retry.attempts', value: 0 });
    const f = frameOf(one(h.handle({ type: 'seek', t: 100 })));
    expect(f.params['retry.attempts']).toBe(3);
  });

  it('restart runs again from zero with the current settings', () => {
    const h = new SimHost();
    h.handle({ type: 'load', model: 'single-service' });
    h.handle({ type: 'advance', simS: 300 });
    h.handle({ type: 'setParam', id: 'retry.attempts', value: 0 });
    const f = frameOf(one(h.handle({ type: 'restart' })));
    expect(f.t).toBe(0);
    expect(f.params['retry.attempts']).toBe(0);
    const later = frameOf(one(h.handle({ type: 'advance', simS: 900 })));
    expect(later.done).toBe(true);
  });

  it('refuses bad input with a message and keeps the run', () => {
    const h = new SimHost();
    expect(one(h.handle({ type: 'advance', simS: 1 })).type).toBe('refused');
    h.handle({ type: 'load', model: 'single-service' });
    h.handle({ type: 'advance', simS: 50 });
    const bad = one(h.handle({ type: 'setParam', id: 'retry.attempts', value: 99 }));
    expect(bad).toMatchObject({ type: 'refused', message: expect.stringContaining('expected a whole number from 0 to 10') });
    expect(one(h.handle({ type: 'load', model: 'nope' }))).toMatchObject({ type: 'refused', message: expect.stringContaining('unknown model') });
    expect(one(h.handle({ type: 'load', model: { schema: 1 } })).type).toBe('refused');
    expect(frameOf(one(h.handle({ type: 'advance', simS: 10 }))).t).toBe(60);
  });

  it('a new host given the recipe of a run reproduces it exactly (restoring a failed worker)', () => {
    // The page keeps the latest recipe it was sent, as it would to restore a worker.
    let recipe: Frame['recipe'];
    const a = new SimHost();
    const send = (m: Parameters<SimHost['handle']>[0]) => {
      const f = frameOf(one(a.handle(m)));
      recipe = f.recipe ?? recipe;
      return f;
    };
    send({ type: 'load', model: 'single-service', seed: 4 });
    send({ type: 'setParam', id: 'timeout', value: 3 });
    send({ type: 'advance', simS: 150 });
    send({ type: 'setParam', id: 'retry.attempts', value: 1 });
    send({ type: 'advance', simS: 100 });
    send({ type: 'act', action: { type: 'admission', service: 'server', percent: 50 } });
    const original = send({ type: 'advance', simS: 200 });
    expect(recipe!.changes).toHaveLength(3);
    const b = new SimHost();
    b.handle({ type: 'load', model: 'single-service', seed: recipe!.seed, params: recipe!.params as Record<string, number>, changes: recipe!.changes });
    const restored = frameOf(one(b.handle({ type: 'seek', t: original.t })));
    expect(Array.from(restored.metrics)).toEqual(Array.from(original.metrics));
    expect(Array.from(restored.health)).toEqual(Array.from(original.health));
    expect(restored.params).toEqual(original.params);
  });

  it('undo takes back the last operator action as if it had never been done', () => {
    const plain = new SimHost();
    plain.handle({ type: 'load', model: 'single-service' });
    const without = frameOf(one(plain.handle({ type: 'advance', simS: 400 })));
    const h = new SimHost();
    h.handle({ type: 'load', model: 'single-service' });
    h.handle({ type: 'advance', simS: 200 });
    h.handle({ type: 'act', action: { type: 'admission', service: 'server', percent: 0 } });
    const acted = frameOf(one(h.handle({ type: 'advance', simS: 200 })));
    expect(Array.from(acted.metrics)).not.toEqual(Array.from(without.metrics));
    const undone = frameOf(one(h.handle({ type: 'undo' })));
    expect(undone.t).toBe(400);
    expect(Array.from(undone.metrics)).toEqual(Array.from(without.metrics));
    expect(undone.recipe!.changes).toEqual([]);
    expect(one(h.handle({ type: 'undo' }))).toMatchObject({ type: 'refused', message: 'there is no operator action to undo' });
  });

  it('runs the checks part by part, each answer saying how many parts there are, and refuses a part that is not there', () => {
    const host = new SimHost();
    const first = one(host.handle({ type: 'validate', part: 0 }));
    if (first.type !== 'validated') throw new Error(first.type);
    expect(first.part).toBe(0);
    expect(first.parts).toBeGreaterThan(1);
    expect(first.rows.length).toBeGreaterThan(3);
    const last = one(host.handle({ type: 'validate', part: first.parts - 1 }));
    if (last.type !== 'validated') throw new Error(last.type);
    expect(last.rows).toHaveLength(1);
    expect(last.rows[0].id).toMatch(/^des-/);
    const beyond = one(host.handle({ type: 'validate', part: first.parts }));
    expect(beyond).toEqual({ type: 'refused', message: `no part ${first.parts} of the checks; there are ${first.parts}` });
  });
});
