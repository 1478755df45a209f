/** A model's `opensAt`: where the page opens when a link names no moment. */
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/load-model.ts';
import { BUILTIN_MODELS } from '../../models/index.ts';

const incident = BUILTIN_MODELS['azure-2026-02'] as Record<string, unknown>;
const single = BUILTIN_MODELS['single-service'] as Record<string, unknown>;
const errors = (m: object) => {
  const r = loadModel(m);
  return r.ok ? [] : r.errors;
};

describe('opensAt', () => {
  it('the built-in models open on their storm: the incident at 00:40, one service at its trigger\'s end', () => {
    expect(incident.opensAt).toBe('00:40');
    expect(single.opensAt).toBe(90);
    expect(errors(incident)).toEqual([]);
    expect(errors(single)).toEqual([]);
  });

  it('is refused after the end of the run, and as a clock time on a model without a clock', () => {
    expect(errors({ ...single, opensAt: 901 }).join(' ')).toMatch(/opensAt: 901 is after the end of the run/);
    expect(errors({ ...single, opensAt: '00:10' }).join(' ')).toMatch(/opensAt: "HH:MM" times need a clocked model/);
    expect(errors({ ...single, opensAt: 'soon' })).not.toEqual([]);
  });
});
