/**
 * The client's per-tick input message (README "Messages"): what the player holds now, the newest
 * snapshot it has (the server's delta baseline) and a timestamp the server echoes back for RTT.
 * Inputs are states, not events: on an unreliable channel a lost one is simply superseded by the
 * next, 16.7 ms later, so there is nothing to resend.
 */
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { INPUT_BYTES, MessageType, type Decoded } from './wire-format.js';

export interface InputMessage {
  /** u16, wraps; the server applies the newest. */
  readonly seq: number;
  /** Newest snapshot id the client has reconstructed, 0 for none. */
  readonly ackSnapshotId: number;
  /** The client's clock in µs mod 2³², echoed in snapshots. */
  readonly clientTimeUs: number;
  /** Stick direction, −127..127 per axis. */
  readonly moveX: number;
  readonly moveY: number;
}

const writer = new ByteWriter(INPUT_BYTES);

export function encodeInput(input: InputMessage): Uint8Array {
  return writer
    .reset()
    .u8(MessageType.INPUT)
    .u16(input.seq & 0xffff)
    .u32(input.ackSnapshotId >>> 0)
    .u32(input.clientTimeUs >>> 0)
    .i8(clampAxis(input.moveX))
    .i8(clampAxis(input.moveY))
    .finish();
}

export function decodeInput(bytes: Uint8Array): Decoded<InputMessage> {
  if (bytes.length !== INPUT_BYTES) return { ok: false, reason: `input is ${bytes.length} bytes, expected ${INPUT_BYTES}` };
  const r = new ByteReader(bytes);
  const type = r.u8();
  if (type !== MessageType.INPUT) return { ok: false, reason: `message type ${type} is not INPUT` };
  const value: InputMessage = { seq: r.u16(), ackSnapshotId: r.u32(), clientTimeUs: r.u32(), moveX: r.i8(), moveY: r.i8() };
  // −128 has no positive twin; the encoder never writes it
  if (value.moveX === -128 || value.moveY === -128) return { ok: false, reason: 'move axis −128 is out of range' };
  return { ok: true, value };
}

function clampAxis(v: number): number {
  return Math.max(-127, Math.min(127, Math.round(v)));
}
