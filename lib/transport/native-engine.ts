/**
 * The C++ UdpEngine (native/udp_engine.h) as TypeScript sees it: its constructor options, the
 * shared-buffer layouts it reads and writes, and whether this build has it (Linux only).
 */
import { nativeLoad } from '../native.js';

/** Words of shared state per slot: [0,36) counter window, [36,72) sequence window, [72,74) send counter. */
export const SLOT_WORDS = 76;
export const SLOT_REPLAY = 0;
export const SLOT_RECEIVED = 36;
/** Int32s per received entry (udp_engine.h kMetaInts) and per outgoing entry (kSendInts). */
export const META_INTS = 20;
export const SEND_INTS = 10;
export const MAX_BATCH = 64;
export const Entry = { OPENED: 1, RAW: 2, DUPLICATE: 3 } as const;
export const SlotMode = { RAW: 1, SEALED: 2 } as const;
/** Offsets inside one received entry. */
export const M = {
  KIND: 0, SLOT: 1, OFFSET: 2, LENGTH: 3, TYPE: 4, FLAGS: 5, SEQUENCE: 6, ACK_ID: 7, ACK_BITS: 8,
  FRAGMENT_ID: 9, FRAGMENT_COUNT: 10, HEARTBEAT: 11, WIRE_LENGTH: 12, PORT: 13, FAMILY: 14, IP: 15,
} as const;

export interface NativeEngineStats {
  datagramsIn: number;
  datagramsOut: number;
  /** JS callbacks made (one per readable wake-up with anything to deliver). */
  batches: number;
  syscallsIn: number;
  syscallsOut: number;
  opened: number;
  raw: number;
  malformed: number;
  unknownSource: number;
  replayed: number;
  forged: number;
  duplicates: number;
  truncated: number;
  sendErrors: number;
  sendQueued: number;
  sendDropped: number;
  gso: boolean;
  gro: boolean;
}

export interface NativeEngineOptions {
  readonly host: string;
  readonly port: number;
  /** Hand HELLOs from unknown addresses to JS (server role). */
  readonly listen: boolean;
  readonly state: Uint32Array;
  readonly out: Uint8Array;
  readonly meta: Int32Array;
  readonly onBatch: (entries: number) => void;
  /** recvmmsg batches read per wake-up at most (default 4). */
  readonly rounds?: number;
}

export interface NativeEngine {
  port(): number;
  attach(slot: number, host: string, port: number, mode: 1): void;
  attach(slot: number, host: string, port: number, mode: 2, algorithm: 0 | 1, sendKey: Uint8Array, sendIv: Uint8Array, receiveKey: Uint8Array, receiveIv: Uint8Array): void;
  detach(slot: number): void;
  send(bytes: Uint8Array, meta: Int32Array, count: number): number;
  stats(): NativeEngineStats;
  close(): void;
}

type NativeEngineConstructor = new (options: NativeEngineOptions) => NativeEngine;

/** The engine class when this build has it (Linux with the addon loaded), else undefined. */
export function nativeEngineClass(): NativeEngineConstructor | undefined {
  const ctor = nativeLoad.addon?.UdpEngine;
  return typeof ctor === 'function' ? (ctor as NativeEngineConstructor) : undefined;
}
