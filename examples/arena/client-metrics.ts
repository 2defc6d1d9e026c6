/**
 * What one client measures over a window (reset() starts it, report() reads it):
 * - RTT: the snapshot echoes the newest input's client timestamp and how long the server held
 *   that input; RTT = now − echo − hold. One sample per snapshot, so mean and p99 are of the
 *   path itself, not of the transport's smoothed estimate (reported too, as transportRttMs).
 * - jitter: RFC 3550 interarrival jitter without its 1/16 smoothing: the mean over the window of
 *   |(arrivalᵢ − arrivalᵢ₋₁) − (serverᵢ − serverᵢ₋₁)| between consecutive snapshots received,
 *   server times from the snapshot ticks. Lateness of the server's own loop counts: the player
 *   feels it the same way.
 * - snapshot rate: snapshots applied per second of window.
 * - snapshot loss: gaps in the ids received (every client gets every id); a snapshot that came
 *   after a newer one was dropped by the sequenced channel and counts as missed, as it should.
 * - bandwidth: the transport's byte counters (whole datagrams) over the window.
 */
import { mean, percentile } from './sample-statistics.js';

export interface TransportCounters {
  readonly rtt: number;
  readonly loss: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

export interface ClientReport {
  readonly rttMeanMs: number;
  readonly rttP99Ms: number;
  readonly rttSamples: number;
  /** The transport's smoothed RTT at the end of the window. */
  readonly transportRttMs: number;
  readonly jitterMs: number;
  readonly snapshotHz: number;
  /** Inputs sent per second (the bot loop's 60 Hz, less what a busy process skipped). */
  readonly inputHz: number;
  readonly snapshotsReceived: number;
  readonly snapshotsMissed: number;
  readonly snapshotLossPct: number;
  /** The transport's lost / ack-eliciting datagrams sent by this client, since it connected. */
  readonly transportLossPct: number;
  readonly inKBps: number;
  readonly outKBps: number;
  readonly badSnapshots: number;
}

export class ClientMetrics {
  private startMs = 0;
  private bytesInAtStart = 0;
  private bytesOutAtStart = 0;
  private rtts: number[] = [];
  private received = 0;
  private firstId = 0;
  private lastId = 0;
  private jitterSum = 0;
  private jitterCount = 0;
  private prevArrival = Number.NaN;
  private prevServer = Number.NaN;
  private bad = 0;
  private inputs = 0;

  /** Starts a new window at local time `nowMs` (counters are taken as the baseline). */
  reset(nowMs: number, counters: TransportCounters | undefined): void {
    this.startMs = nowMs;
    this.bytesInAtStart = counters?.bytesReceived ?? 0;
    this.bytesOutAtStart = counters?.bytesSent ?? 0;
    this.rtts = [];
    this.received = 0;
    this.firstId = 0;
    this.lastId = 0;
    this.jitterSum = 0;
    this.jitterCount = 0;
    this.prevArrival = Number.NaN;
    this.prevServer = Number.NaN;
    this.bad = 0;
    this.inputs = 0;
  }

  /** RTT samples of this window, in ms (for pooled percentiles across clients). */
  get rttSamples(): readonly number[] {
    return this.rtts;
  }

  onSnapshot(id: number, serverMs: number, arrivalMs: number, rttMs: number | undefined): void {
    this.received++;
    if (this.firstId === 0) this.firstId = id;
    this.lastId = id;
    if (rttMs !== undefined && rttMs >= 0) this.rtts.push(rttMs);
    if (!Number.isNaN(this.prevArrival)) {
      this.jitterSum += Math.abs(arrivalMs - this.prevArrival - (serverMs - this.prevServer));
      this.jitterCount++;
    }
    this.prevArrival = arrivalMs;
    this.prevServer = serverMs;
  }

  onInputSent(): void {
    this.inputs++;
  }

  onBadSnapshot(): void {
    this.bad++;
  }

  report(nowMs: number, counters: TransportCounters | undefined): ClientReport {
    const seconds = Math.max(1e-3, (nowMs - this.startMs) / 1000);
    const expected = this.firstId === 0 ? 0 : this.lastId - this.firstId + 1;
    const missed = Math.max(0, expected - this.received);
    return {
      rttMeanMs: mean(this.rtts),
      rttP99Ms: percentile(this.rtts, 0.99),
      rttSamples: this.rtts.length,
      transportRttMs: counters?.rtt ?? Number.NaN,
      jitterMs: this.jitterCount === 0 ? Number.NaN : this.jitterSum / this.jitterCount,
      snapshotHz: this.received / seconds,
      inputHz: this.inputs / seconds,
      snapshotsReceived: this.received,
      snapshotsMissed: missed,
      snapshotLossPct: expected === 0 ? Number.NaN : (100 * missed) / expected,
      transportLossPct: 100 * (counters?.loss ?? Number.NaN),
      inKBps: ((counters?.bytesReceived ?? 0) - this.bytesInAtStart) / 1000 / seconds,
      outKBps: ((counters?.bytesSent ?? 0) - this.bytesOutAtStart) / 1000 / seconds,
      badSnapshots: this.bad,
    };
  }
}
