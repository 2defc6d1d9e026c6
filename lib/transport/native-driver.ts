/**
 * Runs an endpoint on the native UdpEngine (the Linux default; docs/NATIVE.md): the engine
 * reads batches with recvmmsg and opens sealed datagrams in C++; this driver gets one call per
 * batch, hands each entry to the endpoint (opened packets, raw handshake datagrams, duplicate
 * notices), then drains the endpoint's transmits into one shared send buffer that the engine
 * seals and sends with sendmmsg. Timers are the same as the node:dgram driver's.
 */
import type { Endpoint } from '../protocol/endpoint.js';
import { Flag } from '../wire/constants.js';
import type { Packet } from '../wire/packet.js';
import { transportNow } from './clock.js';
import { EndpointTimer } from './endpoint-timer.js';
import { Reentry } from './reentry.js';
import { formatEntryAddress, ipBytes } from './ip-bytes.js';
import { Entry, M, MAX_BATCH, META_INTS, SEND_INTS, nativeEngineClass, type NativeEngine, type NativeEngineStats } from './native-engine.js';
import { NativeSlots } from './native-slots.js';
import { parsePeer, type EndpointDriver } from './udp-driver.js';

type DriverEndpoint = Pick<Endpoint, 'handleDatagram' | 'handleOpened' | 'handleDuplicate' | 'handleTimeout' | 'pollTransmit' | 'pollTimeout' | 'pollEvent'>;

/** Entries one callback can carry (four recvmmsg rounds) and the bytes of their plaintexts. */
const ENTRIES = 4 * MAX_BATCH;
const OUT_BYTES = 512 * 1024;
const SEND_BUFFER = 512 * 1024;
const SEND_ENTRIES = 512;
/** Addresses of strangers (HELLO senders) remembered for the replies; cleared when full. */
const STRANGERS = 4096;

export interface NativeDriverOptions {
  readonly host: string;
  readonly port: number;
  readonly listen: boolean;
  /** Addresses with state at once (connections + handshakes); the endpoint's maxConnections bounds it. */
  readonly capacity: number;
}

export class NativeDriver<E> implements EndpointDriver {
  readonly slots: NativeSlots;
  private readonly engine: NativeEngine;
  private readonly host: string;
  private readonly out = new Uint8Array(OUT_BYTES);
  private readonly meta = new Int32Array(ENTRIES * META_INTS);
  private readonly sendBytes = new Uint8Array(SEND_BUFFER);
  private readonly sendMeta = new Int32Array(SEND_ENTRIES * SEND_INTS);
  private readonly strangers = new Map<string, Int32Array>();
  private endpoint: DriverEndpoint | undefined;
  private onEvent: ((event: E) => void) | undefined;
  private timer: EndpointTimer | undefined;
  private readonly reentry = new Reentry();
  private closed = false;

  /** Binds the engine; start() it with the endpoint built around `slots` (its offload). */
  constructor(options: NativeDriverOptions) {
    const Engine = nativeEngineClass();
    if (Engine === undefined) throw new Error('the native UDP engine is not available in this build');
    this.slots = new NativeSlots(() => this.engine, options.capacity);
    this.host = options.host;
    this.engine = new Engine({
      host: options.host,
      port: options.port,
      listen: options.listen,
      state: this.slots.state,
      out: this.out,
      meta: this.meta,
      onBatch: (entries) => this.onBatch(entries),
    });
  }

