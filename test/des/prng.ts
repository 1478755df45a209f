/**
 * A seeded generator for the per-request simulation: xoshiro128** seeded through splitmix32.
 * Its own code on purpose — the check of the fluid engine must share nothing with it.
 */

export type Uniform = () => number;

/** Uniform numbers in [0, 1) from a seed (any integer); the same seed gives the same sequence. */
export function seededUniform(seed: number): Uniform {
  let x = seed | 0;
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r / 4294967296;
  };
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}

/** An exponential variate of the given rate (per second), e.g. a Poisson process's gaps. */
export function exponentialS(u: Uniform, rateRps: number): number {
  // 1 - u is in (0, 1], so the logarithm is finite.
  return -Math.log(1 - u()) / rateRps;
}
