/**
 * The arena server: a 60 Hz fixed-step ArenaWorld on createServer(). Each client sends its input
 * every tick on the `sequenced` channel (newest wins, lost ones are superseded); every
 * 60/snapshotHz ticks the server sends each client a snapshot, also `sequenced` (a late snapshot
 * is useless once a newer one arrived, and resending one would only delay the next), delta-
 * compressed against the newest snapshot that client says it has (README "Delta compression").
 *
 * Baselines: each client's ring holds the snapshots sent to *it*, so a client can only name a
 * baseline it was sent; an id the ring no longer holds (acknowledgements stalled for longer than
 * the ring covers) or never held gets a full snapshot. Bodies are encoded once per distinct
 * baseline per broadcast: clients that are in step share the bytes.
 *
 * Bad input (wrong size, type or range) is dropped and counted in `stats`; it never throws.
 */
import { createServer, type Peer, type Server, type ServerOptions } from '../../lib/transport/server.js';
import type { SendOptions } from '../../lib/transport/send-options.js';
import { DEFAULT_SNAPSHOT_HZ, MAX_SNAPSHOT_HZ, MIN_SNAPSHOT_HZ, SERVER_BASELINES, SERVER_MAX_QUEUED_UNRELIABLE, TICK_HZ } from './arena-rules.js';
import { FixedRateLoop } from './fixed-rate-loop.js';
import { decodeInput } from './input-codec.js';
import { encodeSnapshot, encodeSnapshotBody } from './snapshot-codec.js';
import { diffEntities } from './snapshot-delta.js';
import { SnapshotRing } from './snapshot-ring.js';
import type { WorldSnapshot } from './snapshot.js';
import { NO_INPUT_ECHO } from './wire-format.js';
import { ArenaWorld } from './world.js';

export interface ArenaServerOptions {
  /** Snapshots per second to each client, 1..60. Default 20. */
  readonly snapshotHz?: number;
  /** Past snapshots kept per client as delta baselines. Default 32 (1.6 s at 20 Hz). */
  readonly baselines?: number;
  /** World seed (spawn points, pickups). Default 1. */
  readonly seed?: number;
  /** Passed to createServer: host, port, password, maxConnections, io, … (connection.maxQueuedUnreliableBytes defaults to 4 KiB here). */
  readonly transport?: ServerOptions;
}

export interface ArenaServerStats {
  broadcasts: number;
  snapshotsSent: number;
  /** Of those, sent without a baseline (new client, or its acknowledgements fell behind the ring). */
  fullSnapshots: number;
  snapshotBytes: number;
  inputsReceived: number;
  /** Inputs rejected by the decoder; `lastDropReason` says why the latest was. */
  droppedInputs: number;
  lastDropReason: string;
  /** Sends refused by a connection that is closing. */
  sendFailures: number;
  /** Time spent in simulation steps and broadcasts, for the CPU budget of one tick (16.7 ms). */
  tickWorkMs: number;
  maxTickWorkMs: number;
}

interface Player {
  readonly peer: Peer;
  readonly entityId: number;
  readonly sent: SnapshotRing;
  ackedSnapshotId: number;
  lastInputSeq: number;
  inputEchoUs: number;
  /** performance.now() when the newest input arrived; NaN before the first. */
  inputArrivedAt: number;
}

const SNAPSHOT_SEND: SendOptions = { delivery: 'sequenced', channel: 0 };

export class ArenaServer {
  readonly stats: ArenaServerStats = {
    broadcasts: 0, snapshotsSent: 0, fullSnapshots: 0, snapshotBytes: 0, inputsReceived: 0, droppedInputs: 0,
    lastDropReason: '', sendFailures: 0, tickWorkMs: 0, maxTickWorkMs: 0,
  };
  readonly world: ArenaWorld;
  readonly snapshotHz: number;
  private readonly players = new Map<Peer, Player>();
  private readonly loop: FixedRateLoop;
  private readonly baselines: number;
  private nextSnapshotId = 1;
  /** Snapshot phase accumulator: broadcasts land on ticks evenly even when 60 / snapshotHz is not whole. */
  private phase = 0;

  private constructor(
    readonly transport: Server,
    options: ArenaServerOptions,
  ) {
    this.snapshotHz = options.snapshotHz ?? DEFAULT_SNAPSHOT_HZ;
    this.baselines = options.baselines ?? SERVER_BASELINES;
    this.world = new ArenaWorld(options.seed ?? 1);
    this.loop = new FixedRateLoop(TICK_HZ, () => this.tick());
    transport.on('connection', (peer) => this.join(peer));
    transport.on('disconnect', (peer) => this.leave(peer));
    transport.on('message', (peer, data) => this.receive(peer, data));
  }

