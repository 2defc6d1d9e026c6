/**
 * Handshake enums and sizes in one place (docs/PROTOCOL.md §7). The wire codec (`lib/wire`)
 * only knows that AUTH has a kind byte; what each kind means lives here.
 */

/** AUTH packet kind byte (PROTOCOL.md §3.3). */
export const AuthKind = {
  HELLO: 0,
  RETRY: 1,
  SERVER_HELLO: 2,
} as const;
export type AuthKind = (typeof AuthKind)[keyof typeof AuthKind];

/** The aead_choice byte of a SERVER HELLO (not the primitives' string AeadAlgorithm; see primitiveAeadName). */
export const AeadChoice = {
  XCHACHA20_POLY1305: 0,
  AES_256_GCM: 1,
} as const;
export type AeadChoice = (typeof AeadChoice)[keyof typeof AeadChoice];

/** Bits of the HELLO's aead_offer byte; bit n offers AeadChoice n. */
export const AeadOfferBit = {
  XCHACHA20_POLY1305: 1 << AeadChoice.XCHACHA20_POLY1305,
  AES_256_GCM: 1 << AeadChoice.AES_256_GCM,
} as const;

/** Which side of the handshake a function acts for. */
export type Role = 'client' | 'server';

/**
 * Source of every random byte the handshake uses: `crypto.randomFillSync` in production,
 * `SeededRandom.fill` in tests, so a handshake is reproducible from a seed.
 */
export type RandomFill = (out: Uint8Array) => void;

export const HandshakeSize = {
  /** client_random and server_random */
  RANDOM: 32,
  /** X25519 public and private keys, and the shared secret */
  X25519_KEY: 32,
  /** Ed25519 public keys and private seeds */
  ED25519_KEY: 32,
  ED25519_SIGNATURE: 64,
  /** HMAC-SHA256 output */
  FINISHED: 32,
  /** expiry u64 + truncated HMAC */
  COOKIE: 24,
  /** Largest cookie a HELLO can carry (cookie_len is a u8). */
  MAX_COOKIE: 255,
  /** Every HELLO datagram is padded to at least this (anti-amplification, as QUIC). */
  MIN_HELLO_DATAGRAM: 1200,
  /** client_random + aead_offer + cookie_len */
  HELLO_DATA_FIXED: 34,
  /** server_random + aead_choice */
  SERVER_HELLO_DATA: 33,
  /** AEAD key, both directions */
  AEAD_KEY: 32,
  /** Static IV per direction; AES-256-GCM uses its first 4 bytes. */
  IV: 16,
} as const;
