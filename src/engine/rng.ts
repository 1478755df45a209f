/**
 * Seeded pseudo-random numbers (mulberry32). The generator's whole state is one 32-bit integer
 * kept in the simulation state, so a snapshot restores the exact sequence.
 */

export interface RngState {
  rng: number;
}

/** Next uniform number in [0, 1); advances `s.rng`. */
export function nextUniform(s: RngState): number {
  let a = (s.rng = (s.rng + 0x6d2b79f5) | 0);
  a = Math.imul(a ^ (a >>> 15), a | 1);
  a ^= a + Math.imul(a ^ (a >>> 7), a | 61);
  return ((a ^ (a >>> 14)) >>> 0) / 4294967296;
}

/** Initial generator state for a seed (any integer). */
export function seedState(seed: number): number {
  // Spread small seeds so seeds 1, 2, 3 do not start on neighbouring states.
  return Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) | 0;
}
