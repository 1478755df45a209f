import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/app/link.ts';
import { decodeLink, encodeLink } from '../../src/app/url.ts';

describe('links to built-in models', () => {
  const catalog = builtinCatalog();

  it('write clock times only where they are exact, so a run is reproduced to the second', () => {
    const q = encodeLink({ model: 'azure-2026-02', t: 517, params: {}, changes: [{ t: 517, action: { type: 'admission', service: 'identity', regions: ['eastus'], args: [0] } }] }, catalog);
    expect(decodeURIComponent(q)).toBe('v=1&model=azure-2026-02&t=517&op=517:admission(identity,eastus,0)');
    const back = decodeLink('?' + q, catalog);
    expect(back.state.t).toBe(517);
    expect(back.state.changes![0].t).toBe(517);
    expect(encodeLink({ model: 'azure-2026-02', t: 480, params: {} }, catalog)).toBe('v=1&model=azure-2026-02&t=17%3A38');
  });
});
