/**
 * Harness for the model-based tests of test/protocol/state-machine.test.ts: a client Endpoint and
 * a server Endpoint joined by an in-memory link the test drives datagram by datagram (deliver,
 * drop, duplicate, hold and release out of order, corrupt one byte, replay an old one), on a
 * virtual clock, plus a reference model of what each side may deliver. Every invariant is
 * checked as it becomes checkable; a violation throws (fast-check then shrinks the operations).
 */
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import type { ConnectionOptions } from '../../lib/protocol/connection-options.js';
import { Endpoint, type EndpointEvent } from '../../lib/protocol/endpoint.js';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';

export const NOW = 1_700_000_000_000;
export const SERVER = '10.0.0.1:4000';
export const CLIENT = '10.0.0.2:5000';
export const STRANGER = '10.9.9.9:9999';

export type Side = 'client' | 'server';
export const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');
const addressOf = (s: Side) => (s === 'client' ? CLIENT : SERVER);

export type Op =
  | { readonly op: 'send'; readonly from: Side; readonly kind: ChannelKind; readonly channel: number; readonly size: number }
  /** `count` messages of `size` bytes back to back (congestion window, reliable window, coalescing). */
  | { readonly op: 'burst'; readonly from: Side; readonly kind: ChannelKind; readonly channel: number; readonly size: number; readonly count: number }
  | { readonly op: 'drop' | 'duplicate' | 'hold'; readonly dir: Side; readonly n: number }
  | { readonly op: 'corrupt'; readonly dir: Side; readonly n: number; readonly position: number; readonly xor: number }
  | { readonly op: 'release'; readonly dir: Side; readonly reverse: boolean }
  | { readonly op: 'replay'; readonly pick: number }
  | { readonly op: 'garbage'; readonly to: Side; readonly stranger: boolean; readonly bytes: Uint8Array }
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'disconnect' | 'close'; readonly side: Side };

export interface Scenario {
  readonly seed: number;
  readonly unencrypted: boolean;
  readonly mtu: number;
  readonly latencyMs: number;
  /** true: the operations start right after connect(), so the handshake runs through the faults. */
  readonly faultyHandshake: boolean;
  readonly ops: readonly Op[];
  /** How the run is torn down when both sides are still up at the end. */
  readonly teardown: 'disconnect' | 'close';
  readonly teardownSide: Side;
}

// ---- messages: self-describing so any delivered byte string can be traced and checked ----

const MAGIC = 0xa5;
const HEADER = 8;
export const MIN_MESSAGE = HEADER;

export function messageBytes(id: number, from: Side, kind: ChannelKind, channel: number, size: number): Uint8Array {
  const out = new Uint8Array(Math.max(size, HEADER));
  out[0] = MAGIC;
  out[1] = from === 'client' ? 0 : 1;
  new DataView(out.buffer).setUint32(2, id);
  out[6] = kind;
  out[7] = channel;
  // odd ids compress (deflate kicks in at 256 B), even ids do not
  let x = (id * 2654435761) >>> 0 || 1;
  for (let i = HEADER; i < out.length; i++) {
    if (id % 2 === 1) {
      out[i] = (i * 7 + id) & 0xff;
    } else {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = x & 0xff;
    }
  }
  return out;
}

interface SentRecord {
  readonly id: number;
  readonly from: Side;
  readonly kind: ChannelKind;
  readonly channel: number;
  readonly bytes: Uint8Array;
  /** Position within its (direction, kind, channel) stream. */
  readonly index: number;
}

interface Stream {
  readonly ids: number[];
  /** Reliable-ordered: index of the next message to deliver. */
  nextOrdered: number;
  /** Sequenced: index of the newest message delivered. */
  lastSequenced: number;
}

interface SideState {
  readonly endpoint: Endpoint;
  handle: number | undefined;
  connected: boolean;
  /** connect() handle of the client, known before its `connected` event. */
  connectHandle: number | undefined;
  disconnects: number;
  handshakeFailed: number;
  closedLocally: boolean;
  messages: number;
}

interface InFlight {
  readonly at: number;
  readonly order: number;
  readonly from: string;
  readonly to: Side;
  readonly bytes: Uint8Array;
}

