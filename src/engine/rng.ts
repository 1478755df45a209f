/**
 * Seeded pseudo-random numbers (mulberry32). A generator's whole state is one 32-bit integer
 * kept in the simulation state, so a snapshot restores the exact sequence. Each source of work has
 * a stream of its own: its noise does not depend on the order in which sources are stepped.
 */

export interface RngState {
  rng: number;
}

/** 2⁻³²: multiplying by it is exactly dividing by 2³² (a power of two), and quicker. */
const TWO_TO_MINUS_32 = 2 ** -32;

/** Next uniform number in [0, 1); advances `s.rng`. */
export function nextUniform(s: RngState): number {
  let a = (s.rng = (s.rng + 0x6d2b79f5) | 0);
  a = Math.imul(a ^ (a >>> 15), a | 1);
  a ^= a + Math.imul(a ^ (a >>> 7), a | 61);
  return ((a ^ (a >>> 14)) >>> 0) * TWO_TO_MINUS_32;
}

/** Initial generator state for a seed (any integer) and a stream within it (one per source). */
export function seedState(seed: number, stream = 0): number {
  // Spread small seeds and stream numbers so neighbours do not start on neighbouring states.
  const a = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  return Math.imul(a ^ Math.imul(stream + 1, 0xc2b2ae35), 0x27d4eb2f) | 0;
}
