/**
 * The arena's wire format in one place: message types, entity kinds, field bits, sizes and the
 * position quantum. All integers are big-endian (network order, DataView's default). The layouts
 * are in README.md, "Messages"; input-codec.ts and snapshot-codec.ts implement them.
 */
import { ARENA_SIZE } from './arena-rules.js';

/** First byte of every arena message. */
export const MessageType = { INPUT: 1, SNAPSHOT: 2 } as const;

export const EntityKind = { PLAYER: 0, PICKUP: 1 } as const;
export type EntityKind = (typeof EntityKind)[keyof typeof EntityKind];

export function isEntityKind(k: number): k is EntityKind {
  return k === EntityKind.PLAYER || k === EntityKind.PICKUP;
}

/** Which fields an entity entry of a snapshot carries. A new entity carries all of them. */
export const Field = { KIND: 0x01, POSITION: 0x02, SCORE: 0x04 } as const;
export const ALL_FIELDS = Field.KIND | Field.POSITION | Field.SCORE;

/**
 * Positions travel as u16 in 1/32 u: 1,024 u × 32 = 32,768 fits, and 1/32 u is far below a
 * pixel at any sensible zoom. Snapshots hold the quantized values, so "changed" means changed on
 * the wire and a client's reconstruction can equal the server's bit for bit.
 */
export const POSITION_SCALE = 32;
export const MAX_POSITION_Q = ARENA_SIZE * POSITION_SCALE;

/** type u8, input seq u16, ack snapshot u32, client time µs u32, move x i8, move y i8. */
export const INPUT_BYTES = 13;
/** type, snapshot id, baseline id, tick, your entity, last input seq, input echo µs, hold µs. */
export const SNAPSHOT_HEADER_BYTES = 1 + 4 + 4 + 4 + 2 + 2 + 4 + 4;
/** id u16 + mask u8: the smallest entity entry. */
export const MIN_ENTITY_BYTES = 3;
/** hold µs when the server has no input from this client yet: the echo means nothing. */
export const NO_INPUT_ECHO = 0xffff_ffff;

/** What a decoder returns: never a throw, so one bad datagram costs a counter, not the process. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
