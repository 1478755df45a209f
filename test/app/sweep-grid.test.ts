/** The map's keys: where each moves the focus in a grid of points, and that it stops at the edges. */
import { describe, expect, it } from 'vitest';
import { moveFor } from '../../src/app/sweep-grid.ts';

describe('keys over the map', () => {
  it('move one point along x or y, with up the picture up the y axis', () => {
    expect(moveFor('ArrowRight', false, [1, 1], 4, 3)).toEqual([2, 1]);
    expect(moveFor('ArrowLeft', false, [1, 1], 4, 3)).toEqual([0, 1]);
    expect(moveFor('ArrowUp', false, [1, 1], 4, 3)).toEqual([1, 2]);
    expect(moveFor('ArrowDown', false, [1, 1], 4, 3)).toEqual([1, 0]);
  });

  it('stop at the edges rather than wrap', () => {
    expect(moveFor('ArrowRight', false, [3, 0], 4, 3)).toEqual([3, 0]);
    expect(moveFor('ArrowLeft', false, [0, 2], 4, 3)).toEqual([0, 2]);
    expect(moveFor('ArrowUp', false, [2, 2], 4, 3)).toEqual([2, 2]);
    expect(moveFor('ArrowDown', false, [2, 0], 4, 3)).toEqual([2, 0]);
  });

  it('go to a row’s ends with Home and End, and to the first and last point as drawn with Ctrl', () => {
    expect(moveFor('Home', false, [2, 1], 4, 3)).toEqual([0, 1]);
    expect(moveFor('End', false, [2, 1], 4, 3)).toEqual([3, 1]);
    expect(moveFor('Home', true, [2, 1], 4, 3)).toEqual([0, 2]);
    expect(moveFor('End', true, [2, 1], 4, 3)).toEqual([3, 0]);
  });

  it('leave other keys alone', () => {
    for (const key of ['Tab', 'Escape', 'a', 'PageDown']) expect(moveFor(key, false, [1, 1], 4, 3)).toBeNull();
  });
});
