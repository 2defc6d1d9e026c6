/** The table of `npm run bench:net`: one row per implementation, size and mode, with ratios. */
import { renderTable } from '../table.js';
import type { NetReport } from './run.js';
import type { NetRow } from './types.js';

/**
 * msgs/s of `row` over the baseline implementation's at the same size. c-raw and node-dgram
 * have only 'unreliable' rows, so a reliable row is compared with their unreliable one (what the
 * bare socket path allows); ENet has both modes, so × enet compares like with like.
 */
function ratio(rows: readonly NetRow[], row: NetRow, baseline: string, sameMode: boolean): number {
  const base = rows.find((r) => r.impl === baseline && r.size === row.size && (!sameMode || r.mode === row.mode));
  return base === undefined || base.msgs_per_sec === 0 ? Number.NaN : row.msgs_per_sec / base.msgs_per_sec;
}

// Formatted here rather than by renderTable, so each column keeps one precision (e.g. "1.00").
const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
const micros = (n: number): string => (n >= 100 ? integer(n) : n.toFixed(1));
const times = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '—');

function renderSections(report: NetReport): string[] {
  const s = report.sections;
  const lines: string[] = [];
  if (s.latency !== undefined) {
    lines.push('', `Latency at a fixed ${integer(report.options.latencyRate)} msgs/s offered (64 B):`);
    lines.push(renderTable(['impl', 'mode', 'msgs/s', 'p50 µs', 'p99 µs'], s.latency.rows.map((r) => [r.impl, r.mode, integer(r.msgs_per_sec), micros(r.p50_us), micros(r.p99_us)])));
    lines.push(`added p99 over raw UDP: ${micros(s.latency.added_p99_us)} µs`);
  }
  if (s.garbage !== undefined) {
    const g = s.garbage;
    lines.push(
      '',
      `Garbage burst: paperclip-native 64 B reliable ${integer(g.alone_msgs_per_sec)} msgs/s alone, ${integer(g.with_garbage_msgs_per_sec)} msgs/s ` +
        `(${times(g.with_garbage_msgs_per_sec / g.alone_msgs_per_sec)}×) while ${integer(g.garbage_offered_pps)} datagrams/s from unknown sources arrive; ` +
        `${integer(g.garbage_dropped)} dropped in C++, ${integer(g.garbage_reached_js)} of them reached JS.`,
    );
  }
  if (s.scale !== undefined) {
    const c = s.scale;
    lines.push(
      '',
      `Scale: ${integer(c.connections)} live encrypted connections on one paperclip-native process: ${integer(c.handshakes_per_sec)} handshakes/s ` +
        `(clients in the bench process on the same 2 cores), RSS ${c.rss_before_mb} → ${c.rss_after_mb} MB, ${integer(c.bytes_per_connection)} bytes per connection.`,
    );
  }
  return lines;
}

export function renderNetReport(report: NetReport): string {
  const { rows, options: o } = report;
  const header = ['impl', 'size', 'mode', 'msgs/s', 'p50 µs', 'p99 µs', 'CPU %', 'RSS MB', '× c-raw', '× node-dgram', '× enet'];
  const cells = rows.map((r) => [
    r.impl,
    integer(r.size),
    r.mode,
    integer(r.msgs_per_sec),
    micros(r.p50_us),
    micros(r.p99_us),
    r.cpu_pct.toFixed(0),
    r.rss_mb.toFixed(1),
    times(ratio(rows, r, 'c-raw', false)),
    times(ratio(rows, r, 'node-dgram', false)),
    times(ratio(rows, r, 'enet', true)),
  ]);
  const load = o.rate > 0 ? `paced at ${o.rate} msgs/s` : 'closed loop';
  const lines = [
    rows.length > 0 ? renderTable(header, cells) : '(no rows)',
    '',
    `loopback; one load generator (bench/net/c/loadgen.c): ${o.clients} clients × ${o.window} outstanding, ${load}, ` +
      `${o.durationSec} s measured per case after ${o.warmupSec} s warm-up; a fresh server per case.`,
    'msgs/s = echoed round trips per second; RTT from send call to receive call; CPU % and RSS of the server process ' +
      '(100 % = one core); × = msgs/s over that implementation at the same size (× enet: same mode too).',
    ...renderSections(report),
    ...report.notes.map((n) => `note: ${n}`),
    ...report.failures.map((f) => `FAILED: ${f}`),
  ];
  return lines.join('\n');
}
