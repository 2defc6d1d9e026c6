/** Runs bench/net/c/gso_probe and says in one line what UDP GSO/GRO does on this kernel's loopback. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

interface Probe {
  udp_segment: boolean;
  udp_gro: boolean;
  gso_send_ok: boolean;
  gso_to_gro_reads: number;
  gso_to_gro_segment: number;
  gso_to_plain_reads: number;
  separate_to_gro_reads: number;
  segments: number;
}

export function probeGsoGro(binDir: string): string {
  const run = spawnSync(join(binDir, 'gso_probe'), { encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) return `kernel UDP GSO/GRO: probe failed (${run.error?.message ?? run.stderr.trim()})`;
  const p = JSON.parse(run.stdout) as Probe;
  const gso = p.udp_segment && p.gso_send_ok ? 'yes' : 'no';
  const gro = p.udp_gro ? 'yes' : 'no';
  const detail = p.udp_segment && p.udp_gro
    ? `; one ${p.segments}-segment GSO send took ${p.gso_to_gro_reads} read(s) with GRO (segment ${p.gso_to_gro_segment} B) and ` +
      `${p.gso_to_plain_reads} without; ${p.segments} separate sends took ${p.separate_to_gro_reads} GRO read(s)`
    : '';
  return `kernel UDP GSO (UDP_SEGMENT) on loopback: ${gso}; UDP GRO: ${gro}${detail}`;
}
