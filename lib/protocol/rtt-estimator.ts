/**
 * Round-trip time estimation and retransmission timeout as RFC 6298 §2: SRTT and RTTVAR
 * with alpha = 1/8, beta = 1/4, RTO = SRTT + max(G, 4·RTTVAR), clamped, doubled on each
 * expiry (back-off) until a new sample arrives. Times are milliseconds.
 */

export interface RttEstimatorOptions {
  /** RTO before the first sample (RFC 6298 says 1 s; games want faster). Default 250. */
  readonly initialRto?: number;
  /** Lower clamp. Default 30 (RFC's 1 s is far too slow for games; ENet uses ~50 ms). */
  readonly minRto?: number;
  /** Upper clamp. Default 10,000. */
  readonly maxRto?: number;
  /** Clock granularity G. Default 1. */
  readonly granularity?: number;
}

export class RttEstimator {
  private readonly minRto: number;
  private readonly maxRto: number;
  private readonly granularity: number;
  private srttMs = 0;
  private rttvarMs = 0;
  private latestMs = 0;
  private baseRto: number;
  private backoff = 1;
  private samples = 0;

  constructor(options: RttEstimatorOptions = {}) {
    this.minRto = options.minRto ?? 30;
    this.maxRto = options.maxRto ?? 10_000;
    this.granularity = options.granularity ?? 1;
    this.baseRto = options.initialRto ?? 250;
  }

  /** Adds one round-trip sample (from an ack of a datagram sent once, or a PONG). */
  sample(rttMs: number): void {
    if (!(rttMs >= 0) || !Number.isFinite(rttMs)) return;
    this.latestMs = rttMs;
    if (this.samples === 0) {
      this.srttMs = rttMs;
      this.rttvarMs = rttMs / 2;
    } else {
      this.rttvarMs = 0.75 * this.rttvarMs + 0.25 * Math.abs(this.srttMs - rttMs);
      this.srttMs = 0.875 * this.srttMs + 0.125 * rttMs;
    }
    this.samples++;
    this.baseRto = this.srttMs + Math.max(this.granularity, 4 * this.rttvarMs);
    this.backoff = 1;
  }

  /** The retransmission timer expired: back off exponentially (RFC 6298 §5.5). */
  onTimeout(): void {
    if (this.rto < this.maxRto) this.backoff *= 2;
  }

  get rto(): number {
    return Math.min(this.maxRto, Math.max(this.minRto, this.baseRto) * this.backoff);
  }

  get srtt(): number {
    return this.srttMs;
  }

  get rttvar(): number {
    return this.rttvarMs;
  }

  get latest(): number {
    return this.latestMs;
  }

  get sampleCount(): number {
    return this.samples;
  }
}
