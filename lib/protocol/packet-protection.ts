/**
 * How a connection's datagrams are protected after the handshake: AEAD sealing (the default;
 * docs/PROTOCOL.md §5) or, when both ends opted into the unencrypted LAN/debug mode, a CRC-32
 * checksum. Both turn a packet with plaintext data into datagram bytes and back.
 */
import type { Aead } from '../primitives/types.js';
import { Flag, PacketType, Size, WIRE_VERSION } from '../wire/constants.js';
import { decodePacket } from '../wire/decode.js';
import { encodeInto } from '../wire/encode.js';
import { encodedLength, headerLength } from '../wire/layout.js';
import type { Packet } from '../wire/packet.js';
import { writeCounterNonce } from './handshake/nonce.js';
import { AckWindow } from './ack-window.js';

/** A packet whose `data` is plaintext and whose protection fields are still unset. */
export type PlainPacket = Packet;

export type Unprotected = { readonly ok: true; readonly packet: Packet } | { readonly ok: false; readonly reason: 'unprotected' | 'replayed' | 'decrypt-failed' };

export interface PacketProtection {
  /** Bytes the protection adds to a datagram (counter + tag, or checksum). */
  readonly overhead: number;
  protect(packet: PlainPacket): Uint8Array;
  /**
   * Optional: as protect(), but the result may be a view of scratch memory, valid only until
   * the next protect or protectTransient call (the caller hands it on at once). Saves an
   * allocation per datagram where the bytes are copied again anyway (the native engine).
   */
  protectTransient?(packet: PlainPacket): Uint8Array;
  /** Decodes (WireError on malformed bytes), verifies and opens one datagram. */
  unprotect(bytes: Uint8Array): Unprotected;
}

export class ChecksumProtection implements PacketProtection {
  readonly overhead = Size.CHECKSUM;

  protect(packet: PlainPacket): Uint8Array {
    const p = { ...packet, flags: packet.flags | Flag.CHECKSUM } as Packet;
    const out = new Uint8Array(encodedLength(p));
    encodeInto(p, out);
    return out;
  }

  unprotect(bytes: Uint8Array): Unprotected {
    const packet = decodePacket(bytes); // verifies the CRC when the flag is set
    if ((packet.flags & Flag.CHECKSUM) === 0 || (packet.flags & Flag.ENCRYPTED) !== 0) return { ok: false, reason: 'unprotected' };
    return { ok: true, packet };
  }
}

export interface DirectionKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

export class AeadProtection implements PacketProtection {
  readonly overhead = Size.COUNTER + Size.AEAD_TAG;
  private sendCounter = 0;
  private readonly nonce: Uint8Array;

  /** `replay` is the counter window (the native engine shares it on the offload path). */
  constructor(
    private readonly aead: Aead,
    private readonly send: DirectionKeys,
    private readonly receive: DirectionKeys,
    private readonly replay: AckWindow = new AckWindow(),
  ) {
    this.nonce = new Uint8Array(aead.nonceBytes);
  }

  protect(packet: PlainPacket): Uint8Array {
    const counter = this.sendCounter++;
    const out = encodeForSealing(packet, counter);
    const at = out.length - packet.data.length - Size.AEAD_TAG;
    writeCounterNonce(this.send.iv, counter, this.nonce);
    this.aead.seal(this.send.key, this.nonce, out.subarray(0, at), out, at, packet.data.length, out, at);
    return out;
  }

  unprotect(bytes: Uint8Array): Unprotected {
    const packet = decodePacket(bytes);
    if ((packet.flags & Flag.ENCRYPTED) === 0 || packet.counter === undefined) return { ok: false, reason: 'unprotected' };
    const counter = packet.counter;
    if (!this.replay.check(counter)) return { ok: false, reason: 'replayed' };
    const at = headerLength(packet);
    const plain = new Uint8Array(packet.data.length - Size.AEAD_TAG);
    writeCounterNonce(this.receive.iv, counter, this.nonce);
    const n = this.aead.open(this.receive.key, this.nonce, bytes.subarray(0, at), bytes, at, packet.data.length, plain, 0);
    if (n < 0) return { ok: false, reason: 'decrypt-failed' };
    this.replay.commit(counter);
    return { ok: true, packet: { ...packet, data: plain } };
  }
}

/**
 * The packet with ENCRYPTED set, `counter` in its field, the plaintext as data and 16 zero bytes
 * of tag space after it: sealing in place turns it into the datagram. Written byte by byte (no
 * intermediate packet, DataView or view objects: this runs for every datagram a connection
 * sends); into `scratch` when given and large enough, else a new buffer. Connections only seal
 * DEFAULT, ACK, HEARTBEAT and ERROR packets, whose fields their own code filled in.
 */
export function encodeForSealing(packet: PlainPacket, counter: number, scratch?: Uint8Array): Uint8Array {
  if (packet.type === PacketType.AUTH) throw new RangeError('AUTH packets are never sealed by a connection');
  const flags = packet.flags | Flag.ENCRYPTED;
  const plain = packet.data;
  const typeFields = packet.type === PacketType.ACK ? Size.ACK : packet.type === PacketType.DEFAULT ? 0 : 1;
  const fragment = packet.fragment;
  if ((flags & Flag.CHECKSUM) !== 0) throw new RangeError('a sealed packet carries no checksum');
  const header = Size.FIXED_HEADER + (fragment !== undefined ? Size.FRAG : 0) + Size.COUNTER + typeFields;
  const length = header + plain.length + Size.AEAD_TAG;
  const out = scratch !== undefined && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
  out[0] = (WIRE_VERSION << 4) | packet.type;
  out[1] = flags;
  out[2] = packet.sequence >>> 8;
  out[3] = packet.sequence & 0xff;
  let at = 4;
  if (fragment !== undefined) {
    out[4] = fragment.id >>> 8;
    out[5] = fragment.id & 0xff;
    out[6] = fragment.count >>> 8;
    out[7] = fragment.count & 0xff;
    at = 8;
  }
  const high = Math.floor(counter / 0x1_0000_0000);
  const low = counter >>> 0;
  out[at] = high >>> 24;
  out[at + 1] = (high >>> 16) & 0xff;
  out[at + 2] = (high >>> 8) & 0xff;
  out[at + 3] = high & 0xff;
  out[at + 4] = low >>> 24;
  out[at + 5] = (low >>> 16) & 0xff;
  out[at + 6] = (low >>> 8) & 0xff;
  out[at + 7] = low & 0xff;
  at += Size.COUNTER;
  switch (packet.type) {
    case PacketType.ACK:
      out[at] = packet.ackId >>> 8;
      out[at + 1] = packet.ackId & 0xff;
      out[at + 2] = packet.ackBits >>> 24;
      out[at + 3] = (packet.ackBits >>> 16) & 0xff;
      out[at + 4] = (packet.ackBits >>> 8) & 0xff;
      out[at + 5] = packet.ackBits & 0xff;
      break;
    case PacketType.HEARTBEAT:
      out[at] = packet.heartbeat;
      break;
    case PacketType.ERROR:
      out[at] = (packet.major << 4) | packet.minor;
      break;
    default:
      break;
  }
  out.set(plain, header);
  out.fill(0, header + plain.length);
  return out;
}