interface Faults {
  drop: number;
  duplicate: number;
  hold: number;
  corrupt: number;
  corruptPosition: number;
  corruptXor: number;
  readonly held: Uint8Array[];
}

const noFaults = (): Faults => ({ drop: 0, duplicate: 0, hold: 0, corrupt: 0, corruptPosition: 0, corruptXor: 1, held: [] });

/** Steps one advance may take before the harness calls it a busy loop. */
const MAX_STEPS_PER_ADVANCE = 200_000;
const HISTORY = 64;

export class InvariantError extends Error {}

function fail(message: string): never {
  throw new InvariantError(message);
}

export class Harness {
  now = NOW;
  /** Whether both sides were still up after healing (so reliable completeness was checked). */
  upAtLivenessCheck = false;
  readonly sides: Record<Side, SideState>;
  private readonly inFlight: InFlight[] = [];
  /** Faults applied to datagrams sent by that side. */
  private readonly faults: Record<Side, Faults> = { client: noFaults(), server: noFaults() };
  private readonly history: { to: Side; from: string; bytes: Uint8Array }[] = [];
  private readonly sent = new Map<number, SentRecord>();
  private readonly streams = new Map<string, Stream>();
  private readonly delivered = new Set<number>();
  private nextId = 1;
  private order = 0;
  readonly counts = { datagrams: 0, dropped: 0, duplicated: 0, corrupted: 0, held: 0, replayed: 0, garbage: 0, sendsSkipped: 0 };

  constructor(readonly scenario: Scenario) {
    const rng = new SeededRandom(scenario.seed);
    const random = (out: Uint8Array) => {
      rng.fill(out);
    };
    const connection: ConnectionOptions = { mtu: scenario.mtu };
    const common = { random, connection, unencrypted: scenario.unencrypted };
    const side = (endpoint: Endpoint): SideState => ({
      endpoint, handle: undefined, connected: false, connectHandle: undefined, disconnects: 0, handshakeFailed: 0, closedLocally: false, messages: 0,
    });
    this.sides = { client: side(new Endpoint(common)), server: side(new Endpoint({ ...common, listen: true })) };
  }

  // ---- set-up ----

  connect(): void {
    this.sides.client.connectHandle = this.sides.client.endpoint.connect(this.now, SERVER);
    this.pump();
  }

  /** Drives a fault-free handshake to completion. */
  handshake(): void {
    this.connect();
    const deadline = this.now + 10_000;
    while (!(this.sides.client.connected && this.sides.server.connected) && this.now < deadline) this.advance(10);
    if (!(this.sides.client.connected && this.sides.server.connected)) fail('the fault-free handshake did not complete');
  }

  // ---- operations ----

  apply(op: Op): void {
    switch (op.op) {
      case 'send':
        this.send(op.from, op.kind, op.channel, op.size);
        break;
      case 'burst':
        for (let i = 0; i < op.count; i++) this.send(op.from, op.kind, op.channel, op.size);
        break;
      case 'drop':
        this.faults[op.dir].drop += op.n;
        break;
      case 'duplicate':
        this.faults[op.dir].duplicate += op.n;
        break;
      case 'hold':
        this.faults[op.dir].hold += op.n;
        break;
      case 'corrupt': {
        const f = this.faults[op.dir];
        f.corrupt += op.n;
        f.corruptPosition = op.position;
        f.corruptXor = op.xor;
        break;
      }
      case 'release':
        this.release(op.dir, op.reverse);
        break;
      case 'replay': {
        const d = this.history[op.pick % Math.max(1, this.history.length)];
        if (d !== undefined) {
          this.counts.replayed++;
          this.enqueue(d.from, d.to, d.bytes.slice());
        }
        break;
      }
      case 'garbage':
        this.counts.garbage++;
        this.sides[op.to].endpoint.handleDatagram(this.now, op.stranger ? STRANGER : addressOf(other(op.to)), op.bytes.slice());
        break;
      case 'advance':
        this.advance(op.ms);
        break;
      case 'disconnect':
      case 'close':
        this.shutDown(op.side, op.op);
        break;
    }
    this.pump();
  }

