/**
 * AEAD negotiation: the client offers a bitmask, the server picks by its preference. Unknown
 * offer bits are ignored (a newer client may offer more), but the offer byte as sent is in the
 * transcript, so a relay that strips bits to force a weaker choice breaks Finished.
 */
import type { AeadAlgorithm as PrimitiveAeadName } from '../../primitives/types.js';
import { AeadChoice } from './constants.js';

/** XChaCha20-Poly1305 first: constant-time everywhere and a nonce space with no birthday worry. */
export const DEFAULT_AEAD_PREFERENCE: readonly AeadChoice[] = [AeadChoice.XCHACHA20_POLY1305, AeadChoice.AES_256_GCM];

const KNOWN: readonly AeadChoice[] = [AeadChoice.XCHACHA20_POLY1305, AeadChoice.AES_256_GCM];

export function aeadOfferMask(algorithms: readonly AeadChoice[]): number {
  let mask = 0;
  for (const a of algorithms) {
    if (!KNOWN.includes(a)) throw new RangeError(`unknown AEAD ${a}`);
    mask |= 1 << a;
  }
  if (mask === 0) throw new RangeError('offer at least one AEAD');
  return mask;
}

export function isOffered(offer: number, algorithm: AeadChoice): boolean {
  return KNOWN.includes(algorithm) && (offer & (1 << algorithm)) !== 0;
}

/** The first algorithm of `preference` the client offered, or undefined (no common AEAD: 1.0). */
export function chooseAead(offer: number, preference: readonly AeadChoice[] = DEFAULT_AEAD_PREFERENCE): AeadChoice | undefined {
  return preference.find((a) => isOffered(offer, a));
}

export function isAeadChoice(value: number): value is AeadChoice {
  return (KNOWN as readonly number[]).includes(value);
}

/** The primitive backend's name for a choice (`primitives[primitiveAeadName(choice)]`). */
export function primitiveAeadName(choice: AeadChoice): PrimitiveAeadName {
  return choice === AeadChoice.XCHACHA20_POLY1305 ? 'xchacha20poly1305' : 'aes256gcm';
}
