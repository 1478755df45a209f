import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/app/link.ts';
import { decodeLink, encodeLink } from '../../src/app/url.ts';

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
});
