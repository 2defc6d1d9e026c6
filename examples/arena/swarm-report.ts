/**
 * One run's result: a row per bot and a total row. In the total, RTT mean and p99 are over all
 * bots' samples pooled, jitter, snapshot and input rates are per-bot means (what one player sees),
 * snapshot loss is pooled (all missed / all expected), transport loss is the per-bot mean, and
 * bandwidth is summed (what the server's link carries).
 */
import type { LossyProxyStats } from '../../lib/transport/lossy-proxy.js';
import type { ClientReport } from './client-metrics.js';
import { mean, percentile } from './sample-statistics.js';
import type { ServerSummary } from './server-summary.js';

export interface BotRow extends ClientReport {
  readonly bot: number;
}

export interface TotalRow {
  readonly bots: number;
  readonly rttMeanMs: number;
  readonly rttP99Ms: number;
  readonly jitterMs: number;
  readonly snapshotHz: number;
  readonly inputHz: number;
  readonly snapshotLossPct: number;
  readonly transportLossPct: number;
  readonly inKBps: number;
  readonly outKBps: number;
  readonly badSnapshots: number;
}

export interface CpuUsage {
  /** Percent of one core, this process (every thread: bots, and the server and proxy when here), over the window. */
  readonly userPct: number;
  readonly systemPct: number;
  /** Share of the window the bots' event loop (the main thread) was busy. */
  readonly eventLoopPct: number;
}


export interface SwarmReport {
  readonly seconds: number;
  readonly clients: readonly BotRow[];
  readonly total: TotalRow;
  readonly cpu: CpuUsage;
  /** Present when the server ran in this process, on its own thread (its CPU is then in `cpu` too). */
  readonly server?: ServerSummary;
  readonly proxy?: LossyProxyStats;
  readonly handshakeRetries: number;
}

export interface SwarmInput {
  readonly seconds: number;
  readonly bots: readonly { readonly report: ClientReport; readonly rttSamples: readonly number[] }[];
  readonly cpu: CpuUsage;
  readonly server?: ServerSummary;
  readonly proxy?: LossyProxyStats;
  readonly handshakeRetries: number;
}

export function summarizeSwarm(input: SwarmInput): SwarmReport {
  const clients = input.bots.map((b, bot) => ({ bot, ...b.report }));
  const pooled = input.bots.flatMap((b) => b.rttSamples);
  let missed = 0;
  let expected = 0;
  for (const c of clients) {
    missed += c.snapshotsMissed;
    expected += c.snapshotsMissed + c.snapshotsReceived;
  }
  const sum = (f: (c: BotRow) => number): number => clients.reduce((s, c) => s + f(c), 0);
  const total: TotalRow = {
    bots: clients.length,
    rttMeanMs: mean(pooled),
    rttP99Ms: percentile(pooled, 0.99),
    jitterMs: mean(finite(clients.map((c) => c.jitterMs))),
    snapshotHz: mean(clients.map((c) => c.snapshotHz)),
    inputHz: mean(clients.map((c) => c.inputHz)),
    snapshotLossPct: expected === 0 ? Number.NaN : (100 * missed) / expected,
    transportLossPct: mean(finite(clients.map((c) => c.transportLossPct))),
    inKBps: sum((c) => c.inKBps),
    outKBps: sum((c) => c.outKBps),
    badSnapshots: sum((c) => c.badSnapshots),
  };
  const report: SwarmReport = { seconds: input.seconds, clients, total, cpu: input.cpu, handshakeRetries: input.handshakeRetries };
  return {
    ...report,
    ...(input.server === undefined ? {} : { server: input.server }),
    ...(input.proxy === undefined ? {} : { proxy: { ...input.proxy } }),
  };
}


function finite(xs: readonly number[]): number[] {
  return xs.filter((x) => Number.isFinite(x));
}
