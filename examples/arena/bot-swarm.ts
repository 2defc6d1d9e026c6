/**
 * N arena bots in one process, wandering at random and sending input at 60 Hz from one shared
 * loop (one timer for all, not one per bot). Without a `server` it starts an ArenaServer in this
 * process on 127.0.0.1, on its own worker thread (arena-server-thread.ts says why); with `link`
 * damage a LossyUdpProxy, also on a thread of its own, sits between the bots and the server,
 * which then sees each bot as the proxy's upstream socket for it.
 *
 * Lifecycle: start() connects everyone (or cleans up and throws one clear error), measure()
 * opens the measurement window after the handshakes, run() waits, report() reads the window,
 * close() disconnects every bot gracefully, then the proxy and the server.
 */
import { ArenaClient } from './arena-client.js';
import { ArenaServerThread } from './arena-server-thread.js';
import { TICK_HZ } from './arena-rules.js';
import { FixedRateLoop } from './fixed-rate-loop.js';
import { ProxyThread } from './proxy-thread.js';
import { summarizeSwarm, type SwarmReport } from './swarm-report.js';
import { WanderInput } from './wander-input.js';

export interface LinkDamage {
  /** 0..100, each direction. */
  readonly lossPercent: number;
  /** Mean one-way delay added, each direction. */
  readonly delayMs: number;
  /** Delay varies uniformly within ± jitterMs (which also reorders). */
  readonly jitterMs: number;
}

export interface BotSwarmOptions {
  readonly count: number;
  /** An arena server elsewhere; default one in this process on 127.0.0.1, an ephemeral port. */
  readonly server?: { readonly host: string; readonly port: number };
  /** Snapshot rate of the in-process server. Default 20. */
  readonly snapshotHz?: number;
  readonly link?: LinkDamage;
  /** Seeds the bots' wandering and the proxy. Default 1. */
  readonly seed?: number;
  /** Handshake timeout per bot. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Handshakes in flight at once. Default 16. */
  readonly connectConcurrency?: number;
}

export interface SwarmProgress {
  readonly elapsedSeconds: number;
  readonly seconds: number;
  readonly connected: number;
  readonly snapshots: number;
}

export interface Bot {
  readonly index: number;
  readonly client: ArenaClient;
  readonly input: WanderInput;
}

export class BotSwarm {
  /** false: every bot holds still (tests use it to bring the world to rest). */
  steering = true;
  /** Handshakes that failed and were tried again while connecting. */
  handshakeRetries = 0;
  /**
   * No catch-up: an input is the stick's state, so after a stall one input says everything the
   * missed ones would have, and replaying them only deepens the stall.
   */
  private readonly loop = new FixedRateLoop(TICK_HZ, () => this.sendInputs(), 1);
  private window = { startMs: 0, cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };

  private constructor(
    readonly bots: readonly Bot[],
    /** The in-process server (on its own thread), when no `server` address was given. */
    readonly server: ArenaServerThread | undefined,
    readonly proxy: ProxyThread | undefined,
    /** "host:port" of the arena server (not the proxy). */
    readonly serverAddress: string,
  ) {}

  static async start(options: BotSwarmOptions): Promise<BotSwarm> {
    if (!Number.isInteger(options.count) || options.count < 1) throw new RangeError(`count must be a positive integer, got ${options.count}`);
    const seed = options.seed ?? 1;
    let server: ArenaServerThread | undefined;
    let proxy: ProxyThread | undefined;
    const bots: Bot[] = [];
    let swarm: BotSwarm | undefined;
    try {
      if (options.server === undefined) {
        server = await ArenaServerThread.start({ snapshotHz: options.snapshotHz, transport: { host: '127.0.0.1', port: 0, maxConnections: options.count + 16 } });
      }
      const target = options.server ?? server?.address ?? { host: '127.0.0.1', port: 0 };
      const damaged = options.link !== undefined && (options.link.lossPercent > 0 || options.link.delayMs > 0 || options.link.jitterMs > 0);
      if (damaged && options.link !== undefined) proxy = await startProxy(target, options.link, seed);
      const via = proxy === undefined ? target : { host: '127.0.0.1', port: proxy.port };
      swarm = new BotSwarm(bots, server, proxy, `${target.host}:${target.port}`);
      // inputs flow as soon as each bot is in: its acknowledgements then start its deltas, where
      // a bot left silent until the last handshake would be sent full snapshots until then
      swarm.loop.start();
      swarm.handshakeRetries = await connectAll(options, via, seed, bots, swarm.serverAddress, damaged);
      swarm.measure();
      return swarm;
    } catch (err) {
      swarm?.loop.stop();
      await Promise.allSettled(bots.map((b) => b.client.close()));
      await proxy?.close();
      await server?.close();
      throw err;
    }
  }

  get connectedCount(): number {
    let n = 0;
    for (const b of this.bots) if (b.client.isConnected) n++;
    return n;
  }

