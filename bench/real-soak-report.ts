/** Human-readable lines for a real-network soak result (bench/real-soak.ts), for soak-cli. */
import type { NetemConditions } from './netns.js';
import type { ChildLine, StatsSnapshot } from './real-soak-messages.js';
import type { RealSoakResult } from './real-soak.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number): string => `${(100 * n).toFixed(1)} %`;

export function describeConditions(c: NetemConditions): string {
  return `${c.lossPercent} % loss, ${c.delayMs} ms ± ${c.jitterMs} ms, ${c.reorderPercent} % reorder, ${c.duplicatePercent} % duplicate, ${c.corruptPercent} % corrupt, each direction`;
}

function describeLink(r: RealSoakResult): string {
  switch (r.link) {
    case 'netns-netem':
      return 'two network namespaces, veth + tc netem on both ends';
    case 'netns-clean':
      return 'two network namespaces, clean veth (no netem)';
    case 'loopback-proxy':
      return `loopback through LossyUdpProxy (userspace; its jitter is what reorders)${r.fallback_reason === undefined ? '' : ` — namespaces not used: ${r.fallback_reason}`}`;
  }
}

function describeStats(side: string, s: StatsSnapshot | undefined): string {
  if (s === undefined) return `${side}: no stats`;
  return (
    `${side}: ${int(s.packetsSent)} datagrams sent, ${int(s.lost)} declared lost (${pct(s.loss)}; ${int(s.spuriousLosses)} of them acknowledged later), ` +
    `${int(s.retransmits)} pieces retransmitted, ${int(s.congestionEvents)} window reductions, ` +
    `${int(s.packetsReceived)} received, ${int(s.replayed)} replayed/duplicate datagrams dropped, ${int(s.decryptFailed)} failed authentication, ` +
    `${int(s.malformed)} malformed; srtt ${s.rtt.toFixed(0)} ms, cwnd ${int(s.cwnd)} B`
  );
}

function describeInjected(r: RealSoakResult): string {
  const i = r.injected;
  if (r.link === 'loopback-proxy') {
    return `injected by the proxy: ${int(i.dropped ?? 0)} dropped, ${int(i.duplicated ?? 0)} duplicated, ${int(i.corrupted ?? 0)} corrupted of ${int((i.forwarded ?? 0) + (i.dropped ?? 0))} datagrams`;
  }
  const dir = (name: string, q: RealSoakResult['injected']['a_to_b']): string =>
    q === undefined ? `${name}: no qdisc stats` : `${name}: ${int(q.dropped)} dropped, ${int(q.sentPackets)} sent`;
  return `injected by netem: ${dir('server→client', i.a_to_b)}; ${dir('client→server', i.b_to_a)}; ${int(i.udp_checksum_errors ?? 0)} corrupted datagrams discarded by the kernel's UDP checksum`;
}

export function describeRealSoak(r: RealSoakResult): string[] {
  const reliable = r.reliable.messages;
  return [
    `real-network soak over ${describeLink(r)}`,
    `conditions: ${describeConditions(r.conditions)}; encrypted (XChaCha20-Poly1305)`,
    `${int(reliable)} reliable + ${int(r.reliable_unordered.messages)} reliable-unordered messages in ${r.elapsed_s.toFixed(1)} s: ` +
      `${int(r.messages_per_s)} msg/s, ${(r.payload_mb_per_s * 1000).toFixed(1)} kB/s payload (handshake ${r.handshake_ms} ms, ${r.handshake_attempts} attempt(s))`,
    `${'reliable'.padEnd(20)}${JSON.stringify(r.reliable)}`,
    `${'reliable_unordered'.padEnd(20)}${JSON.stringify(r.reliable_unordered)}`,
    describeInjected(r),
    describeStats('client', r.client),
    describeStats('server', r.server),
    ...(r.server_engine === undefined
      ? []
      : [`server's native engine dropped in C++: ${int(r.server_engine.forged)} failing authentication, ${int(r.server_engine.replayed)} replayed, ${int(r.server_engine.duplicates)} duplicates, ${int(r.server_engine.malformed)} malformed`]),
    r.lost + r.duplicated + r.corrupted + r.out_of_order === 0 ? 'OK: 0 lost, 0 duplicated, 0 corrupted, 0 out of order' : 'FAILED: see the counts above',
  ];
}

export function describeProgress(line: ChildLine, total: number): string | undefined {
  if (line.event !== 'progress') return undefined;
  const done = line.reliable + line.unordered;
  return `  ${(line.elapsed_ms / 1000).toFixed(0)} s: ${int(done)} / ${int(total)} delivered (${int(done / (line.elapsed_ms / 1000))} msg/s)`;
}
