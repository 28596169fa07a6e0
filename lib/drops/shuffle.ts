import { randomInt } from "node:crypto";

/** A source of uniform integers in [0, max): crypto's by default, a seeded one in tests. */
export type RandomInt = (max: number) => number;

export const cryptoRandomInt: RandomInt = (max) => randomInt(max);

/**
 * A deterministic RandomInt from a 32-bit seed (mulberry32), for tests that fix the shuffle.
 * Rejection sampling keeps it unbiased for any `max`.
 */
export function seededRandomInt(seed: number): RandomInt {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return (max) => {
    const limit = 2 ** 32 - (2 ** 32 % max);
    for (;;) {
      const x = next();
      if (x < limit) return x % max;
    }
  };
}

/** Fisher–Yates: every order of `items` equally likely, given a uniform `randomInt`. A new array. */
export function shuffled<T>(items: readonly T[], randomInt: RandomInt = cryptoRandomInt): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
