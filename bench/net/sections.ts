/**
 * The extra sections of `npm run bench:net` (issue 6 §5 and "Bad input"), each against
 * paperclip-native with encryption on:
 * - latency: p50/p99 RTT at a fixed offered load (default 50k msgs/s, 64 B), paperclip reliable
 *   next to the C raw echo's unreliable; "added p99" is the difference;
 * - garbage: the 64 B reliable closed-loop case alone, then again while a second generator sends
 *   datagrams from unknown sources at a fixed rate (dropped in C++ without waking JS); the ratio
 *   is what legitimate traffic keeps;
 * - scale: `connections` live encrypted connections on one server (scale.ts).
 */
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { loadgenArgs, runLoadgen, type LoadgenCase, type LoadgenRun } from './loadgen.js';
import { writeSessions } from './paperclip-sessions.js';
import { startJsonServer } from './proc.js';
import { runScale, type ScaleResult } from './scale.js';
import type { BenchContext, StartedServer } from './types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const SECTIONS = ['latency', 'garbage', 'scale'] as const;
export type Section = (typeof SECTIONS)[number];

export interface SectionOptions {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly clients: number;
  readonly window: number;
  readonly latencyRate: number;
  readonly garbageRate: number;
  readonly connections: number;
}

export interface LatencyRow {
  readonly impl: string;
  readonly mode: string;
  readonly rate: number;
  readonly msgs_per_sec: number;
  readonly p50_us: number;
  readonly p99_us: number;
}

export interface SectionReport {
  readonly latency?: { readonly rows: LatencyRow[]; readonly added_p99_us: number };
  readonly garbage?: {
    readonly alone_msgs_per_sec: number;
    readonly with_garbage_msgs_per_sec: number;
    readonly garbage_offered_pps: number;
    readonly garbage_dropped: number;
    readonly garbage_reached_js: number;
  };
  readonly scale?: ScaleResult;
}

const paperclipServer = (ctx: BenchContext): Promise<StartedServer> =>
  startJsonServer('paperclip-native', process.execPath, [join(ctx.jsDir, 'paperclip-echo.js'), '--io', 'native', '--host', '127.0.0.1', '--port', '0']);

async function withSessions<T>(port: number, clients: number, run: (sessions: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'paperclip-bench-'));
  try {
    const sessions = join(dir, 'sessions.txt');
    await writeSessions(sessions, port, clients);
    return await run(sessions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function baseCase(o: SectionOptions, port: number): LoadgenCase {
  return { protocol: 'raw', port, size: 64, mode: 'unreliable', clients: o.clients, window: o.window, durationSec: o.durationSec, warmupSec: o.warmupSec, rate: 0, lossTimeoutMs: 200 };
}

async function latency(ctx: BenchContext, o: SectionOptions): Promise<NonNullable<SectionReport['latency']>> {
  const rows: LatencyRow[] = [];
  // a deep window so the offered rate, not the window, sets the load
  const window = Math.max(o.window, 64);
  const raw = await startJsonServer('c-raw', join(ctx.binDir, 'raw_echo'), ['--host', '127.0.0.1', '--port', '0']);
  try {
    const r = await runLoadgen(ctx.binDir, raw.pid, { ...baseCase(o, raw.port), window, rate: o.latencyRate });
    rows.push({ impl: 'c-raw', mode: 'unreliable', rate: o.latencyRate, msgs_per_sec: r.result.msgs_per_sec, p50_us: r.result.p50_us, p99_us: r.result.p99_us });
  } finally {
    await raw.stop();
  }
  const server = await paperclipServer(ctx);
  try {
    const r = await withSessions(server.port, o.clients, (sessions) =>
      runLoadgen(ctx.binDir, server.pid, { ...baseCase(o, server.port), protocol: 'paperclip', mode: 'reliable', window, rate: o.latencyRate, sessions }),
    );
    rows.push({ impl: 'paperclip-native', mode: 'reliable', rate: o.latencyRate, msgs_per_sec: r.result.msgs_per_sec, p50_us: r.result.p50_us, p99_us: r.result.p99_us });
  } finally {
    await server.stop();
  }
  return { rows, added_p99_us: Math.round(((rows[1]?.p99_us ?? Number.NaN) - (rows[0]?.p99_us ?? Number.NaN)) * 10) / 10 };
}

async function measured(ctx: BenchContext, o: SectionOptions, garbageRate: number): Promise<{ run: LoadgenRun; exit: Record<string, unknown> | null }> {
  const server = await paperclipServer(ctx);
  let blaster: ReturnType<typeof spawn> | undefined;
  try {
    const run = await withSessions(server.port, o.clients, async (sessions) => {
      if (garbageRate > 0) {
        // the raw generator's datagrams come from sockets the server never handshook with
        const c: LoadgenCase = { ...baseCase(o, server.port), clients: 16, window: 1024, rate: garbageRate, durationSec: o.durationSec + o.warmupSec + 2, warmupSec: 0, lossTimeoutMs: 50 };
        blaster = spawn(join(ctx.binDir, 'loadgen'), loadgenArgs(c), { stdio: 'ignore' });
      }
      return runLoadgen(ctx.binDir, server.pid, { ...baseCase(o, server.port), protocol: 'paperclip', mode: 'reliable', sessions });
    });
    blaster?.kill('SIGKILL');
    return { run, exit: await server.stop() };
  } finally {
    blaster?.kill('SIGKILL');
    await server.stop().catch(() => undefined);
  }
}

async function garbage(ctx: BenchContext, o: SectionOptions): Promise<NonNullable<SectionReport['garbage']>> {
  const alone = await measured(ctx, o, 0);
  const attacked = await measured(ctx, o, o.garbageRate);
  const engine = (attacked.exit?.engine ?? {}) as Record<string, number>;
  const aloneEngine = (alone.exit?.engine ?? {}) as Record<string, number>;
  return {
    alone_msgs_per_sec: alone.run.result.msgs_per_sec,
    with_garbage_msgs_per_sec: attacked.run.result.msgs_per_sec,
    garbage_offered_pps: o.garbageRate,
    garbage_dropped: engine.unknownSource ?? 0,
    // raw entries reach JS; strangers' non-HELLO datagrams must not add any beyond the handshakes'
    garbage_reached_js: Math.max(0, (engine.raw ?? 0) - (aloneEngine.raw ?? 0)),
  };
}

export async function runSections(ctx: BenchContext, o: SectionOptions, which: readonly Section[], progress?: (line: string) => void): Promise<SectionReport> {
  const report: { -readonly [K in keyof SectionReport]: SectionReport[K] } = {};
  if (which.includes('latency')) {
    report.latency = await latency(ctx, o);
    progress?.(`latency at ${o.latencyRate} msgs/s: added p99 ${report.latency.added_p99_us} µs`);
  }
  if (which.includes('garbage')) {
    report.garbage = await garbage(ctx, o);
    progress?.(`garbage at ${o.garbageRate} pps: ${Math.round(report.garbage.with_garbage_msgs_per_sec)} vs ${Math.round(report.garbage.alone_msgs_per_sec)} msgs/s`);
  }
  if (which.includes('scale')) report.scale = await runScale(join(ctx.jsDir, 'paperclip-echo.js'), o.connections, 128, progress);
  return report;
}