  /** Starts a new measurement window for every bot and for this process's CPU. */
  measure(): void {
    const now = performance.now();
    for (const b of this.bots) b.client.metrics.reset(now, b.client.transportStats);
    this.server?.measure();
    this.window = { startMs: now, cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
  }

  /** Resolves after `seconds`, or early (false) when `signal` aborts; `onProgress` about once a second. */
  run(seconds: number, signal?: AbortSignal, onProgress?: (p: SwarmProgress) => void): Promise<boolean> {
    const started = performance.now();
    return new Promise<boolean>((resolve) => {
      const progress = setInterval(() => onProgress?.(this.progress(started, seconds)), 1000);
      const finish = (completed: boolean): void => {
        clearTimeout(done);
        clearInterval(progress);
        signal?.removeEventListener('abort', abort);
        resolve(completed);
      };
      const done = setTimeout(() => finish(true), seconds * 1000);
      const abort = (): void => finish(false);
      if (signal?.aborted === true) finish(false);
      else signal?.addEventListener('abort', abort);
    });
  }

  async report(): Promise<SwarmReport> {
    const now = performance.now();
    const seconds = (now - this.window.startMs) / 1000;
    const cpu = process.cpuUsage(this.window.cpu);
    const elu = performance.eventLoopUtilization(this.window.elu);
    return summarizeSwarm({
      seconds,
      bots: this.bots.map((b) => ({ report: b.client.metrics.report(now, b.client.transportStats), rttSamples: b.client.metrics.rttSamples })),
      cpu: { userPct: cpu.user / 10 / (seconds * 1000), systemPct: cpu.system / 10 / (seconds * 1000), eventLoopPct: 100 * elu.utilization },
      server: await this.server?.summary(),
      proxy: this.proxy?.stats,
      handshakeRetries: this.handshakeRetries,
    });
  }

  /** Every bot says goodbye (2.2, acknowledged or timed out), then the proxy and the server stop. */
  async close(): Promise<void> {
    this.loop.stop();
    await Promise.allSettled(this.bots.map((b) => b.client.close()));
    await this.proxy?.close();
    await this.server?.close();
  }

  private sendInputs(): void {
    for (const b of this.bots) {
      const stick = this.steering ? b.input.next() : { moveX: 0, moveY: 0 };
      b.client.sendInput(stick.moveX, stick.moveY);
    }
  }

  private progress(started: number, seconds: number): SwarmProgress {
    let snapshots = 0;
    for (const b of this.bots) snapshots += b.client.stats.snapshotsApplied;
    return { elapsedSeconds: (performance.now() - started) / 1000, seconds, connected: this.connectedCount, snapshots };
  }
}

function startProxy(target: { host: string; port: number }, link: LinkDamage, seed: number): Promise<ProxyThread> {
  // the proxy draws each delay uniformly in [latency, latency + jitter): centre it on delayMs
  const jitter = Math.min(link.jitterMs, link.delayMs);
  return ProxyThread.start({
    target,
    loss: link.lossPercent / 100,
    latencyMs: link.delayMs - jitter,
    jitterMs: 2 * jitter,
    seed,
  });
}

/** Attempts per bot: a handshake whose flights a damaged link kept losing gets another go. */
const CONNECT_ATTEMPTS = 3;

/**
 * Connects `count` bots, `connectConcurrency` handshakes at a time. A failed handshake is retried
 * (up to CONNECT_ATTEMPTS) when the link is damaged on purpose or another bot already got in:
 * at 10 % loss each way one of a hundred handshakes running out of retransmissions within its
 * timeout is likely, and is not the server being unreachable. Otherwise the first failure ends it.
 * Returns the number of retries.
 */
async function connectAll(
  options: BotSwarmOptions,
  via: { host: string; port: number },
  seed: number,
  bots: Bot[],
  serverAddress: string,
  damaged: boolean,
): Promise<number> {
  const transport = { handshakeTimeoutMs: options.connectTimeoutMs ?? 5000 };
  let next = 0;
  let retries = 0;
  const connectOne = async (): Promise<ArenaClient> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ArenaClient.connect(via.host, via.port, { transport });
      } catch (err) {
        if (attempt >= CONNECT_ATTEMPTS || (!damaged && bots.length === 0)) {
          throw new Error(`cannot reach arena server at ${serverAddress}: ${err instanceof Error ? err.message : String(err)}`);
        }
        retries++;
      }
    }
  };
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const index = next++;
      const client = await connectOne();
      bots.push({ index, client, input: new WanderInput(seed * 100_003 + index) });
    }
  };
  const workers = Array.from({ length: Math.min(options.count, options.connectConcurrency ?? 16) }, worker);
  const results = await Promise.allSettled(workers);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  bots.sort((a, b) => a.index - b.index);
  return retries;
}