  private send(from: Side, kind: ChannelKind, channel: number, size: number): void {
    const s = this.sides[from];
    if (!s.connected || s.disconnects > 0 || s.closedLocally || s.handle === undefined) {
      this.counts.sendsSkipped++;
      return;
    }
    const id = this.nextId++;
    const bytes = messageBytes(id, from, kind, channel, size);
    const key = `${from}:${kind}:${channel}`;
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = { ids: [], nextOrdered: 0, lastSequenced: -1 };
      this.streams.set(key, stream);
    }
    this.sent.set(id, { id, from, kind, channel, bytes: bytes.slice(), index: stream.ids.length });
    stream.ids.push(id);
    s.endpoint.send(s.handle, bytes, kind, channel);
  }

  shutDown(side: Side, how: 'disconnect' | 'close'): void {
    const s = this.sides[side];
    if (how === 'close') {
      s.endpoint.close(this.now);
    } else {
      const handle = s.handle ?? s.connectHandle;
      if (handle === undefined) return;
      s.endpoint.disconnect(this.now, handle, 'bye');
    }
    if (s.connected) s.closedLocally = true;
  }

  /** Stops every fault and delivers what was held (in order). */
  heal(): void {
    for (const side of ['client', 'server'] as const) {
      const f = this.faults[side];
      f.drop = f.duplicate = f.hold = f.corrupt = 0;
      this.release(side, false);
    }
    this.pump();
  }

  private release(dir: Side, reverse: boolean): void {
    const held = this.faults[dir].held.splice(0);
    if (reverse) held.reverse();
    for (const bytes of held) this.enqueue(addressOf(dir), other(dir), bytes);
  }

  // ---- the link ----

  private route(from: Side, bytes: Uint8Array, to: string): void {
    this.counts.datagrams++;
    if (to !== addressOf(other(from))) return; // e.g. a RETRY for the stranger: nobody listens
    this.history.push({ to: other(from), from: addressOf(from), bytes: bytes.slice() });
    if (this.history.length > HISTORY) this.history.shift();
    const f = this.faults[from];
    if (f.drop > 0) {
      f.drop--;
      this.counts.dropped++;
      return;
    }
    let out = bytes;
    if (f.corrupt > 0) {
      f.corrupt--;
      this.counts.corrupted++;
      out = bytes.slice();
      const i = f.corruptPosition % out.length;
      out[i] = (out[i] as number) ^ f.corruptXor;
      f.corruptPosition = f.corruptPosition * 31 + 17;
    }
    if (f.hold > 0) {
      f.hold--;
      this.counts.held++;
      f.held.push(out);
      return;
    }
    this.enqueue(addressOf(from), other(from), out);
    if (f.duplicate > 0) {
      f.duplicate--;
      this.counts.duplicated++;
      this.enqueue(addressOf(from), other(from), out.slice());
    }
  }

  private enqueue(from: string, to: Side, bytes: Uint8Array): void {
    this.inFlight.push({ at: this.now + this.scenario.latencyMs, order: this.order++, from, to, bytes });
  }

  /** Sends everything both endpoints have ready, hands out their events, checks the clocks. */
  pump(): void {
    for (const side of ['client', 'server'] as const) {
      const ep = this.sides[side].endpoint;
      for (let t = ep.pollTransmit(this.now), n = 0; t !== undefined; t = ep.pollTransmit(this.now), n++) {
        if (n > 100_000) fail(`${side}: pollTransmit never runs dry`);
        this.route(side, t.bytes, t.to);
      }
    }
    for (const side of ['client', 'server'] as const) this.drainEvents(side);
    for (const side of ['client', 'server'] as const) {
      const t = this.sides[side].endpoint.pollTimeout();
      // A deadline may fall due (even lie in the past) after a datagram, e.g. an RTT sample that
      // shrinks the backed-off RTO: the driver fires it at once. Only handleTimeout must clear it.
      if (t !== undefined && !Number.isFinite(t)) fail(`${side}: pollTimeout ${t} is not a finite time`);
    }
  }

  private nextEvent(): number | undefined {
    let t = Number.POSITIVE_INFINITY;
    for (const d of this.inFlight) t = Math.min(t, d.at);
    for (const side of ['client', 'server'] as const) t = Math.min(t, this.sides[side].endpoint.pollTimeout() ?? t);
    return t === Number.POSITIVE_INFINITY ? undefined : t;
  }

  /** Runs the network and both endpoints' timers for `ms` of virtual time. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (let steps = 0; ; steps++) {
      if (steps > MAX_STEPS_PER_ADVANCE) fail(`busy loop: ${steps} steps without reaching ${target} (now ${this.now})`);
      this.pump();
      const next = this.nextEvent();
      if (next === undefined || next > target) break;
      this.now = Math.max(this.now, next);
      this.inFlight.sort((a, b) => a.at - b.at || a.order - b.order);
      while (this.inFlight.length > 0 && (this.inFlight[0] as InFlight).at <= this.now) {
        const d = this.inFlight.shift() as InFlight;
        this.sides[d.to].endpoint.handleDatagram(this.now, d.from, d.bytes);
      }
      for (const side of ['client', 'server'] as const) {
        const ep = this.sides[side].endpoint;
        const t = ep.pollTimeout();
        if (t === undefined || t > this.now) continue;
        ep.handleTimeout(this.now);
        this.pump();
        const after = ep.pollTimeout();
        if (after !== undefined && !(after > this.now)) fail(`${side}: pollTimeout ${after} not after now ${this.now} right after handleTimeout(now): busy loop`);
      }
    }
    this.now = Math.max(this.now, target);
    this.pump();
  }

  // ---- the model ----

  private drainEvents(side: Side): void {
    const s = this.sides[side];
    for (let e = s.endpoint.pollEvent(); e !== undefined; e = s.endpoint.pollEvent()) this.onEvent(side, e);
  }

  private onEvent(side: Side, e: EndpointEvent): void {
    const s = this.sides[side];
    switch (e.type) {
      case 'connected':
        if (s.connected) fail(`${side}: second connected event (handle ${e.handle})`);
        if (e.role !== side) fail(`${side}: connected with role ${e.role}`);
        if (e.address !== addressOf(other(side))) fail(`${side}: connected to ${e.address}`);
        if (side === 'client' && e.handle !== s.connectHandle) fail('client: connected handle differs from connect()');
        s.connected = true;
        s.handle = e.handle;
        break;
      case 'disconnect':
        if (!s.connected || e.handle !== s.handle) fail(`${side}: disconnect for unknown handle ${e.handle}`);
        s.disconnects++;
        if (s.disconnects > 1) fail(`${side}: ${s.disconnects} disconnect events for one connection`);
        break;
      case 'handshake-failed':
        // the server may see new handshakes for the address at any time (a replayed HELLO with a
        // still valid cookie is one); the client only ever makes the one it connect()ed
        if (side === 'client') {
          if (s.connected) fail('client: handshake-failed after connected');
          if (e.handle !== s.connectHandle) fail('client: handshake-failed for an unknown handle');
        }
        s.handshakeFailed++;
        break;
      case 'peer-error':
        if (!s.connected || e.handle !== s.handle) fail(`${side}: peer-error for unknown handle ${e.handle}`);
        break;
      case 'validate-certificate':
        fail(`${side}: unexpected validate-certificate`);
        break;
      case 'message':
        this.onMessage(side, e);
        break;
    }
  }

  private onMessage(side: Side, e: Extract<EndpointEvent, { type: 'message' }>): void {
    const s = this.sides[side];
    if (!s.connected || e.handle !== s.handle) fail(`${side}: message for unknown handle ${e.handle}`);
    if (s.disconnects > 0) fail(`${side}: message delivered after the disconnect event`);
    const d = e.data;
    if (d.length < HEADER || d[0] !== MAGIC) fail(`${side}: delivered bytes no one sent (${d.length} B)`);
    const id = new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(2);
    const sent = this.sent.get(id);
    if (sent === undefined || sent.from !== other(side)) fail(`${side}: delivered message ${id} that the peer never sent`);
    if (sent.kind !== e.kind || sent.channel !== e.channel) fail(`${side}: message ${id} sent on ${sent.kind}/${sent.channel}, delivered on ${e.kind}/${e.channel}`);
    if (!equal(sent.bytes, d)) fail(`${side}: message ${id} delivered corrupted`);
    if (this.delivered.has(id)) fail(`${side}: message ${id} (kind ${e.kind}) delivered twice`);
    this.delivered.add(id);
    s.messages++;
    const stream = this.streams.get(`${sent.from}:${sent.kind}:${sent.channel}`) as Stream;
    if (sent.kind === ChannelKind.RELIABLE_ORDERED) {
      if (sent.index !== stream.nextOrdered) fail(`${side}: reliable-ordered message #${sent.index} delivered when #${stream.nextOrdered} was next (channel ${sent.channel})`);
      stream.nextOrdered++;
    } else if (sent.kind === ChannelKind.UNRELIABLE_SEQUENCED) {
      if (sent.index <= stream.lastSequenced) fail(`${side}: sequenced message #${sent.index} delivered after #${stream.lastSequenced} (channel ${sent.channel})`);
      stream.lastSequenced = sent.index;
    }
  }

  /** Both sides connected and neither disconnected nor closed. */
  get bothUp(): boolean {
    const c = this.sides.client;
    const s = this.sides.server;
    return c.connected && s.connected && c.disconnects === 0 && s.disconnects === 0 && !c.closedLocally && !s.closedLocally;
  }

  /** Every reliable message of both directions was delivered. */
  checkReliableComplete(): void {
    for (const r of this.sent.values()) {
      if ((r.kind === ChannelKind.RELIABLE_ORDERED || r.kind === ChannelKind.RELIABLE_UNORDERED) && !this.delivered.has(r.id)) {
        fail(`reliable message ${r.id} (${r.from} → ${other(r.from)}, kind ${r.kind}, channel ${r.channel}, ${r.bytes.length} B) never delivered on a healed link`);
      }
    }
  }

  /** After teardown: each side that connected said goodbye exactly once and holds nothing. */
  checkQuiescent(): void {
    for (const side of ['client', 'server'] as const) {
      const s = this.sides[side];
      if (s.connected && s.disconnects !== 1) fail(`${side}: ${s.disconnects} disconnect events after teardown`);
      if (s.endpoint.connectionCount !== 0) fail(`${side}: connectionCount ${s.endpoint.connectionCount} after teardown`);
      if (s.endpoint.pendingHandshakeCount !== 0) fail(`${side}: pendingHandshakeCount ${s.endpoint.pendingHandshakeCount} after teardown`);
      if (s.endpoint.connectingCount !== 0) fail(`${side}: connectingCount ${s.endpoint.connectingCount} after teardown`);
      if (s.handle !== undefined && s.endpoint.connectionStats(s.handle) !== undefined) fail(`${side}: stats still held for a closed connection`);
    }
    if (this.sides.client.connected !== this.sides.server.connected && this.sides.server.connected) {
      // the server only confirms a client that derived the keys
      fail('server connected a client that never connected');
    }
  }

  get deliveredCount(): number {
    return this.delivered.size;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One whole scenario: operations, heal, liveness check, teardown, quiescence check. */
export function runScenario(sc: Scenario): Harness {
  const h = new Harness(sc);
  if (sc.faultyHandshake) h.connect();
  else h.handshake();
  for (const op of sc.ops) h.apply(op);
  h.heal();
  // long enough for a 10 s maximum RTO, a 5 s handshake timeout and a 10 s idle timeout
  h.advance(40_000);
  h.upAtLivenessCheck = h.bothUp;
  if (h.bothUp) h.checkReliableComplete();
  if (h.sides.client.connected && h.sides.client.disconnects === 0 && !h.sides.client.closedLocally && h.sides.server.connected === false) {
    // cannot happen after 40 s: the client would have timed out
    throw new InvariantError('client still connected to a server that never confirmed it');
  }
  h.shutDown(sc.teardownSide, sc.teardown);
  h.advance(40_000);
  h.shutDown('client', 'close');
  h.shutDown('server', 'close');
  h.advance(40_000);
  h.checkQuiescent();
  for (const side of ['client', 'server'] as const) {
    const t = h.sides[side].endpoint.pollTimeout();
    if (t !== undefined) throw new InvariantError(`${side}: closed endpoint with nothing left still asks for a timer at ${t - h.now} ms from now`);
  }
  return h;
}
