/** The bots report as a text table: one row per bot, a total row, then CPU and server notes. */
import type { BotRow, SwarmReport, TotalRow } from './swarm-report.js';

const HEADER = ['bot', 'rtt ms', 'rtt p99', 'jitter ms', 'snap Hz', 'snap loss %', 'input Hz', 'tx loss %', 'in kB/s', 'out kB/s'];

export function formatSwarmReport(report: SwarmReport): string {
  const rows = report.clients.map((c) => cells(String(c.bot), c));
  rows.push(cells(`all ${report.total.bots}`, report.total));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(HEADER), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1) ?? [])];
  const { cpu } = report;
  out.push(
    '',
    `window ${report.seconds.toFixed(1)} s; this process (all threads): CPU ${fixed(cpu.userPct + cpu.systemPct, 0)} % of one core ` +
      `(user ${fixed(cpu.userPct, 0)} %, system ${fixed(cpu.systemPct, 0)} %); the bots' event loop busy ${fixed(cpu.eventLoopPct, 0)} %`,
  );
  const s = report.server;
  if (s !== undefined) {
    out.push(
      `server (this process, own thread): ${s.players} players, ${s.snapshotHz} Hz snapshots, since start ${s.snapshotsSent} sent ` +
        `(${s.fullSnapshots} full), ${fixed(s.snapshotBytes / Math.max(1, s.snapshotsSent), 0)} B each on average; ` +
        `tick work ${fixed(s.meanTickWorkMs, 2)} ms mean, ${fixed(s.maxTickWorkMs, 1)} ms max; event loop busy ${fixed(s.eventLoopPct, 0)} %; ` +
        `${s.skippedTicks} ticks skipped; ${s.droppedInputs} bad inputs dropped`,
    );
  }
  const p = report.proxy;
  if (p !== undefined) out.push(`lossy proxy: ${p.forwarded} datagrams forwarded, ${p.dropped} dropped`);
  if (report.handshakeRetries > 0) out.push(`${report.handshakeRetries} handshakes failed on the damaged link and were retried`);
  if (report.total.badSnapshots > 0) out.push(`${report.total.badSnapshots} snapshots dropped by the bots as invalid`);
  return out.join('\n');
}

function cells(label: string, r: BotRow | TotalRow): string[] {
  return [
    label, fixed(r.rttMeanMs, 2), fixed(r.rttP99Ms, 2), fixed(r.jitterMs, 2), fixed(r.snapshotHz, 1), fixed(r.snapshotLossPct, 2), fixed(r.inputHz, 1),
    fixed(r.transportLossPct, 2), fixed(r.inKBps, 2), fixed(r.outKBps, 2),
  ];
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}
