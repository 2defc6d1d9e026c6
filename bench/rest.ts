/**
 * The accounts service's HTTP API under load, next to a Fastify hello-world in the same run: the
 * ratio is what matters, the absolute numbers move with the (shared, 2-core) machine. Each server
 * runs in its own child process; autocannon drives them from this one.
 *
 * Only 2xx responses count as throughput; anything else is reported per case.
 */
import type autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { helloSpec, Pool, registerSpec, tokenSpec, type CaseName, type LoadSpec } from './rest-cases.js';
import { ServerChild } from './rest-children.js';
import { measureLobbyFind } from './rest-lobby.js';
import { CaseRunner, okRate, seed } from './rest-runner.js';
import { renderTable } from './table.js';

export interface RestOptions {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly connections: number;
  /** In run order (CASE_NAMES); a ratio needs 'hello'. */
  readonly cases: readonly CaseName[];
  readonly progress: boolean;
  /** Write a CPU profile of the service child here (node --cpu-prof). */
  readonly cpuProfDir?: string;
}

export interface RestRow {
  readonly suite: 'rest';
  readonly case: CaseName;
  readonly impl: string;
  /** 2xx responses per second. */
  readonly req_per_sec: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** null when hello-world was not run. */
  readonly ratio_to_hello: number | null;
  readonly non_2xx: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
}

export interface RestReport {
  readonly rows: RestRow[];
  readonly notes: string[];
}

export const LOBBY_GOAL = 0.4;
/** Logins cycle over this many accounts: each login is a full scrypt verify regardless. */
const LOGIN_ACCOUNTS = 256;
const SERVICE_IMPL = 'accounts (sqlite)';

type Measured = { readonly name: CaseName; readonly impl: string; readonly result: autocannon.Result };

export async function runRestBench(o: RestOptions): Promise<RestReport> {
  const notes = [
    `machine: ${availableParallelism()} cores, ${o.connections} connections, ${o.warmupSec} s warm-up + ${o.durationSec} s per case; load average ${loadavg()[0]?.toFixed(1)} at the start`,
  ];
  const runner = new CaseRunner(o);
  const dir = mkdtempSync(join(tmpdir(), 'paperclip-bench-rest-'));
  const servers: ServerChild[] = [];
  try {
    const hello = await ServerChild.start('hello', []);
    servers.push(hello.child);
    const profile = o.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir];
    const service = await ServerChild.start('service', [dir], profile);
    servers.push(service.child);

    const measured: Measured[] = [];
    const plain = async (name: CaseName, server: ServerChild, spec: LoadSpec): Promise<autocannon.Result> => {
      await runner.warm(name, server, spec);
      return runner.measure(name, server, spec);
    };
    for (const name of o.cases) {
      if (name === 'hello') {
        measured.push({ name, impl: 'fastify hello-world', result: await plain(name, hello.child, helloSpec(hello.url)) });
      } else if (name === 'register') {
        measured.push({ name, impl: SERVICE_IMPL, result: await plain(name, service.child, registerSpec(service.url)) });
      } else if (name === 'token') {
        await seed(service.child, 'tok-', LOGIN_ACCOUNTS, false);
        const pool = new Pool<string>();
        pool.reset(Array.from({ length: LOGIN_ACCOUNTS }, (_, i) => `tok-${i}`));
        measured.push({ name, impl: SERVICE_IMPL, result: await plain(name, service.child, tokenSpec(service.url, pool)) });
      } else {
        measured.push({ name, impl: SERVICE_IMPL, result: await measureLobbyFind(runner, service.child, service.url, notes) });
      }
    }
    // The machine is shared: load that comes or goes between the first hello-world run and the
    // service cases would skew the ratio, so hello-world is measured again at the end and the
    // ratio is taken against the mean of both runs.
    if (o.cases.includes('hello') && o.cases.length > 1) {
      measured.push({ name: 'hello', impl: 'fastify hello-world (again)', result: await plain('hello', hello.child, helloSpec(hello.url)) });
    }
    // Other work on the machine moves every number: say how busy it was at both ends.
    notes[0] += `, ${loadavg()[0]?.toFixed(1)} at the end`;
    return { rows: toRows(measured), notes };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function toRows(measured: readonly Measured[]): RestRow[] {
  const hellos = measured.filter((m) => m.name === 'hello').map((m) => okRate(m.result));
  const helloRate = hellos.length === 0 ? undefined : hellos.reduce((a, b) => a + b, 0) / hellos.length;
  return measured.map(({ name, impl, result }) => ({
    suite: 'rest',
    case: name,
    impl,
    req_per_sec: okRate(result),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    ratio_to_hello: helloRate === undefined ? null : okRate(result) / helloRate,
    non_2xx: result.non2xx,
    errors: result.errors,
  }));
}

/** null when lobby/find or hello was not run. */
export function lobbyGoal(rows: readonly RestRow[]): { ratio: number; pass: boolean } | null {
  const ratio = rows.find((r) => r.case === 'lobby/find')?.ratio_to_hello;
  return ratio === undefined || ratio === null ? null : { ratio, pass: ratio >= LOBBY_GOAL };
}

export function renderRestReport(report: RestReport): string {
  const table = renderTable(
    ['case', 'impl', 'req/s', 'p50 ms', 'p99 ms', '× hello', 'non-2xx', 'errors'],
    report.rows.map((r) => [r.case, r.impl, r.req_per_sec, r.p50_ms, r.p99_ms, r.ratio_to_hello === null ? '—' : `${r.ratio_to_hello.toFixed(2)}×`, r.non_2xx, r.errors]),
  );
  const goal = lobbyGoal(report.rows);
  const lines = [table, '', ...report.notes];
  if (goal !== null) lines.push(`goal: /lobby/find ≥ ${LOBBY_GOAL}× hello-world — ${goal.ratio.toFixed(2)}× ${goal.pass ? 'pass' : 'MISS'}`);
  for (const r of report.rows) {
    if (r.non_2xx + r.errors > 0) lines.push(`${r.case}: ${r.non_2xx} non-2xx responses and ${r.errors} errors — not counted as throughput`);
  }
  return lines.join('\n');
}
