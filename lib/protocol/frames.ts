/**
 * Message frames: the plaintext data of a DEFAULT or ACK datagram is a run of frames, so
 * several small game messages share one datagram (coalescing).
 *
 *   frame := channel (u8) ‖ message sequence (u16) ‖ length (u16) ‖ payload (length bytes)
 *
 * In a FRAG datagram the data is exactly one frame whose payload is the fragment; the
 * (channel, message sequence) pair names the message being reassembled.
 */
import { ErrorCode, WireError } from '../wire/errors.js';

export const FRAME_HEADER = 5;
export const MAX_FRAME_PAYLOAD = 0xffff;

export interface Frame {
  readonly channel: number;
  readonly sequence: number;
  /** View into the datagram: copy it before the datagram buffer is reused. */
  readonly payload: Uint8Array;
}

/** Writes one frame at buf[at…]; returns the offset after it. The caller sized buf. */
export function writeFrame(buf: Uint8Array, at: number, channel: number, sequence: number, payload: Uint8Array): number {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`frame payload of ${payload.length} bytes exceeds ${MAX_FRAME_PAYLOAD}`);
  buf[at] = channel;
  buf[at + 1] = sequence >> 8;
  buf[at + 2] = sequence & 0xff;
  buf[at + 3] = payload.length >> 8;
  buf[at + 4] = payload.length & 0xff;
  buf.set(payload, at + FRAME_HEADER);
  return at + FRAME_HEADER + payload.length;
}

/** Every frame of a datagram's data; a truncated frame is error 3.0 and nothing is returned. */
export function readFrames(data: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + FRAME_HEADER > data.length) {
      throw new WireError(ErrorCode.PACKET, `truncated frame header at byte ${at} of ${data.length}`);
    }
    const length = ((data[at + 3] as number) << 8) | (data[at + 4] as number);
    const end = at + FRAME_HEADER + length;
    if (end > data.length) throw new WireError(ErrorCode.PACKET, `frame at byte ${at} claims ${length} bytes, ${data.length - at - FRAME_HEADER} remain`);
    frames.push({
      channel: data[at] as number,
      sequence: ((data[at + 1] as number) << 8) | (data[at + 2] as number),
      payload: data.subarray(at + FRAME_HEADER, end),
    });
    at = end;
  }
  return frames;
}
