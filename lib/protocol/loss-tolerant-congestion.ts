/**
 * A congestion window that tells random loss from congestion, after TCP Vegas (Brakmo and Peterson,
 * 1995) and TCP Veno (Fu and Liew, 2003). Once per round trip it estimates how many of its own
 * datagrams wait in a queue along the path:
 *
 *   backlog = window / mtu × (1 − baseRtt / roundMinRtt)
 *
 * with roundMinRtt the smallest RTT sample of the last round (the minimum filters jitter and delayed
 * acknowledgements) and baseRtt the smallest roundMinRtt of the last 10–20 s. Comparing minima with
 * minima matters on jittery paths: the minimum of one round's samples sits above the path's true
 * floor by an amount that depends on the jitter, and a base taken from single samples would read
 * that offset as a standing queue and stop the window growing (it did, at ±10 ms on an 80 ms path).
 * - backlog < ALPHA datagrams: the path has room; grow about one datagram per round (slow start
 *   doubles per round until the backlog passes GAMMA);
 * - backlog > BETA: a queue is building; shrink about one datagram per round, before anything is lost;
 * - a loss while the backlog is at most BETA is random (Wi-Fi, a mobile handover) and only counted;
 * - a loss while the backlog is above BETA, or while the smoothed loss rate is above `lossTolerance`
 *   (a path that drops without queueing first, such as a policer), halves the window once per
 *   recovery period;
 * - a lone retransmission timeout on an uncongested path is a lost tail and changes nothing; a second
 *   in a row (or one while queueing) halves the window; a third with nothing acknowledged since the
 *   first is persistent congestion and collapses it to the minimum.
 * The window only grows while it is what limits sending, so an idle game connection does not bank
 * a window it never tested.
 *
 * Why not NewReno: at 20 % random loss nearly every round trip holds a loss, so NewReno halves every
 * round and sits at its 2-datagram floor (≈ 100 messages/s over an 80 ms path in the real soak).
 * What this gives up: against loss-based flows sharing a bottleneck it yields (as Vegas does), and
 * behind a policer it loses up to `lossTolerance` of what it sends before backing off.
 */
import type { AckedDatagram, CongestionController } from './congestion-controller.js';

export interface LossTolerantOptions {
  /** The datagram budget, bytes. */
  readonly mtu: number;
  /** Smoothed loss rate (0..1) above which losses count as congestion. Default 0.35. */
  readonly lossTolerance?: number;
  /** Initial window in datagrams. Default 10. */
  readonly initialWindow?: number;
  /** Minimum window in datagrams. Default 2. */
  readonly minimumWindow?: number;
}

/** Backlog thresholds, datagrams (Vegas's alpha, beta and slow-start gamma). */
const ALPHA = 2;
const BETA = 4;
const GAMMA = 1;
/** baseRtt is the minimum over the current and the previous epoch, so a route change ages out. */
const BASE_EPOCH_MS = 10_000;
/** Datagrams a loss-rate sample needs before it moves the smoothed rate. */
const LOSS_SAMPLE = 16;
const LOSS_GAIN = 1 / 4;
const MIN_GAIN = 1 / 4;

export class LossTolerantController implements CongestionController {
  private window: number;
  private threshold = Number.POSITIVE_INFINITY;
  /** Doubling per round: at the start, and after a timeout up to the threshold. */
  private slowStart = true;
  private recoveryStart = Number.NEGATIVE_INFINITY;
  private readonly mtu: number;
  private readonly minimum: number;
  private readonly tolerance: number;
  private baseEpochStart = Number.NEGATIVE_INFINITY;
  private baseCurrent = Number.POSITIVE_INFINITY;
  private basePrevious = Number.POSITIVE_INFINITY;
  /** The round ends when the datagram with this sequence, or a later one, is acknowledged. */
  private roundEnd = 0;
  private roundMin = Number.POSITIVE_INFINITY;
  private backlogValue = 0;
  /** roundMinRtt smoothed over rounds, and its mean deviation: the jitter a queue must stand out of. */
  private smoothedMin = Number.POSITIVE_INFINITY;
  private minDeviation = 0;
  private limitedNow = false;
  private limitedLastRound = false;
  private sampleAcked = 0;
  private sampleLost = 0;
  private lossRateValue = 0;
  private consecutiveTimeouts = 0;
  congestionEvents = 0;
  /** Losses judged random (no queue, loss rate within tolerance): counted, window kept. */
  randomLosses = 0;

  constructor(options: LossTolerantOptions) {
    this.mtu = options.mtu;
    this.window = (options.initialWindow ?? 10) * this.mtu;
    this.minimum = (options.minimumWindow ?? 2) * this.mtu;
    this.tolerance = options.lossTolerance ?? 0.35;
    if (!(this.tolerance > 0 && this.tolerance <= 1)) throw new RangeError(`lossTolerance must be in (0, 1], got ${this.tolerance}`);
  }

  get cwnd(): number {
    return this.window;
  }

