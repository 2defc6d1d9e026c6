/**
 * NewReno-style congestion control in bytes (RFC 9002 §7): slow start to the first loss,
 * halve once per recovery period, additive increase after; a collapse to the minimum window on
 * a retransmission timeout. A game's send rate is usually far below the window; the window
 * matters when a level download or a burst meets a thin or lossy link.
 */
import type { AckedDatagram, CongestionController } from './congestion-controller.js';

export interface CongestionOptions {
  /** The datagram budget, bytes. */
  readonly mtu: number;
  /** Initial window in datagrams. Default 10. */
  readonly initialWindow?: number;
  /** Minimum window in datagrams. Default 2. */
  readonly minimumWindow?: number;
}

export class NewRenoController implements CongestionController {
  private window: number;
  private threshold = Number.POSITIVE_INFINITY;
  /** Datagrams sent before this time belong to the current recovery period. */
  private recoveryStart = Number.NEGATIVE_INFINITY;
  private readonly mtu: number;
  private readonly minimum: number;
  congestionEvents = 0;

  constructor(options: CongestionOptions) {
    this.mtu = options.mtu;
    this.window = (options.initialWindow ?? 10) * this.mtu;
    this.minimum = (options.minimumWindow ?? 2) * this.mtu;
  }

  get cwnd(): number {
    return this.window;
  }

  get ssthresh(): number {
    return this.threshold;
  }

  canSend(bytesInFlight: number, bytes: number): boolean {
    return bytesInFlight + bytes <= this.window;
  }

  /** Loss is the only signal here. */
  onRttSample(): void {}

  /** RFC 9002 does not undo a reduction for a spurious loss; neither does this. */
  onSpuriousLoss(): void {}

  onAcked(_now: number, { bytes, sentAt }: AckedDatagram): void {
    if (sentAt <= this.recoveryStart) return;
    if (this.window < this.threshold) this.window += bytes;
    else this.window += (this.mtu * bytes) / this.window;
  }

  onLost(sentAt: number, now: number): void {
    if (sentAt <= this.recoveryStart) return;
    this.recoveryStart = now;
    this.congestionEvents++;
    this.window = Math.max(this.minimum, this.window / 2);
    this.threshold = this.window;
  }

  /** The retransmission timer fired: persistent congestion. */
  onTimeout(now: number): void {
    this.recoveryStart = now;
    this.congestionEvents++;
    this.threshold = Math.max(this.minimum, this.window / 2);
    this.window = this.minimum;
  }
}
