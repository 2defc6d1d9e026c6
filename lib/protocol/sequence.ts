/**
 * 16-bit sequence arithmetic (docs/PROTOCOL.md §4): `a` is newer than `b` when
 * (a - b) mod 2^16 lies in 1..32767, so comparisons stay correct across wrap-around.
 */

export const SEQUENCE_MODULUS = 0x1_0000;
const HALF = 0x8000;

/** (a - b) mod 2^16 as a signed distance in -32768..32767. */
export function sequenceDistance(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= HALF ? d - SEQUENCE_MODULUS : d;
}

export function sequenceNewer(a: number, b: number): boolean {
  return sequenceDistance(a, b) > 0;
}

export function sequenceNext(a: number): number {
  return (a + 1) & 0xffff;
}
