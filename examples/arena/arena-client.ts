/**
 * An arena client on connect(): rebuilds each snapshot from its baseline (kept in a ring of its
 * own reconstructions), feeds the interpolation buffer and the metrics, and sends one input per
 * call of sendInput() on the `sequenced` channel, carrying the newest snapshot id it holds (the
 * server's next baseline) and its clock for the RTT echo.
 *
 * A snapshot that does not decode, names a baseline this client no longer has, or does not apply
 * to it is dropped and counted (`stats`); the next one is a delta against what the client did
 * acknowledge, or a full snapshot, so the view heals by itself.
 */
import { connect, type Client, type ClientOptions } from '../../lib/transport/client.js';
import type { DisconnectInfo } from '../../lib/transport/server.js';
import type { SendOptions } from '../../lib/transport/send-options.js';
import { CLIENT_BASELINES, CLIENT_MAX_QUEUED_UNRELIABLE, INTERPOLATION_DELAY_MS, TICK_MS } from './arena-rules.js';
import { ClientMetrics, type TransportCounters } from './client-metrics.js';
import { encodeInput } from './input-codec.js';
import { InterpolationBuffer, type RenderPosition } from './interpolation-buffer.js';
import { decodeSnapshot } from './snapshot-codec.js';
import { applyDelta } from './snapshot-delta.js';
import { SnapshotRing } from './snapshot-ring.js';
import type { WorldSnapshot } from './snapshot.js';
import { NO_INPUT_ECHO } from './wire-format.js';

export interface ArenaClientOptions {
  /** Passed to connect(): password, io, handshakeTimeoutMs, … (connection.maxQueuedUnreliableBytes defaults to 104 B here). */
  readonly transport?: ClientOptions;
  /** Default 100 ms. */
  readonly interpolationDelayMs?: number;
  /** Reconstructed snapshots kept as baselines. Default 64; must exceed the server's 32. */
  readonly baselines?: number;
}

export interface ArenaClientStats {
  snapshotsApplied: number;
  /** Snapshots dropped: undecodable, unknown baseline, or inconsistent with it. */
  badSnapshots: number;
  lastDropReason: string;
  inputsSent: number;
}

const INPUT_SEND: SendOptions = { delivery: 'sequenced', channel: 0 };

export class ArenaClient {
  readonly stats: ArenaClientStats = { snapshotsApplied: 0, badSnapshots: 0, lastDropReason: '', inputsSent: 0 };
  readonly metrics = new ClientMetrics();
  readonly interpolation: InterpolationBuffer;
  /** Our player's entity id, once a snapshot said so. */
  entityId: number | undefined;
  /** The newest reconstructed snapshot. */
  latest: WorldSnapshot | undefined;
  /** Why the connection ended, once it has. */
  disconnected: DisconnectInfo | undefined;
  private readonly ring: SnapshotRing;
  private inputSeq = 0;

  private constructor(
    private readonly client: Client,
    options: ArenaClientOptions,
  ) {
    this.interpolation = new InterpolationBuffer(options.interpolationDelayMs ?? INTERPOLATION_DELAY_MS);
    this.ring = new SnapshotRing(options.baselines ?? CLIENT_BASELINES);
    client.on('message', (data) => this.receive(data));
    client.on('disconnect', (info) => (this.disconnected = info));
  }

  /** Connects and waits for the handshake; rejects (HandshakeFailedError) when it fails or times out. */
  static async connect(host: string, port: number, options: ArenaClientOptions = {}): Promise<ArenaClient> {
    const transport = { ...options.transport, connection: { maxQueuedUnreliableBytes: CLIENT_MAX_QUEUED_UNRELIABLE, ...options.transport?.connection } };
    const client = await connect(host, port, transport);
    const arena = new ArenaClient(client, options);
    await client.connected;
    return arena;
  }

  get isConnected(): boolean {
    return this.client.isConnected;
  }

  get transportStats(): TransportCounters | undefined {
    return this.client.stats;
  }

  /** Sends the held stick (−127..127 per axis); false when the connection is gone. */
  sendInput(moveX: number, moveY: number): boolean {
    if (!this.client.isConnected) return false;
    this.inputSeq = (this.inputSeq + 1) & 0xffff;
    const bytes = encodeInput({ seq: this.inputSeq, ackSnapshotId: this.latest?.id ?? 0, clientTimeUs: nowUs(), moveX, moveY });
    this.client.send(bytes, INPUT_SEND);
    this.stats.inputsSent++;
    this.metrics.onInputSent();
    return true;
  }

  /** Interpolated positions at local time `nowMs` (performance.now()). */
  view(nowMs = performance.now()): Map<number, RenderPosition> {
    return this.interpolation.view(nowMs);
  }

  /** Graceful: 2.2 CLIENT DISCONNECT, acknowledged or timed out. */
  close(): Promise<void> {
    return this.client.close();
  }

  private receive(data: Uint8Array): void {
    const arrival = performance.now();
    const decoded = decodeSnapshot(data);
    if (!decoded.ok) return this.drop(decoded.reason);
    const m = decoded.value;
    // sequenced delivery already guarantees this; a stale one must not become the latest
    if (this.latest !== undefined && m.snapshotId <= this.latest.id) return;
    const baseline = this.ring.get(m.baselineId);
    if (m.baselineId !== 0 && baseline === undefined) return this.drop(`baseline ${m.baselineId} is not held`);
    const applied = applyDelta(baseline?.entities, m);
    if (!applied.ok) return this.drop(applied.reason);
    const snapshot: WorldSnapshot = { id: m.snapshotId, tick: m.tick, entities: applied.value };
    this.ring.put(snapshot);
    this.latest = snapshot;
    this.entityId = m.yourEntityId;
    this.stats.snapshotsApplied++;
    const serverMs = m.tick * TICK_MS;
    this.interpolation.push(serverMs, arrival, snapshot.entities);
    const rttUs = m.inputHoldUs === NO_INPUT_ECHO ? undefined : ((nowUs() - m.inputEchoUs) >>> 0) - m.inputHoldUs;
    this.metrics.onSnapshot(m.snapshotId, serverMs, arrival, rttUs === undefined ? undefined : rttUs / 1000);
  }

  private drop(reason: string): void {
    this.stats.badSnapshots++;
    this.stats.lastDropReason = reason;
    this.metrics.onBadSnapshot();
  }
}

/** The local clock in µs mod 2³², as the input's timestamp and the echo travel. */
function nowUs(): number {
  return Math.round(performance.now() * 1000) >>> 0;
}
