/**
 * The real-network soak's messages, shared by its client and server processes. A data message
 * is [stream u8][sequence u32][crc32(payload) u32][payload]; the payload's length and bytes are
 * a pure function of (seed, stream, sequence), so the receiver checks every byte against what
 * must have been sent and not only the checksum (a payload delivered under the wrong sequence
 * number would still pass a CRC). The server answers with progress reports, which the client
 * uses both as flow control (it never runs more than a window ahead of them) and as the signal
 * that everything arrived.
 */
import { crc32 } from 'node:zlib';
import { SeededRandom } from '../lib/protocol/seeded-random.js';

export const Stream = { RELIABLE: 0, UNORDERED: 1 } as const;
export type Stream = (typeof Stream)[keyof typeof Stream];

const HEADER = 9;
const PROGRESS_TAG = 0xf0;

/**
 * Mostly small game-like messages, with a tail that needs fragmentation (the default 1,200-byte
 * MTU leaves ≈ 1,150 bytes per datagram): 75 % 0–63 B, 20 % 64–511 B, 4.5 % 512–2,047 B,
 * 0.5 % 2,048–8,192 B. Mean ≈ 170 B of payload.
 */
function payloadLength(rng: SeededRandom): number {
  const bucket = rng.next();
  if (bucket < 0.75) return rng.int(0, 63);
  if (bucket < 0.95) return rng.int(64, 511);
  if (bucket < 0.995) return rng.int(512, 2047);
  return rng.int(2048, 8192);
}

function payloadRng(seed: number, stream: Stream, sequence: number): SeededRandom {
  return new SeededRandom(Math.imul(sequence + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b) ^ seed);
}

export function dataMessage(seed: number, stream: Stream, sequence: number): Uint8Array {
  const rng = payloadRng(seed, stream, sequence);
  const out = new Uint8Array(HEADER + payloadLength(rng));
  const payload = out.subarray(HEADER);
  rng.fill(payload);
  const view = new DataView(out.buffer);
  view.setUint8(0, stream);
  view.setUint32(1, sequence);
  view.setUint32(5, crc32(payload));
  return out;
}

/** A failed check names the stream when the header byte still says which. */
export type Checked = { readonly ok: true; readonly stream: Stream; readonly sequence: number } | { readonly ok: false; readonly stream?: Stream };

/** Verifies a received data message: checksum, and every byte against the regenerated one. */
export function checkMessage(seed: number, data: Uint8Array): Checked {
  if (data.length < HEADER) return { ok: false };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stream = view.getUint8(0);
  if (stream !== Stream.RELIABLE && stream !== Stream.UNORDERED) return { ok: false };
  const sequence = view.getUint32(1);
  const payload = data.subarray(HEADER);
  if (crc32(payload) !== view.getUint32(5)) return { ok: false, stream };
  const expected = dataMessage(seed, stream, sequence);
  if (!Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength).equals(data)) return { ok: false, stream };
  return { ok: true, stream, sequence };
}

export function payloadBytes(data: Uint8Array): number {
  return data.length - HEADER;
}

export interface Progress {
  readonly reliable: number;
  readonly unordered: number;
}

/** Distinct, intact messages the server holds per stream. */
export function progressMessage(p: Progress): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  view.setUint8(0, PROGRESS_TAG);
  view.setUint32(1, p.reliable);
  view.setUint32(5, p.unordered);
  return out;
}

export function readProgress(data: Uint8Array): Progress | undefined {
  if (data.length !== 9 || data[0] !== PROGRESS_TAG) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, 9);
  return { reliable: view.getUint32(1), unordered: view.getUint32(5) };
}

/**
 * What each child process prints on stdout, one JSON object per line; the orchestrator
 * (real-soak.ts) reads them. Anything else on stdout is ignored.
 */
export type ChildLine =
  | { readonly event: 'listening'; readonly port: number }
  | { readonly event: 'connected'; readonly handshake_ms: number; readonly attempts: number }
  | { readonly event: 'progress'; readonly reliable: number; readonly unordered: number; readonly elapsed_ms: number }
  | { readonly event: 'server-result'; readonly result: ServerResult }
  | { readonly event: 'client-result'; readonly result: ClientResult };

export interface StreamResult {
  messages: number;
  delivered: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  out_of_order: number;
}

/** Protocol counters worth reporting, from client.stats / peer.stats. */
export interface StatsSnapshot {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly bytesSent: number;
  readonly retransmits: number;
  readonly lost: number;
  readonly spuriousLosses: number;
  readonly congestionEvents: number;
  readonly loss: number;
  readonly duplicates: number;
  readonly malformed: number;
  readonly decryptFailed: number;
  readonly replayed: number;
  readonly rtt: number;
  readonly cwnd: number;
}

export interface ServerResult {
  readonly reliable: StreamResult;
  readonly reliable_unordered: StreamResult;
  readonly payload_bytes: number;
  /** Messages that failed the check and carried no usable header. */
  readonly unattributed_corrupt: number;
  readonly stats: StatsSnapshot | undefined;
  /** What the native engine dropped before JS saw it (undefined on node:dgram, which drops in JS). */
  readonly engine?: EngineDrops;
}

export interface EngineDrops {
  readonly forged: number;
  readonly replayed: number;
  readonly duplicates: number;
  readonly malformed: number;
}

export interface ClientResult {
  /** From the handshake's end to the progress report saying everything arrived. */
  readonly elapsed_ms: number;
  readonly payload_bytes: number;
  readonly stats: StatsSnapshot | undefined;
}

export function snapshot(s: StatsSnapshot | undefined): StatsSnapshot | undefined {
  if (s === undefined) return undefined;
  const { packetsSent, packetsReceived, bytesSent, retransmits, lost, spuriousLosses, congestionEvents, loss, duplicates, malformed, decryptFailed, replayed, rtt, cwnd } = s;
  return { packetsSent, packetsReceived, bytesSent, retransmits, lost, spuriousLosses, congestionEvents, loss, duplicates, malformed, decryptFailed, replayed, rtt, cwnd };
}

/** Writes one ChildLine. */
export function emit(line: ChildLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
