import { describe, expect, it } from 'vitest';
import { ledgerText } from '../../src/view/score.ts';

describe('ledgerText', () => {
  it('says what was asked and where every item is', () => {
    expect(ledgerText({ asked: 2_916_000, completed: 1_500_000, abandoned: 0, pending: 1_416_000 })).toBe('asked 2.92M: 1.5M completed, 0 abandoned, 1.42M pending');
  });
});
