/**
 * The endpoint's ConnectionOffload on the native engine: one engine slot per address the
 * endpoint holds state for. A handshake address is a raw slot (all its datagrams go to JS); an
 * encrypted connection is a sealed slot whose keys the engine holds and whose counter and
 * sequence windows live in the shared state, where the JS twins (AckWindow) read and update
 * the same words. Unencrypted connections stay raw: the checksum path is JS's.
 */
import { AckWindow, ACK_WINDOW_WORDS } from '../protocol/ack-window.js';
import type { ConnectionOffload, OffloadedConnection } from '../protocol/connection-offload.js';
import { AeadChoice, type SessionKeys } from '../protocol/handshake/index.js';
import { AeadProtection, ChecksumProtection, encodeForSealing, type PacketProtection, type PlainPacket, type Unprotected } from '../protocol/packet-protection.js';
import { aeadFor } from '../protocol/session-protection.js';
import { Size } from '../wire/constants.js';
import { SLOT_RECEIVED, SLOT_REPLAY, SLOT_WORDS, SlotMode, type NativeEngine } from './native-engine.js';
import { parsePeer } from './udp-driver.js';

/**
 * Leaves sealing to the engine: protect() encodes the packet with a zero counter and tag space,
 * the engine stamps the slot's counter and seals in place when it sends. Datagrams that reach
 * JS unbatched (the first sealed datagram of a handshake, ERRORs) are opened here against the
 * shared counter window.
 */
const sealingScratch = new Uint8Array(65_536);

class EngineSealing implements PacketProtection {
  readonly overhead = Size.COUNTER + Size.AEAD_TAG;
  private readonly opener: AeadProtection;

  constructor(keys: SessionKeys, replay: AckWindow) {
    this.opener = new AeadProtection(aeadFor(keys), keys.send, keys.receive, replay);
  }

  protect(packet: PlainPacket): Uint8Array {
    return encodeForSealing(packet, 0);
  }

  /** Into scratch shared by every connection: the driver copies it into its send buffer at once. */
  protectTransient(packet: PlainPacket): Uint8Array {
    return encodeForSealing(packet, 0, sealingScratch);
  }

  unprotect(bytes: Uint8Array): Unprotected {
    return this.opener.unprotect(bytes);
  }
}

export class NativeSlots implements ConnectionOffload {
  readonly state: Uint32Array;
  private readonly free: number[] = [];
  private readonly bySlot: (string | undefined)[];
  private readonly sealed: boolean[];
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly engine: () => NativeEngine,
    readonly capacity: number,
  ) {
    this.state = new Uint32Array(capacity * SLOT_WORDS);
    this.bySlot = new Array<string | undefined>(capacity).fill(undefined);
    this.sealed = new Array<boolean>(capacity).fill(false);
    for (let i = capacity - 1; i >= 0; i--) this.free.push(i);
  }

  /** The address of a slot in use. */
  addressOf(slot: number): string | undefined {
    return this.bySlot[slot];
  }

  slotOf(address: string): number | undefined {
    return this.byAddress.get(address);
  }

  /** True when the engine seals what is sent on `slot`. */
  isSealed(slot: number): boolean {
    return this.sealed[slot] === true;
  }

  watch(address: string): void {
    if (this.byAddress.has(address)) return;
    const slot = this.take(address);
    const { host, port } = parsePeer(address);
    this.engine().attach(slot, host, port, SlotMode.RAW);
  }

  attach(address: string, keys: SessionKeys, unencrypted: boolean): OffloadedConnection {
    const slot = this.byAddress.get(address) ?? this.take(address);
    const { host, port } = parsePeer(address);
    if (unencrypted) {
      this.engine().attach(slot, host, port, SlotMode.RAW);
      return { protection: new ChecksumProtection(), received: new AckWindow() };
    }
    const algorithm = keys.aead === AeadChoice.XCHACHA20_POLY1305 ? 0 : 1;
    this.engine().attach(slot, host, port, SlotMode.SEALED, algorithm, keys.send.key, keys.send.iv, keys.receive.key, keys.receive.iv);
    this.sealed[slot] = true;
    const base = slot * SLOT_WORDS;
    return {
      protection: new EngineSealing(keys, new AckWindow(this.state.subarray(base + SLOT_REPLAY, base + SLOT_REPLAY + ACK_WINDOW_WORDS))),
      received: new AckWindow(this.state.subarray(base + SLOT_RECEIVED, base + SLOT_RECEIVED + ACK_WINDOW_WORDS)),
    };
  }

  release(address: string): void {
    const slot = this.byAddress.get(address);
    if (slot === undefined) return;
    this.byAddress.delete(address);
    this.bySlot[slot] = undefined;
    this.sealed[slot] = false;
    this.engine().detach(slot);
    this.free.push(slot);
  }

  private take(address: string): number {
    const slot = this.free.pop();
    if (slot === undefined) throw new Error(`native engine: all ${this.capacity} slots are in use`);
    this.byAddress.set(address, slot);
    this.bySlot[slot] = address;
    return slot;
  }
}