  static async start(options: ArenaServerOptions = {}): Promise<ArenaServer> {
    const hz = options.snapshotHz ?? DEFAULT_SNAPSHOT_HZ;
    if (!(hz >= MIN_SNAPSHOT_HZ && hz <= MAX_SNAPSHOT_HZ)) throw new RangeError(`snapshotHz must be ${MIN_SNAPSHOT_HZ}..${MAX_SNAPSHOT_HZ}, got ${hz}`);
    const baselines = options.baselines ?? SERVER_BASELINES;
    if (!Number.isInteger(baselines) || baselines < 1) throw new RangeError(`baselines must be a positive integer, got ${baselines}`);
    const transport = { ...options.transport, connection: { maxQueuedUnreliableBytes: SERVER_MAX_QUEUED_UNRELIABLE, ...options.transport?.connection } };
    const server = new ArenaServer(await createServer(transport), options);
    server.loop.start();
    return server;
  }

  get address(): { host: string; port: number } {
    return this.transport.address;
  }

  get loopStats(): { ticks: number; skipped: number } {
    return { ...this.loop.stats };
  }

  get playerCount(): number {
    return this.players.size;
  }

  /** The latest state as a snapshot would carry it (id 0: not sent to anyone). */
  currentState(): WorldSnapshot {
    return this.world.snapshot(0);
  }

  async close(): Promise<void> {
    this.loop.stop();
    await this.transport.close();
  }

  private join(peer: Peer): void {
    const entityId = this.world.addPlayer();
    this.players.set(peer, {
      peer, entityId, sent: new SnapshotRing(this.baselines), ackedSnapshotId: 0, lastInputSeq: 0, inputEchoUs: 0, inputArrivedAt: Number.NaN,
    });
  }

  private leave(peer: Peer): void {
    const p = this.players.get(peer);
    if (p === undefined) return;
    this.players.delete(peer);
    this.world.removePlayer(p.entityId);
  }

  private receive(peer: Peer, data: Uint8Array): void {
    const p = this.players.get(peer);
    if (p === undefined) return;
    const decoded = decodeInput(data);
    if (!decoded.ok) {
      this.stats.droppedInputs++;
      this.stats.lastDropReason = decoded.reason;
      return;
    }
    const input = decoded.value;
    this.stats.inputsReceived++;
    // the sequenced channel already drops older-after-newer; this also covers other channels
    if (!Number.isNaN(p.inputArrivedAt) && !isNewerSeq(input.seq, p.lastInputSeq)) return;
    p.lastInputSeq = input.seq;
    p.inputEchoUs = input.clientTimeUs;
    p.inputArrivedAt = performance.now();
    // an id from the future cannot be a baseline; an older one than we have is stale news
    if (input.ackSnapshotId < this.nextSnapshotId && input.ackSnapshotId > p.ackedSnapshotId) p.ackedSnapshotId = input.ackSnapshotId;
    this.world.setInput(p.entityId, input.moveX, input.moveY);
  }

  private tick(): void {
    const started = performance.now();
    this.world.step();
    this.phase += this.snapshotHz;
    if (this.phase >= TICK_HZ) {
      this.phase -= TICK_HZ;
      this.broadcast();
    }
    const work = performance.now() - started;
    this.stats.tickWorkMs += work;
    if (work > this.stats.maxTickWorkMs) this.stats.maxTickWorkMs = work;
  }

  private broadcast(): void {
    const snapshot = this.world.snapshot(this.nextSnapshotId++);
    const bodies = new Map<number, Uint8Array>();
    const now = performance.now();
    this.stats.broadcasts++;
    for (const p of this.players.values()) {
      const baseline = p.sent.get(p.ackedSnapshotId);
      const baselineId = baseline?.id ?? 0;
      let body = bodies.get(baselineId);
      if (body === undefined) {
        body = encodeSnapshotBody(diffEntities(baseline?.entities, snapshot.entities));
        bodies.set(baselineId, body);
      }
      const bytes = encodeSnapshot(
        {
          snapshotId: snapshot.id,
          baselineId,
          tick: snapshot.tick,
          yourEntityId: p.entityId,
          lastInputSeq: p.lastInputSeq,
          inputEchoUs: p.inputEchoUs,
          inputHoldUs: Number.isNaN(p.inputArrivedAt) ? NO_INPUT_ECHO : Math.min(NO_INPUT_ECHO - 1, Math.round((now - p.inputArrivedAt) * 1000)),
        },
        body,
      );
      p.sent.put(snapshot);
      try {
        p.peer.send(bytes, SNAPSHOT_SEND);
      } catch {
        // the connection is closing; its 'disconnect' removes the player
        this.stats.sendFailures++;
        continue;
      }
      this.stats.snapshotsSent++;
      this.stats.snapshotBytes += bytes.length;
      if (baselineId === 0) this.stats.fullSnapshots++;
    }
  }
}

/** u16 sequence order with wrap-around: a is newer than b when it is less than half the space ahead. */
function isNewerSeq(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}
