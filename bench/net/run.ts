/**
 * One `npm run bench:net` run: build the C programs, then for every implementation, size and mode
 * start a fresh server, point the shared load generator at it, sample the server's CPU and RSS
 * over the measured window, and stop it. Cases run one after another, never concurrently, so on
 * a 2-core machine the server and the generator have a core each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeSessions } from './paperclip-sessions.js';
import { runSections, type Section, type SectionReport } from './sections.js';
import { buildC, ENET_APT } from './build.js';
import { probeGsoGro } from './gso.js';
import { runLoadgen, type LoadgenCase } from './loadgen.js';
import { SERVER_KINDS } from './servers.js';
import type { BenchContext, LoadgenResult, Mode, NetRow, ServerKind } from './types.js';

export interface NetBenchOptions {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly clients: number;
  readonly window: number;
  /** Messages per second over all clients; 0 = closed loop. */
  readonly rate: number;
  readonly lossTimeoutMs: number;
  readonly sizes: readonly number[];
  readonly modes: readonly Mode[];
  /** Implementations to run (SERVER_KINDS names); all when empty. */
  readonly impls: readonly string[];
  /** Extra sections after the table (sections.ts), with their parameters. */
  readonly sections: readonly Section[];
  readonly latencyRate: number;
  readonly garbageRate: number;
  readonly connections: number;
  /** Called with one line per case as it finishes. */
  readonly progress?: (line: string) => void;
}

/** Everything the generator said about one case, for notes and tests. */
export interface CaseDetail {
  readonly impl: string;
  readonly size: number;
  readonly mode: Mode;
  readonly loadgen: LoadgenResult;
  readonly serverExit: Record<string, unknown> | null;
}

export interface NetReport {
  readonly rows: NetRow[];
  readonly details: CaseDetail[];
  readonly notes: string[];
  readonly failures: string[];
  readonly options: NetBenchOptions;
  readonly sections: SectionReport;
}

/** Fresh handshakes for one paperclip case (sessions are single-use: counters start at 0). */
async function paperclipSessions(port: number, clients: number): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'paperclip-bench-')), 'sessions.txt');
  await writeSessions(path, port, clients);
  return path;
}

/** A generator using this much of its core was probably the bottleneck, not the server. */
const GENERATOR_BOUND_PCT = 90;

async function runCase(kind: ServerKind, ctx: BenchContext, o: NetBenchOptions, size: number, mode: Mode): Promise<CaseDetail & { row: NetRow }> {
  const server = await kind.start(ctx);
  let stopped = false;
  let sessions: string | undefined;
  try {
    const c: LoadgenCase = {
      protocol: kind.protocol,
      port: server.port,
      size,
      mode,
      clients: o.clients,
      window: o.window,
      durationSec: o.durationSec,
      warmupSec: o.warmupSec,
      rate: o.rate,
      lossTimeoutMs: o.lossTimeoutMs,
      ...(kind.protocol === 'paperclip' ? { sessions: await paperclipSessions(server.port, o.clients) } : {}),
    };
    sessions = c.sessions;
    const run = await runLoadgen(ctx.binDir, server.pid, c);
    stopped = true;
    const serverExit = await server.stop();
    const r = run.result;
    const row: NetRow = {
      impl: kind.impl,
      size,
      mode,
      encrypted: kind.encrypted,
      msgs_per_sec: r.msgs_per_sec,
      p50_us: r.p50_us,
      p99_us: r.p99_us,
      rss_mb: Math.round(run.serverRssMb * 100) / 100,
      cpu_pct: Math.round(run.serverCpuPct * 10) / 10,
    };
    return { impl: kind.impl, size, mode, loadgen: r, serverExit, row };
  } finally {
    // On any failure above, still take the server down (its own error, if any, is secondary).
    if (!stopped) await server.stop().catch(() => undefined);
    if (sessions !== undefined) rmSync(dirname(sessions), { recursive: true, force: true });
  }
}

