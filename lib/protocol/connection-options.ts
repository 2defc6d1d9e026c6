/** Connection limits and timers, each with its documented default (docs/PROTOCOL.md). */
import type { CongestionControl } from './congestion-controller.js';

export interface ConnectionOptions {
  /** Largest datagram sent, bytes. Default 1200 (safe on virtually every path). */
  readonly mtu?: number;
  /** Largest message accepted or sent, bytes. Default 16 MiB. */
  readonly maxMessageSize?: number;
  /** Bytes incomplete fragmented messages may hold per connection. Default 2 × maxMessageSize. */
  readonly reassemblyMemoryCap?: number;
  /** An incomplete fragmented message is dropped after this, ms. Default 30,000. */
  readonly reassemblyTimeoutMs?: number;
  /** Longest an ACK waits to ride along with data, ms. Default 5. */
  readonly maxAckDelayMs?: number;
  /** A PING is sent after this long without sending anything, ms. Default 1000. */
  readonly heartbeatIntervalMs?: number;
  /** The connection is closed after this long without receiving anything, ms. Default 10,000. */
  readonly idleTimeoutMs?: number;
  /** A graceful disconnect waits this long for its acknowledgement, ms. Default 2000. */
  readonly disconnectTimeoutMs?: number;
  /**
   * Datagram data at least this large is deflated when that shrinks it; 0 = never. Default 0:
   * deflate costs microseconds per kilobyte on every datagram, game traffic is mostly compact
   * binary, and the peers worth comparing (ENet, GNS) do not compress by default. Receiving
   * compressed datagrams works whatever this is.
   */
  readonly compressionThreshold?: number;
  /** Unreliable bytes queued behind a full congestion window at most. Default 256 KiB. */
  readonly maxQueuedUnreliableBytes?: number;
  /** Send-rate cap in bytes per second; 0 = only congestion control limits. Default 0. */
  readonly maxSendRate?: number;
  /**
   * 'loss-tolerant' (default) reads queueing delay and treats random loss as noise;
   * 'newreno' halves on every loss event (RFC 9002). docs/PROTOCOL.md, "Congestion control".
   */
  readonly congestionControl?: CongestionControl;
  /** 'loss-tolerant': smoothed loss rate (0..1] above which loss counts as congestion. Default 0.35. */
  readonly lossTolerance?: number;
  /** Fewest ms between two ERROR replies to bad datagrams. Default 1000. */
  readonly errorReplyIntervalMs?: number;
  /** RTO bounds, ms. Defaults 30 and 10,000; initial 250. */
  readonly minRtoMs?: number;
  readonly maxRtoMs?: number;
  readonly initialRtoMs?: number;
}

export type ResolvedConnectionOptions = Required<ConnectionOptions>;

export function resolveConnectionOptions(o: ConnectionOptions = {}): ResolvedConnectionOptions {
  const maxMessageSize = o.maxMessageSize ?? 16 * 1024 * 1024;
  const resolved: ResolvedConnectionOptions = {
    mtu: o.mtu ?? 1200,
    maxMessageSize,
    reassemblyMemoryCap: o.reassemblyMemoryCap ?? 2 * maxMessageSize,
    reassemblyTimeoutMs: o.reassemblyTimeoutMs ?? 30_000,
    maxAckDelayMs: o.maxAckDelayMs ?? 5,
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 1000,
    idleTimeoutMs: o.idleTimeoutMs ?? 10_000,
    disconnectTimeoutMs: o.disconnectTimeoutMs ?? 2000,
    compressionThreshold: o.compressionThreshold ?? 0,
    maxQueuedUnreliableBytes: o.maxQueuedUnreliableBytes ?? 256 * 1024,
    maxSendRate: o.maxSendRate ?? 0,
    congestionControl: o.congestionControl ?? 'loss-tolerant',
    lossTolerance: o.lossTolerance ?? 0.35,
    errorReplyIntervalMs: o.errorReplyIntervalMs ?? 1000,
    minRtoMs: o.minRtoMs ?? 30,
    maxRtoMs: o.maxRtoMs ?? 10_000,
    initialRtoMs: o.initialRtoMs ?? 250,
  };
  if (!Number.isInteger(resolved.mtu) || resolved.mtu < 576 || resolved.mtu > 65_507) {
    throw new RangeError(`mtu must be an integer 576..65507, got ${resolved.mtu}`);
  }
  if (resolved.congestionControl !== 'loss-tolerant' && resolved.congestionControl !== 'newreno') {
    throw new RangeError(`congestionControl must be 'loss-tolerant' or 'newreno', got ${String(resolved.congestionControl)}`);
  }
  if (!(resolved.lossTolerance > 0 && resolved.lossTolerance <= 1)) {
    throw new RangeError(`lossTolerance must be in (0, 1], got ${resolved.lossTolerance}`);
  }
  if (resolved.reassemblyMemoryCap < resolved.maxMessageSize) {
    throw new RangeError('reassemblyMemoryCap must be at least maxMessageSize');
  }
  return resolved;
}
