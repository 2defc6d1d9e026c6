/**
 * The real-network soak: a paperclip-net server process and a client process, N messages on
 * 'reliable' and N/10 on 'reliable-unordered' (up to 8 KiB, so some are fragmented), encrypted,
 * across a link that really loses, delays, reorders, duplicates and corrupts datagrams:
 *
 * - `netns-netem`: the server in network namespace A, the client in B, a veth pair between them
 *   with tc netem on both ends (bench/netns.ts): kernel sockets, kernel queues, kernel damage;
 * - `loopback-proxy`: where namespaces or netem are not available, the same two processes on
 *   loopback through LossyUdpProxy with the same loss, delay ± jitter (which also reorders),
 *   duplication and corruption, applied in userspace. The result says which ran, and why.
 *
 * The server checks every byte of every message (real-soak-messages.ts) and its ledger must show
 * 0 lost, 0 duplicated, 0 corrupted and, on 'reliable', 0 out of order.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../lib/native.js';
import { LossyUdpProxy } from '../lib/transport/lossy-proxy.js';
import { SeededRandom } from '../lib/protocol/seeded-random.js';
import { ChildLines } from './child-lines.js';
import {
  createNamespacePair, DEFAULT_REAL_CONDITIONS, NetnsUnavailableError, qdiscStats, udpChecksumErrors,
  type NamespacePair, type NetemConditions, type QdiscStats,
} from './netns.js';
import type { ChildLine, EngineDrops, StatsSnapshot, StreamResult } from './real-soak-messages.js';

export type RealLink = 'netns-netem' | 'netns-clean' | 'loopback-proxy';

export interface RealSoakOptions {
  /** Messages on 'reliable'. */
  readonly messages: number;
  /** Messages on 'reliable-unordered'. Default messages / 10. */
  readonly unordered?: number;
  readonly conditions?: NetemConditions;
  readonly seed?: number;
  /** Messages the client may run ahead of the server's progress reports. Default 2048. */
  readonly window?: number;
  /**
   * 'auto' (default): namespaces + netem, else the proxy. 'netns': namespaces or throw.
   * 'proxy': the proxy only. 'netns-clean': namespaces without netem (tests the plumbing).
   */
  readonly link?: 'auto' | 'netns' | 'proxy' | 'netns-clean';
  /** Whole run, ms. Default 120 s + 20 ms per message. */
  readonly timeoutMs?: number;
  /**
   * Fail when the delivered count has not moved for this long, ms (default 60 s): a wedged
   * connection should fail a 10^6-message run in a minute, not at its timeout hours later.
   */
  readonly stallMs?: number;
  /** Every child line as it arrives (the client reports progress every 5 s). */
  readonly onLine?: (line: ChildLine) => void;
}

export interface Injected {
  /** netem: per direction, datagrams the qdisc sent and dropped (its loss). */
  readonly a_to_b?: QdiscStats;
  readonly b_to_a?: QdiscStats;
  /** netem's corruption mostly lands where the kernel's UDP checksum discards it. */
  readonly udp_checksum_errors?: number;
  /** proxy: its own counters, both directions together. */
  readonly forwarded?: number;
  readonly dropped?: number;
  readonly duplicated?: number;
  readonly corrupted?: number;
}

export interface RealSoakResult {
  readonly link: RealLink;
  /** Why the namespaces were not used (link 'loopback-proxy' under 'auto'). */
  readonly fallback_reason?: string;
  readonly conditions: NetemConditions;
  readonly messages: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly corrupted: number;
  readonly out_of_order: number;
  readonly reliable: StreamResult;
  readonly reliable_unordered: StreamResult;
  readonly elapsed_s: number;
  readonly messages_per_s: number;
  readonly payload_mb_per_s: number;
  readonly handshake_ms: number;
  readonly handshake_attempts: number;
  readonly injected: Injected;
  readonly client: StatsSnapshot | undefined;
  readonly server: StatsSnapshot | undefined;
  /** The server's native engine: datagrams it dropped in C++ (absent on node:dgram). */
  readonly server_engine?: EngineDrops;
}

const script = (name: string): string => join(packageRoot, 'dist', 'bench', name);

/** Proxy settings equivalent to netem's: uniform jitter over the same ± range. */
function proxyFor(conditions: NetemConditions, seed: number, target: number): { proxy: Promise<LossyUdpProxy>; corrupted: () => number } {
  const rng = new SeededRandom(seed ^ 0x5a5a5a5a);
  let corrupted = 0;
  const proxy = LossyUdpProxy.start({
    target: { host: '127.0.0.1', port: target },
    loss: conditions.lossPercent / 100,
    duplicate: conditions.duplicatePercent / 100,
    latencyMs: Math.max(0, conditions.delayMs - conditions.jitterMs),
    jitterMs: 2 * conditions.jitterMs,
    seed,
    // The proxy has no corruption of its own; its drop hook sees the datagram before it is
    // forwarded, so flipping a bit there (and keeping it) is corruption on the wire.
    drop: (_direction, bytes) => {
      if (bytes.length > 0 && rng.chance(conditions.corruptPercent / 100)) {
        const at = rng.int(0, bytes.length - 1);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << rng.int(0, 7));
        corrupted++;
      }
      return false;
    },
  });
  return { proxy, corrupted: () => corrupted };
}

