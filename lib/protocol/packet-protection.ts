/**
 * How a connection's datagrams are protected after the handshake: AEAD sealing (the default;
 * docs/PROTOCOL.md §5) or, when both ends opted into the unencrypted LAN/debug mode, a CRC-32
 * checksum. Both turn a packet with plaintext data into datagram bytes and back.
 */
import type { Aead } from '../primitives/types.js';
import { Flag, Size } from '../wire/constants.js';
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
 * of tag space after it: sealing in place turns it into the datagram.
 */
export function encodeForSealing(packet: PlainPacket, counter: number, scratch?: Uint8Array): Uint8Array {
  const plain = packet.data;
  const sealed = { ...packet, flags: packet.flags | Flag.ENCRYPTED, counter } as Packet;
  const header = headerLength(sealed);
  const length = header + plain.length + Size.AEAD_TAG;
  // one buffer: the plaintext goes to its final place, the data field is a view of it
  const out = scratch !== undefined && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
  out.set(plain, header);
  out.fill(0, header + plain.length);
  encodeInto({ ...sealed, data: out.subarray(header) } as Packet, out);
  return out;
}
