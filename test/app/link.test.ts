import { describe, expect, it } from 'vitest';
import { budgetedLink, builtinCatalog, linkQuery } from '../../src/app/link.ts';
import fc from 'fast-check';
import { createLabStore, type LabState } from '../../src/app/store.ts';
import { decimal, decodeLink, encodeLink, MAX_SHARED_LINK_CHARS } from '../../src/app/url.ts';
import { formatTime } from '../../src/view/format.ts';
import { model } from '../helpers.ts';

describe('links to built-in models', () => {
  const catalog = builtinCatalog();

  it('write clock times only where they are exact, so a run is reproduced to the second', () => {
    const q = encodeLink({ model: 'azure-2026-02', t: 517, params: {}, changes: [{ t: 517, action: { type: 'admission', service: 'identity', regions: ['eastus'], args: [0] } }] }, catalog);
    expect(decodeURIComponent(q)).toBe('v=2&model=azure-2026-02&t=517&op=517:admission(identity,eastus,0)');
    const back = decodeLink('?' + q, catalog);
    expect(back.state.t).toBe(517);
    expect(back.state.changes![0].t).toBe(517);
    expect(encodeLink({ model: 'azure-2026-02', t: 480, params: {} }, catalog)).toBe('v=2&model=azure-2026-02&t=17%3A38');
  });

  it('a link naming no moment opens at the model\'s opensAt; version 1 without a time at the start; t= and chapter= as they say', () => {
    const at = (q: string) => {
      const d = decodeLink(q, catalog);
      return { t: d.state.t, opening: d.opening };
    };
    expect(at('')).toEqual({ t: 7 * 3600 + 10 * 60, opening: true }); // 00:40 is 7 h 10 min after 17:30
    expect(at('?embed=1')).toEqual({ t: 25800, opening: true });
    expect(at('?v=2&model=single-service')).toEqual({ t: 90, opening: true }); // the trigger's end
    expect(at('?v=1&model=single-service')).toEqual({ t: undefined, opening: false });
    expect(at('?v=1')).toEqual({ t: undefined, opening: false });
    expect(at('?v=2&t=01:00')).toEqual({ t: 27000, opening: false });
    expect(at('?chapter=2')).toEqual({ t: undefined, opening: false });
    expect(decodeLink('?v=1', catalog).notices).toEqual([]);
    // The start is written too, so that it reads back as the start.
    const start = encodeLink({ model: 'single-service', t: 0, params: {} }, catalog);
    expect(start).toBe('v=2&model=single-service&t=0');
    expect(decodeLink('?' + start, catalog).state.t).toBe(0);
  });

  it('what the lab writes it reads back: times and operator arguments, decimals included (property)', () => {
    // single-service: 0.25 s steps, no clock; times and a fault's share as the page can make them.
    const step = 0.25;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 900 / step }),
        fc.integer({ min: 1, max: 899 / step }),
        fc.integer({ min: 0, max: 100_000_000 }).map((n) => n / 1e6),
        (tk, ck, percent) => {
          const t = tk * step;
          const state = { model: 'single-service', t, params: {}, changes: [{ t: ck * step, action: { type: 'fault' as const, service: 'server', regions: ['local'], args: [percent, 60] } }] };
          const q = encodeLink(state, catalog);
          const back = decodeLink('?' + q, catalog);
          expect(back.notices).toEqual([]);
          expect(back.state.t).toBe(t);
          const c = back.state.changes![0] as { t: number; action: { args: number[] } };
          expect(c.t).toBe(ck * step);
          expect(c.action.args[0]).toBeCloseTo(percent, 9);
        },
      ),
      { numRuns: 300, seed: 20261207 },
    );
    expect(decimal(1e-7)).toBe('0.0000001');
    expect(encodeLink({ model: 'single-service', t: 0.5, params: {} }, catalog)).toBe('v=2&model=single-service&t=0.5');
  });

  it('a change between the model\'s steps is moved to the nearest step, and the link says so', () => {
    const d = decodeLink('?v=2&model=azure-2026-02&t=01:00&at=10.5:failover=0', catalog);
    expect((d.state.changes![0] as { t: number }).t).toBe(11);
    expect(d.notices.join(' ')).toMatch(/at 10\.5 s falls between this model's 1 s steps, so it happens at 11 s/);
  });
});

describe('the link budget: every link the page writes', () => {
  const catalog = builtinCatalog();
  /** The incident at 04:00 with `n` operator actions, one a minute from 17:40. */
  const run = (n: number, more: Partial<LabState> = {}) =>
    createLabStore({
      modelId: 'azure-2026-02',
      model: { clockStart: clockStart } as never,
      t: 37800,
      recipe: {
        seed: 1,
        params: { 'retry.attempts': 2 },
        changes: Array.from({ length: n }, (_, k) => ({ t: 600 + k * 60, action: { type: 'admission', service: 'identity', regions: ['eastus'], percent: 50 + (k % 50) } as never })),
      },
      ...more,
    }).getState();
  const room = 'https://example.org/cascade-lab/?'.length;
  const clockStart = model('azure-2026-02').model.clock!.start;

  it('a link that fits is written whole', () => {
    const link = budgetedLink(run(20), catalog, room);
    expect(link.leftOut).toBeNull();
    expect(link.query).toBe(linkQuery(run(20), catalog));
  });

  it('a link over 8,000 characters keeps the changes that fit, from the start, and says what it left out', () => {
    const s = run(200);
    expect(room + linkQuery(s, catalog).length).toBeGreaterThan(MAX_SHARED_LINK_CHARS);
    const link = budgetedLink(s, catalog, room);
    expect(room + link.query.length).toBeLessThanOrEqual(MAX_SHARED_LINK_CHARS);
    expect(link.fullLength).toBe(room + linkQuery(s, catalog).length);
    const back = decodeLink('?' + link.query, catalog);
    const kept = back.state.changes!.length;
    // As many as fit: one more would not.
    expect(kept).toBeGreaterThan(100);
    expect(link.leftOut).toBe(`the last ${200 - kept} of its 200 changes and operator actions (from ${formatTime(600 + kept * 60, clockStart)} on)`);
    expect(back.state.changes!.map((c) => c.t)).toEqual(s.recipe!.changes.slice(0, kept).map((c) => c.t));
    // Everything else is in it: the settings and the time.
    expect(back.state.params).toEqual({ 'retry.attempts': 2 });
    expect(back.state.t).toBe(37800);
    expect(back.notices).toEqual([]);
  });

  it('a page that needs more room around the link keeps fewer changes', () => {
    const narrow = budgetedLink(run(200), catalog, room + 2000);
    expect(room + 2000 + narrow.query.length).toBeLessThanOrEqual(MAX_SHARED_LINK_CHARS);
    expect(decodeLink('?' + narrow.query, catalog).state.changes!.length).toBeLessThan(decodeLink('?' + budgetedLink(run(200), catalog, room).query, catalog).state.changes!.length);
  });
});
