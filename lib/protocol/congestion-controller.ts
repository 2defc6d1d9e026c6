/**
 * What a Connection asks of its congestion controller. Two implementations: `LossTolerantController`
 * (the default: game links lose datagrams at random, and a controller that reads every loss as
 * congestion starves them) and `NewRenoController` (RFC 9002's loss-based window, for links where
 * loss really means a full queue and fairness to TCP matters more than goodput).
 */
import { NewRenoController } from './congestion.js';
import { LossTolerantController } from './loss-tolerant-congestion.js';

export type CongestionControl = 'loss-tolerant' | 'newreno';

/** What a controller needs of an acknowledged datagram (a SentDatagram has it). */
export interface AckedDatagram {
  /** The sender's extended sequence. */
  readonly sequence: number;
  readonly sentAt: number;
  readonly bytes: number;
}

export interface CongestionController {
  /** The window, bytes. */
  readonly cwnd: number;
  readonly ssthresh: number;
  /** Times the window was reduced (a congestive loss or a timeout). */
  readonly congestionEvents: number;
  canSend(bytesInFlight: number, bytes: number): boolean;
  /** One round-trip sample, ms (the RTT estimator's input). */
  onRttSample(rttMs: number): void;
  /** `datagram` was acknowledged; `nextSequence` is the sequence the next datagram sent will carry. */
  onAcked(now: number, datagram: AckedDatagram, nextSequence: number): void;
  onLost(sentAt: number, now: number): void;
  /** A datagram reported through onLost was acknowledged after all. */
  onSpuriousLoss(): void;
  /** The retransmission timer fired. */
  onTimeout(now: number): void;
}

export interface CongestionSettings {
  readonly mtu: number;
  readonly algorithm: CongestionControl;
  /** Loss-tolerant only: the smoothed loss rate above which loss counts as congestion. */
  readonly lossTolerance: number;
}

export function createCongestionController(s: CongestionSettings): CongestionController {
  return s.algorithm === 'newreno' ? new NewRenoController({ mtu: s.mtu }) : new LossTolerantController({ mtu: s.mtu, lossTolerance: s.lossTolerance });
}