  get ssthresh(): number {
    return this.threshold;
  }

  /** Datagrams of our own the last round saw queued on the path. */
  get backlog(): number {
    return this.backlogValue;
  }

  /** The smoothed fraction of datagrams lost. */
  get lossRate(): number {
    return this.lossRateValue;
  }

  get baseRtt(): number {
    return Math.min(this.baseCurrent, this.basePrevious);
  }

  canSend(bytesInFlight: number, bytes: number): boolean {
    // within one datagram of the window counts as window-limited: the next send would not fit
    if (bytesInFlight + bytes + this.mtu > this.window) this.limitedNow = true;
    return bytesInFlight + bytes <= this.window;
  }

  onRttSample(rttMs: number): void {
    if (!(rttMs > 0)) return;
    this.roundMin = Math.min(this.roundMin, rttMs);
  }

  onAcked(now: number, { bytes, sentAt, sequence }: AckedDatagram, nextSequence: number): void {
    this.consecutiveTimeouts = 0;
    this.sampleAcked++;
    if (sequence >= this.roundEnd) this.endRound(now, nextSequence);
    if (sentAt <= this.recoveryStart || !(this.limitedNow || this.limitedLastRound)) return;
    if (this.slowStart && this.window < this.threshold) {
      this.window += bytes;
    } else if (this.backlogValue < ALPHA) {
      this.window += (this.mtu * bytes) / this.window;
    } else if (this.backlogValue > BETA) {
      this.window = Math.max(this.minimum, this.window - (this.mtu * bytes) / this.window);
    }
  }

  onLost(sentAt: number, now: number): void {
    this.sampleLost++;
    if (sentAt <= this.recoveryStart) return;
    if (this.backlogValue <= BETA && this.lossRateValue <= this.tolerance) {
      this.randomLosses++;
      return;
    }
    this.reduce(now, Math.max(this.minimum, this.window / 2));
    this.threshold = this.window;
    this.slowStart = false;
  }

  /** Reordering is not loss: take it back out of the loss-rate sample. */
  onSpuriousLoss(): void {
    // the loss may already be in a folded sample: a negative count carries into the next one
    this.sampleLost--;
    this.sampleAcked++;
  }

  onTimeout(now: number): void {
    this.consecutiveTimeouts++;
    const congested = this.backlogValue > BETA || this.lossRateValue > this.tolerance;
    // On a lossy path a lone timeout is mostly a lost tail (the last datagrams before a pause, or
    // their ACKs): keep the window. A second in a row, or one while queueing, halves it; a third
    // with nothing acknowledged since the first is persistent congestion: the minimum.
    if (this.consecutiveTimeouts === 1 && !congested) return;
    const halved = Math.max(this.minimum, this.window / 2);
    this.reduce(now, this.consecutiveTimeouts >= 3 ? this.minimum : halved);
    this.threshold = halved;
    this.slowStart = this.consecutiveTimeouts >= 3;
  }

  private reduce(now: number, window: number): void {
    this.recoveryStart = now;
    this.congestionEvents++;
    this.window = window;
  }

  private endRound(now: number, nextSequence: number): void {
    if (Number.isFinite(this.roundMin)) {
      if (now - this.baseEpochStart >= BASE_EPOCH_MS) {
        this.basePrevious = this.baseCurrent;
        this.baseCurrent = Number.POSITIVE_INFINITY;
        this.baseEpochStart = now;
      }
      this.baseCurrent = Math.min(this.baseCurrent, this.roundMin);
      if (Number.isFinite(this.smoothedMin)) {
        this.minDeviation += (Math.abs(this.roundMin - this.smoothedMin) - this.minDeviation) * MIN_GAIN;
        this.smoothedMin += (this.roundMin - this.smoothedMin) * MIN_GAIN;
      } else {
        this.smoothedMin = this.roundMin;
      }
      const queueing = Math.max(0, this.smoothedMin - this.baseRtt - 2 * this.minDeviation);
      this.backlogValue = ((this.window / this.mtu) * queueing) / this.smoothedMin;
      // Slow start ends when the path starts to queue, not at the first (possibly random) loss.
      // It doubles the window each round, so it reads this round's minimum, not the smoothed one.
      const rising = Math.max(0, this.roundMin - this.baseRtt - 2 * this.minDeviation);
      if (this.slowStart && ((this.window / this.mtu) * rising) / this.roundMin > GAMMA) {
        this.slowStart = false;
        this.threshold = this.window;
      }
    }
    const samples = this.sampleAcked + this.sampleLost;
    if (samples >= LOSS_SAMPLE) {
      this.lossRateValue += (Math.max(0, this.sampleLost) / samples - this.lossRateValue) * LOSS_GAIN;
      this.sampleAcked = 0;
      this.sampleLost = Math.min(0, this.sampleLost);
    }
    this.limitedLastRound = this.limitedNow;
    this.limitedNow = false;
    this.roundEnd = nextSequence;
    this.roundMin = Number.POSITIVE_INFINITY;
  }
}