function caseNotes(d: CaseDetail): string[] {
  const label = `${d.impl} ${d.size} B ${d.mode}`;
  const r = d.loadgen;
  const notes: string[] = [];
  if (r.lost > 0) {
    notes.push(`${label}: ${r.lost} of ${r.sent} messages lost (${((100 * r.lost) / r.sent).toFixed(2)} %), ${r.late} echoed after the loss timeout`);
  }
  if (r.gen_cpu_pct >= GENERATOR_BOUND_PCT) {
    notes.push(`${label}: the load generator used ${r.gen_cpu_pct.toFixed(0)} % of a core, so it may be the bottleneck`);
  }
  // paperclip-echo reports messages and its engine's datagram count (native path only)
  const engine = d.serverExit?.engine as Record<string, unknown> | undefined;
  const rx = d.serverExit?.rx ?? d.serverExit?.messages;
  const datagrams = d.serverExit?.datagrams_rx ?? engine?.datagramsIn;
  if (typeof rx === 'number' && typeof datagrams === 'number' && datagrams > 0 && rx / datagrams > 1.05) {
    const perDatagram = rx / datagrams;
    notes.push(
      `${label}: ${perDatagram.toFixed(1)} messages per datagram received (the protocol coalesces; raw echoes are 1), ` +
        `so ≈ ${Math.round(d.loadgen.msgs_per_sec / perDatagram).toLocaleString('en-US')} datagrams/s each way`,
    );
  }
  if (r.rate_shortfall > 0) notes.push(`${label}: the server fell behind the target rate by ${r.rate_shortfall} messages`);
  return notes;
}

export async function runNetBench(o: NetBenchOptions): Promise<NetReport> {
  const build = buildC();
  const ctx: BenchContext = {
    binDir: build.binDir,
    jsDir: join(build.root, 'dist', 'bench', 'net'),
    enetAvailable: build.enetAvailable,
  };
  const notes: string[] = [probeGsoGro(build.binDir)];
  const failures: string[] = [];
  const rows: NetRow[] = [];
  const details: CaseDetail[] = [];
  const kinds = SERVER_KINDS.filter((k) => o.impls.length === 0 || o.impls.includes(k.impl));
  if (o.modes.includes('reliable')) {
    const unreliableOnly = kinds.filter((k) => !k.modes.includes('reliable')).map((k) => k.impl);
    if (unreliableOnly.length > 0) {
      notes.push(`${unreliableOnly.join(', ')}: no protocol, so no reliable rows (their 'unreliable' is a plain datagram echo)`);
    }
  }

  for (const kind of kinds) {
    const reason = kind.unavailable(ctx);
    if (reason !== null) {
      notes.push(`${kind.impl}: SKIPPED, ${reason}`);
      if (kind.impl === 'enet' && process.env.CI === 'true') failures.push(`enet skipped on CI: ${ENET_APT} in .ci/run`);
      continue;
    }
    for (const size of o.sizes) {
      for (const mode of o.modes.filter((m) => kind.modes.includes(m))) {
        try {
          const d = await runCase(kind, ctx, o, size, mode);
          rows.push(d.row);
          details.push(d);
          notes.push(...caseNotes(d));
          if (d.loadgen.bad > 0) failures.push(`${d.impl} ${size} B ${mode}: ${d.loadgen.bad} malformed echoes`);
          o.progress?.(
            `${kind.impl} ${size} B ${mode}: ${Math.round(d.row.msgs_per_sec).toLocaleString('en-US')} msgs/s, ` +
              `p50 ${d.row.p50_us} µs, p99 ${d.row.p99_us} µs, server CPU ${d.row.cpu_pct} %`,
          );
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          failures.push(`${kind.impl} ${size} B ${mode}: ${message}`);
          o.progress?.(`${kind.impl} ${size} B ${mode}: FAILED ${message}`);
        }
      }
    }
  }
  let sections: SectionReport = {};
  if (o.sections.length > 0) {
    if (kinds.length > 0 && SERVER_KINDS.find((k) => k.impl === 'paperclip-native')?.unavailable(ctx) === null) {
      try {
        sections = await runSections(ctx, o, o.sections, o.progress);
      } catch (err) {
        failures.push(`sections: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else {
      notes.push('sections skipped: paperclip-native is not available here');
    }
  }
  return { rows, details, notes, failures, options: o, sections };
}
