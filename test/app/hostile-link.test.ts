/** Links written by someone hostile: every one opens a working lab, and says what it left out. */
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/app/link.ts';
import { decodeLink, opToAction } from '../../src/app/url.ts';

const catalog = builtinCatalog();

describe('hostile links', () => {
  it('a name is looked up as the table\'s own entry, never through its prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const r = decodeLink(`?op=00:10:${name}(,*,5)&model=${name}&${name}=1&compare=w:${name}&hide=${name}`, catalog);
      expect(r.state.model).toBe('azure-2026-02');
      expect(r.state.changes).toBeUndefined();
      expect(r.state.compare === undefined || r.state.compare === `w:${name}`).toBe(true);
      expect(Object.keys(r.state.params)).toEqual([]);
      expect(r.notices.join(' ')).toContain(`"00:10:${name}(,*,5)" could not be read`);
      for (const c of r.state.changes ?? []) if ('action' in c) expect(() => opToAction(c.action)).not.toThrow();
    }
  });
});
