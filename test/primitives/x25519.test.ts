import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsPrimitives, nativeLoad } from '../../lib/native.js';
import { PrimitiveStatus, type Primitives } from '../../lib/primitives/types.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const backends: Array<[string, Primitives]> = [['js', jsPrimitives]];
if (nativeLoad.primitives !== null) backends.push(['native', nativeLoad.primitives]);

// RFC 7748 §6.1
const ALICE_PRIVATE = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
const ALICE_PUBLIC = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
const BOB_PUBLIC = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
const SHARED = hex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');

describe.each(backends)('X25519 (%s)', (_name, p) => {
  it('matches RFC 7748 §6.1', () => {
    const pub = new Uint8Array(32);
    expect(p.x25519PublicKey(ALICE_PRIVATE, pub)).toBe(0);
    expect(pub).toEqual(ALICE_PUBLIC);
    const shared = new Uint8Array(32);
    expect(p.x25519SharedSecret(ALICE_PRIVATE, BOB_PUBLIC, shared)).toBe(0);
    expect(shared).toEqual(SHARED);
  });

  it('refuses a low-order peer point with AUTH_FAILED and wrong lengths with RangeError', () => {
    expect(p.x25519SharedSecret(ALICE_PRIVATE, new Uint8Array(32), new Uint8Array(32))).toBe(PrimitiveStatus.AUTH_FAILED);
    expect(() => p.x25519SharedSecret(ALICE_PRIVATE, new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => p.x25519PublicKey(new Uint8Array(33), new Uint8Array(32))).toThrow(RangeError);
  });
});

// Skipped (reason) where the addon does not load (the js-fallback project): no native twin to compare.
describe.skipIf(nativeLoad.primitives === null)('X25519: native and JS twins', () => {
  it('produce identical public keys and shared secrets for random keys', () => {
    const native = nativeLoad.primitives as Primitives;
    for (let i = 0; i < 200; i++) {
      const a = new Uint8Array(randomBytes(32));
      const b = new Uint8Array(randomBytes(32));
      const [pa, pb, pa2] = [new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)];
      native.x25519PublicKey(a, pa);
      jsPrimitives.x25519PublicKey(a, pa2);
      expect(pa).toEqual(pa2);
      jsPrimitives.x25519PublicKey(b, pb);
      const [s1, s2] = [new Uint8Array(32), new Uint8Array(32)];
      expect(native.x25519SharedSecret(a, pb, s1)).toBe(0);
      expect(jsPrimitives.x25519SharedSecret(b, pa, s2)).toBe(0);
      expect(s1).toEqual(s2);
    }
  });
});
