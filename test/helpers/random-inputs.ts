/**
 * Seeded random inputs for the primitive tests: a thin view over the project's
 * {@link SeededRandom} plus size and payload generators, so a failure reproduces from the
 * seed in the test name.
 */
import { SeededRandom } from '../../lib/protocol/seeded-random.js';

export interface Prng {
  /** Uniform 32-bit unsigned integer. */
  u32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Uint8Array;
}

export function createPrng(seed: number): Prng {
  const r = new SeededRandom(seed);
  const int = (n: number): number => Math.floor(r.next() * n);
  return {
    u32: () => r.nextUint32(),
    int,
    chance: (p) => r.chance(p),
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    bytes: (n) => r.fill(new Uint8Array(n)),
  };
}

/** Sizes around the AEAD tag, deflate block, MTU, and 16-bit limits. */
export const BOUNDARY_SIZES: readonly number[] = [
  0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 258, 259, 1023,
  1024, 1025, 1200, 1400, 1472, 4095, 4096, 4097, 16383, 16384, 16385, 32767, 32768, 32769,
  65534, 65535,
];

/** A size in 0..65535, biased towards small and boundary sizes: 35% ≤ 64, 25% boundary,
 * 30% ≤ 4096, 10% anywhere up to 65535. */
export function biasedSize(rng: Prng): number {
  const r = rng.int(100);
  if (r < 35) return rng.int(65);
  if (r < 60) return rng.pick(BOUNDARY_SIZES);
  if (r < 90) return rng.int(4097);
  return rng.int(65536);
}

/** n bytes of one of four textures: random, all zero, a small alphabet, or repeated runs. */
export function payload(rng: Prng, n: number): Uint8Array {
  const kind = rng.int(4);
  if (kind === 0) return rng.bytes(n);
  const out = new Uint8Array(n);
  if (kind === 1) return out;
  if (kind === 2) {
    const alphabet = 1 + rng.int(16);
    for (let i = 0; i < n; i++) out[i] = 97 + rng.int(alphabet);
    return out;
  }
  let i = 0;
  while (i < n) {
    const run = 1 + rng.int(40);
    const value = rng.int(256);
    const end = Math.min(n, i + run);
    if (i > 8 && rng.chance(0.5)) {
      const back = 1 + rng.int(Math.min(i, 300));
      for (; i < end; i++) out[i] = out[i - back] as number;
    } else {
      out.fill(value, i, end);
      i = end;
    }
  }
  return out;
}
