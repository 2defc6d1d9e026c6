/** `paperclip doctor`: which backend is live and why, for bug reports and CI checks. */
import { arch, platform } from 'node:os';
import { backendName, nativeLoad, packageVersion } from '../native.js';
import type { BackendName } from '../primitives/types.js';
import { resolveIoBackend, type IoBackend } from '../transport/io-backend.js';

export interface DoctorReport {
  readonly version: string;
  readonly backend: BackendName;
  /** Path of the loaded addon binary, or null when it did not load. */
  readonly addon: string | null;
  /** Why the addon did not load, or null. */
  readonly addonError: string | null;
  /** PAPERCLIP_BACKEND as set, or null. */
  readonly forced: string | null;
  /** The I/O path servers and clients get by default: the native UDP engine or node:dgram. */
  readonly io: IoBackend;
  /** PAPERCLIP_IO as set, or null. */
  readonly forcedIo: string | null;
  readonly node: string;
  readonly napi: string | undefined;
  readonly platform: string;
  readonly arch: string;
}

export function doctorReport(): DoctorReport {
  const forced = process.env.PAPERCLIP_BACKEND;
  const forcedIo = process.env.PAPERCLIP_IO;
  return {
    version: packageVersion,
    backend: backendName,
    addon: nativeLoad.path,
    addonError: nativeLoad.error,
    forced: forced === undefined || forced === '' ? null : forced,
    io: resolveIoBackend(),
    forcedIo: forcedIo === undefined || forcedIo === '' ? null : forcedIo,
    node: process.version,
    napi: process.versions.napi,
    platform: platform(),
    arch: arch(),
  };
}

export function formatDoctorReport(r: DoctorReport): string {
  const rows: Array<[string, string]> = [
    ['paperclip-net', r.version],
    ['backend', r.backend + (r.forced !== null ? ` (forced by PAPERCLIP_BACKEND=${r.forced})` : '')],
    ['addon', r.addon ?? `not loaded: ${r.addonError ?? 'not attempted'}`],
    ['io', (r.io === 'native' ? 'native UDP engine (recvmmsg/sendmmsg batches)' : 'node:dgram') + (r.forcedIo !== null ? ` (forced by PAPERCLIP_IO=${r.forcedIo})` : '')],
    ['node', `${r.node} (N-API ${r.napi ?? '?'})`],
    ['platform', `${r.platform}-${r.arch}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
