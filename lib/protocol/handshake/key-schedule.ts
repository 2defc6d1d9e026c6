/**
 * Key schedule (PROTOCOL.md §7.2.2): HKDF-SHA256 from the X25519 shared secret, salted with the
 * server password's hash (seed 000: a wrong password gives different keys, hence a failed
 * Finished), with the transcript hash in every `info` so the keys belong to this handshake only.
 */
import { createHash, hkdfSync } from 'node:crypto';
import type { DirectionKeys } from '../packet-protection.js';
import { checkLength, concatBytes, utf8 } from './bytes.js';
import { HandshakeSize, type AeadChoice, type Role } from './constants.js';
import { transcriptHash, type Transcript } from './transcript.js';
import { x25519SharedSecret } from './x25519.js';

/** Label and output length of each secret; the info is "paperclip v1 " ‖ label ‖ th. */
export const KeyLabel = {
  c2sKey: ['c2s key', HandshakeSize.AEAD_KEY],
  s2cKey: ['s2c key', HandshakeSize.AEAD_KEY],
  c2sIv: ['c2s iv', HandshakeSize.IV],
  s2cIv: ['s2c iv', HandshakeSize.IV],
  clientFinishedKey: ['c finished', HandshakeSize.FINISHED],
  serverFinishedKey: ['s finished', HandshakeSize.FINISHED],
} as const;
export type KeySchedule = { readonly [K in keyof typeof KeyLabel]: Uint8Array };

const INFO_PREFIX = 'paperclip v1 ';

export interface SessionKeys {
  readonly role: Role;
  readonly aead: AeadChoice;
  readonly transcriptHash: Uint8Array;
  /** Seals what this side sends (AeadProtection's `send`). */
  readonly send: DirectionKeys;
  /** Opens what the peer sends. */
  readonly receive: DirectionKeys;
  /** Keys this side's Finished. */
  readonly finishedKey: Uint8Array;
  /** Checks the peer's Finished. */
  readonly peerFinishedKey: Uint8Array;
}

/**
 * HKDF salt: SHA-256 of the password's UTF-8 when one is configured, else 32 zero bytes (RFC
 * 5869's default). An empty string counts as no password, so an unset environment variable and
 * an empty one interoperate.
 */
export function passwordSalt(password?: string): Uint8Array {
  if (password === undefined || password === '') return new Uint8Array(32);
  return new Uint8Array(createHash('sha256').update(utf8(password)).digest());
}

/**
 * All six secrets. hkdfSync repeats HKDF-Extract for each label; the PRK is the same every time,
 * so this equals one Extract followed by six Expands.
 */
export function deriveKeySchedule(sharedSecret: Uint8Array, th: Uint8Array, password?: string): KeySchedule {
  checkLength('shared secret', sharedSecret, HandshakeSize.X25519_KEY);
  checkLength('transcript hash', th, 32);
  const salt = passwordSalt(password);
  const out: Record<string, Uint8Array> = {};
  for (const [name, [label, length]] of Object.entries(KeyLabel)) {
    const info = concatBytes(utf8(INFO_PREFIX + label), th);
    out[name] = new Uint8Array(hkdfSync('sha256', sharedSecret, salt, info, length));
  }
  return out as KeySchedule;
}

export interface SessionKeyInput {
  readonly role: Role;
  /** This side's ephemeral X25519 private key. */
  readonly privateKey: Uint8Array;
  /** The transcript as this side saw it; the peer's key share is taken from it. */
  readonly transcript: Transcript;
  readonly password?: string;
}

/** X25519 + transcript hash + schedule, arranged for one role. Throws 1.0 on a bad key share. */
export function deriveSessionKeys(input: SessionKeyInput): SessionKeys {
  const { role, transcript } = input;
  const peerKey = role === 'client' ? transcript.serverKey : transcript.clientKey;
  const shared = x25519SharedSecret(input.privateKey, peerKey);
  const th = transcriptHash(transcript);
  const k = deriveKeySchedule(shared, th, input.password);
  const c2s = { key: k.c2sKey, iv: k.c2sIv };
  const s2c = { key: k.s2cKey, iv: k.s2cIv };
  const client = role === 'client';
  return {
    role,
    aead: transcript.aeadChoice,
    transcriptHash: th,
    send: client ? c2s : s2c,
    receive: client ? s2c : c2s,
    finishedKey: client ? k.clientFinishedKey : k.serverFinishedKey,
    peerFinishedKey: client ? k.serverFinishedKey : k.clientFinishedKey,
  };
}