export async function runRealSoak(options: RealSoakOptions): Promise<RealSoakResult> {
  const conditions = options.conditions ?? DEFAULT_REAL_CONDITIONS;
  const seed = options.seed ?? 1;
  const unordered = options.unordered ?? Math.floor(options.messages / 10);
  const timeoutMs = options.timeoutMs ?? 120_000 + 20 * (options.messages + unordered);
  const mode = options.link ?? 'auto';
  let pair: NamespacePair | undefined;
  let fallbackReason: string | undefined;
  if (mode !== 'proxy') {
    try {
      pair = createNamespacePair(mode === 'netns-clean' ? null : conditions);
    } catch (err) {
      if (!(err instanceof NetnsUnavailableError) || mode !== 'auto') throw err;
      fallbackReason = err.reason;
    }
  }
  const link: RealLink = pair === undefined ? 'loopback-proxy' : mode === 'netns-clean' ? 'netns-clean' : 'netns-netem';
  const children: ChildLines[] = [];
  let proxy: LossyUdpProxy | undefined;
  let timer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let delivered = 0;
  let advancedAt = Date.now();
  const stallMs = options.stallMs ?? 60_000;
  try {
    const start = (name: string, argv: string[]): ChildLines => {
      const full = [process.execPath, ...argv];
      const ns = name === 'server' ? pair?.a : pair?.b;
      const { command, args } = pair !== undefined && ns !== undefined ? pair.exec(ns, full) : { command: full[0] as string, args: full.slice(1) };
      const child = new ChildLines(name, spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] }), (line) => {
        if (line.event === 'connected') advancedAt = Date.now();
        if (line.event === 'progress' && line.reliable + line.unordered > delivered) {
          delivered = line.reliable + line.unordered;
          advancedAt = Date.now();
        }
        options.onLine?.(line);
      });
      children.push(child);
      return child;
    };
    const common = ['--messages', String(options.messages), '--unordered', String(unordered), '--seed', String(seed)];
    const serverHost = pair?.addressA ?? '127.0.0.1';
    const server = start('server', [script('real-soak-server.js'), '--host', serverHost, ...common]);
    const { port } = await server.next('listening');
    let target = port;
    let corrupted = (): number => 0;
    if (pair === undefined) {
      const p = proxyFor(conditions, seed, port);
      proxy = await p.proxy;
      corrupted = p.corrupted;
      target = proxy.port;
    }
    const client = start('client', [script('real-soak-client.js'), '--host', serverHost, '--port', String(target), '--window', String(options.window ?? 2048), ...common]);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`real soak: no result within ${timeoutMs} ms`)), timeoutMs);
      advancedAt = Date.now();
      watchdog = setInterval(() => {
        if (Date.now() - advancedAt > stallMs) reject(new Error(`real soak: stalled at ${delivered} delivered messages for ${stallMs} ms`));
      }, 1000);
    });
    const [connected, clientResult, serverResult] = await Promise.race([
      Promise.all([client.next('connected'), client.next('client-result'), server.next('server-result')]),
      timeout,
    ]);
    // both leave by themselves once the client's disconnect is acknowledged
    await Promise.race([Promise.all(children.map((c) => c.exited)), new Promise((r) => setTimeout(r, 10_000))]);
    const injected: Injected =
      pair !== undefined
        ? { a_to_b: qdiscStats(pair.a, pair.devA), b_to_a: qdiscStats(pair.b, pair.devB), udp_checksum_errors: (udpChecksumErrors(pair.a) ?? 0) + (udpChecksumErrors(pair.b) ?? 0) }
        : { forwarded: proxy?.stats.forwarded, dropped: proxy?.stats.dropped, duplicated: proxy?.stats.duplicated, corrupted: corrupted() };
    const s = serverResult.result;
    const elapsed = clientResult.result.elapsed_ms / 1000;
    const total = options.messages + unordered;
    return {
      link,
      ...(fallbackReason === undefined ? {} : { fallback_reason: fallbackReason }),
      conditions,
      messages: total,
      lost: s.reliable.lost + s.reliable_unordered.lost,
      duplicated: s.reliable.duplicated + s.reliable_unordered.duplicated,
      corrupted: s.reliable.corrupted + s.reliable_unordered.corrupted + s.unattributed_corrupt,
      out_of_order: s.reliable.out_of_order,
      reliable: s.reliable,
      reliable_unordered: s.reliable_unordered,
      elapsed_s: elapsed,
      messages_per_s: total / elapsed,
      payload_mb_per_s: s.payload_bytes / 1e6 / elapsed,
      handshake_ms: connected.handshake_ms,
      handshake_attempts: connected.attempts,
      injected,
      client: clientResult.result.stats,
      server: s.stats,
      ...(s.engine === undefined ? {} : { server_engine: s.engine }),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (watchdog !== undefined) clearInterval(watchdog);
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.exited));
    await proxy?.close();
    pair?.destroy();
  }
}
