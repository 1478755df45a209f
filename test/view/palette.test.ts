import { describe, expect, it } from 'vitest';
import { HEALTH_STATES } from '../../src/engine/machines/health.ts';
import { contrastRatio, STATE_TEXT, stateColor } from '../../src/view/palette.ts';

describe('state colours', () => {
  it('carry their text at 4.5:1 or more, every state the engine knows', () => {
    for (const state of [...HEALTH_STATES, 'some state not named yet']) expect(contrastRatio(stateColor(state), STATE_TEXT), state).toBeGreaterThanOrEqual(4.5);
  });
  it('contrastRatio reads as WCAG does: black on white is 21, a colour on itself 1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#c75a00', '#c75a00')).toBe(1);
    expect(contrastRatio('#c75a00', '#ffffff')).toBeCloseTo(4.29, 2);
  });
});