  start(endpoint: DriverEndpoint, onEvent: (event: E) => void): void {
    this.endpoint = endpoint;
    this.onEvent = onEvent;
    this.timer = new EndpointTimer(endpoint, () => this.service());
  }

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.engine.port() };
  }

  get stats(): NativeEngineStats {
    return this.engine.stats();
  }

  service(): void {
    this.reentry.run(() => this.serviceOnce());
  }

  private serviceOnce(): void {
    const endpoint = this.endpoint;
    if (this.closed || endpoint === undefined) return;
    const now = transportNow();
    let count = 0;
    let at = 0;
    for (let t = endpoint.pollTransmit(now); t !== undefined; t = endpoint.pollTransmit(now)) {
      const bytes = t.bytes;
      if (count === SEND_ENTRIES || at + bytes.length > SEND_BUFFER) {
        this.engine.send(this.sendBytes, this.sendMeta, count);
        count = 0;
        at = 0;
      }
      if (!this.describe(count, t.to, bytes)) continue;
      this.sendBytes.set(bytes, at);
      this.sendMeta[count * SEND_INTS + 1] = at;
      this.sendMeta[count * SEND_INTS + 2] = bytes.length;
      at += bytes.length;
      count++;
    }
    if (count > 0) this.engine.send(this.sendBytes, this.sendMeta, count);
    for (let e = endpoint.pollEvent(); e !== undefined; e = endpoint.pollEvent()) (this.onEvent as (event: E) => void)(e as E);
    this.timer?.arm();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.engine.close();
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Fills entry `i`'s destination and seal mark; false when the address cannot be reached. */
  private describe(i: number, to: string, bytes: Uint8Array): boolean {
    const m = this.sendMeta;
    const e = i * SEND_INTS;
    const slot = this.slots.slotOf(to);
    if (slot !== undefined) {
      m[e] = slot;
      m[e + 3] = this.slots.isSealed(slot) && ((bytes[1] as number) & Flag.ENCRYPTED) !== 0 ? 1 : 0;
      return true;
    }
    let address = this.strangers.get(to);
    if (address === undefined) {
      const { host, port } = parsePeer(to);
      const ip = ipBytes(host);
      if (ip === undefined) return false;
      address = new Int32Array(6);
      address[0] = port;
      address.set(new Int32Array(ip.buffer, 0, 4), 2);
    }
    m[e] = -1;
    m[e + 3] = 0;
    m[e + 4] = address[0] as number;
    m[e + 5] = 0;
    m.set(address.subarray(2, 6), e + 6);
    return true;
  }

  private onBatch(entries: number): void {
    const endpoint = this.endpoint;
    if (this.closed || endpoint === undefined) return;
    const now = transportNow();
    const meta = this.meta;
    for (let i = 0; i < entries; i++) {
      const m = i * META_INTS;
      const kind = meta[m + M.KIND] as number;
      const slot = meta[m + M.SLOT] as number;
      const offset = meta[m + M.OFFSET] as number;
      const length = meta[m + M.LENGTH] as number;
      if (kind === Entry.RAW) {
        const from = slot >= 0 ? this.slots.addressOf(slot) : this.stranger(m);
        // a copy: handshake state keeps views of the datagram, and `out` is reused next batch
        if (from !== undefined) endpoint.handleDatagram(now, from, this.out.slice(offset, offset + length));
        continue;
      }
      const from = this.slots.addressOf(slot);
      if (from === undefined) continue;
      if (kind === Entry.OPENED) endpoint.handleOpened(now, from, this.packet(m, this.out.subarray(offset, offset + length)), meta[m + M.WIRE_LENGTH] as number);
      else if (kind === Entry.DUPLICATE) endpoint.handleDuplicate(now, from, meta[m + M.WIRE_LENGTH] as number);
    }
    this.service();
  }

  private stranger(m: number): string {
    const ip = new Uint8Array(this.meta.buffer, (m + M.IP) * 4, 16);
    const port = this.meta[m + M.PORT] as number;
    const address = formatEntryAddress(ip, port);
    if (!this.strangers.has(address)) {
      if (this.strangers.size >= STRANGERS) this.strangers.clear();
      const remembered = new Int32Array(6);
      remembered[0] = port;
      remembered.set(this.meta.subarray(m + M.IP, m + M.IP + 4), 2);
      this.strangers.set(address, remembered);
    }
    return address;
  }

  private packet(m: number, data: Uint8Array): Packet {
    const meta = this.meta;
    const type = meta[m + M.TYPE] as number;
    const flags = meta[m + M.FLAGS] as number;
    const sequence = meta[m + M.SEQUENCE] as number;
    if (type === 1) return { type, flags, sequence, ackId: meta[m + M.ACK_ID] as number, ackBits: (meta[m + M.ACK_BITS] as number) >>> 0, data };
    if (type === 3) return { type, flags, sequence, heartbeat: meta[m + M.HEARTBEAT] === 1 ? 1 : 0, data };
    if ((flags & Flag.FRAG) !== 0) {
      return { type: 0, flags, sequence, fragment: { id: meta[m + M.FRAGMENT_ID] as number, count: meta[m + M.FRAGMENT_COUNT] as number }, data };
    }
    return { type: 0, flags, sequence, data };
  }
}
