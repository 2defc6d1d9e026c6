/**
 * How an endpoint hands its established connections to an I/O engine that opens and seals
 * datagrams itself (the native batch path, lib/transport/native-driver.ts). The endpoint stays
 * sans-IO: it only reports what each address is to it and asks for the connection's packet
 * protection and receive window, which the engine shares with it (lib/protocol/ack-window.ts).
 */
import type { AckWindow } from './ack-window.js';
import type { SessionKeys } from './handshake/index.js';
import type { PacketProtection } from './packet-protection.js';

export interface OffloadedConnection {
  /** Protects what the Connection sends (sealing may happen later, in the engine) and opens what reaches it unbatched. */
  readonly protection: PacketProtection;
  /** The datagram-sequence window, in memory the engine updates for every datagram it opens. */
  readonly received: AckWindow;
}

export interface ConnectionOffload {
  /** `address` has handshake state now: every datagram from it must reach handleDatagram. */
  watch(address: string): void;
  /** `address` is an established connection with these keys (undefined: the unencrypted mode). */
  attach(address: string, keys: SessionKeys, unencrypted: boolean): OffloadedConnection;
  /** The endpoint holds nothing for `address` any more. */
  release(address: string): void;
}
