/**
 * Stateless address validation (PROTOCOL.md §7.1.2): the server answers a HELLO without a valid
 * cookie with a RETRY carrying one, and keeps nothing. The cookie is a MAC under a server secret,
 * so only the server can mint it, and it binds the client's address, key share and random, so it
 * cannot be lifted to another address or another handshake. Its layout is private to the server
 * (the client echoes it as opaque bytes); this is what this implementation uses:
 *
 *   cookie = expiry_ms u64 ‖ HMAC-SHA256(secret, "paperclip cookie" ‖ address ‖ client key (32)
 *            ‖ client random (32) ‖ expiry_ms u64)[0, 16)
 *
 * The address string is the only variable-length MAC input and the fields after it are fixed
 * size, so the encoding is unambiguous.
 */
import { createHmac } from 'node:crypto';
import { checkLength, concatBytes, equalConstantTime, readU64, u64, utf8 } from './bytes.js';
import { HandshakeSize, type RandomFill } from './constants.js';

const MAC_CONTEXT = utf8('paperclip cookie');
const SECRET_BYTES = 32;
const MAC_BYTES = HandshakeSize.COOKIE - 8;

export interface CookieJarOptions {
  /** A fresh secret replaces the current one this often, ms. Default 60,000. */
  readonly rotationIntervalMs?: number;
  /** A cookie is accepted for this long after it is issued, ms. Default 10,000. */
  readonly lifetimeMs?: number;
}

export type CookieCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'malformed' | 'expired' | 'invalid' };

/** "127.0.0.1:5000" or "[::1]:5000": the address form the cookie MAC covers. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class CookieJar {
  readonly rotationIntervalMs: number;
  readonly lifetimeMs: number;
  private current: Uint8Array;
  /** The secret before the last rotation, so cookies minted just before it still verify. */
  private previous: Uint8Array | undefined;
  private rotateAt: number;

  constructor(now: number, random: RandomFill, options: CookieJarOptions = {}) {
    this.rotationIntervalMs = options.rotationIntervalMs ?? 60_000;
    this.lifetimeMs = options.lifetimeMs ?? 10_000;
    if (!Number.isSafeInteger(this.lifetimeMs) || this.lifetimeMs <= 0) {
      throw new RangeError('lifetimeMs must be a positive integer');
    }
    // Two secrets are kept, so a cookie survives exactly one rotation; it must not need two.
    if (!(this.rotationIntervalMs >= this.lifetimeMs)) {
      throw new RangeError('rotationIntervalMs must be at least lifetimeMs');
    }
    this.current = fresh(random);
    this.rotateAt = now + this.rotationIntervalMs;
  }

  /** When the state machine should call rotateIfDue next (for its pollTimeout). */
  get nextRotationAt(): number {
    return this.rotateAt;
  }

  /** Unconditional rotation: current becomes previous, the one before is forgotten. */
  rotate(now: number, random: RandomFill): void {
    this.previous = this.current;
    this.current = fresh(random);
    this.rotateAt = now + this.rotationIntervalMs;
  }

  rotateIfDue(now: number, random: RandomFill): boolean {
    if (now < this.rotateAt) return false;
    this.rotate(now, random);
    return true;
  }

  issue(address: string, clientKey: Uint8Array, clientRandom: Uint8Array, now: number): Uint8Array {
    const expiry = u64(Math.floor(now) + this.lifetimeMs);
    return concatBytes(expiry, mac(this.current, address, clientKey, clientRandom, expiry));
  }

  /** Accepts a cookie minted under the current or the previous secret that has not expired. */
  verify(cookie: Uint8Array, address: string, clientKey: Uint8Array, clientRandom: Uint8Array, now: number): CookieCheck {
    if (cookie.length !== HandshakeSize.COOKIE) return { ok: false, reason: 'malformed' };
    if (clientKey.length !== HandshakeSize.X25519_KEY || clientRandom.length !== HandshakeSize.RANDOM) {
      return { ok: false, reason: 'malformed' };
    }
    const expiryBytes = cookie.subarray(0, 8);
    const expiry = Number(readU64(cookie, 0));
    const tag = cookie.subarray(8);
    const valid = [this.current, this.previous].some(
      (secret) => secret !== undefined && equalConstantTime(tag, mac(secret, address, clientKey, clientRandom, expiryBytes)),
    );
    if (!valid) return { ok: false, reason: 'invalid' };
    if (now >= expiry) return { ok: false, reason: 'expired' };
    // Only reachable if our clock went backwards: never honour a cookie for longer than its lifetime.
    if (expiry > Math.floor(now) + this.lifetimeMs) return { ok: false, reason: 'invalid' };
    return { ok: true };
  }
}

function fresh(random: RandomFill): Uint8Array {
  const secret = new Uint8Array(SECRET_BYTES);
  random(secret);
  return secret;
}

function mac(secret: Uint8Array, address: string, clientKey: Uint8Array, clientRandom: Uint8Array, expiry: Uint8Array): Uint8Array {
  checkLength('client key', clientKey, HandshakeSize.X25519_KEY);
  checkLength('client random', clientRandom, HandshakeSize.RANDOM);
  const h = createHmac('sha256', secret);
  for (const part of [MAC_CONTEXT, utf8(address), clientKey, clientRandom, expiry]) h.update(part);
  return new Uint8Array(h.digest().subarray(0, MAC_BYTES));
}
