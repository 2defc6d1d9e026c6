/** `paperclip doctor`: which backend is live and why, for bug reports and CI checks. */
import { arch, platform } from 'node:os';
import { backendName, nativeLoad, packageVersion } from '../native.js';
import type { BackendName } from '../primitives/types.js';
import { resolveIoBackend, type IoBackend } from '../transport/io-backend.js';
import { META_INTS, SLOT_WORDS, nativeEngineClass } from '../transport/native-engine.js';

const yes = (b: boolean): string => (b ? 'yes' : 'no');

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
  /**
   * What the kernel offers the native engine, probed on a loopback socket: batched system calls
   * (recvmmsg/sendmmsg, Linux), UDP GSO (UDP_SEGMENT) and GRO. null without the engine.
   */
  readonly kernel: { readonly recvmmsg: boolean; readonly gso: boolean; readonly gro: boolean } | null;
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
    kernel: probeKernel(),
    node: process.version,
    napi: process.versions.napi,
    platform: platform(),
    arch: arch(),
  };
}

/** Binds a throwaway engine socket on loopback (its constructor probes GSO and GRO) and closes it. */
function probeKernel(): DoctorReport['kernel'] {
  const Engine = nativeEngineClass();
  if (Engine === undefined) return null;
  const engine = new Engine({
    host: '127.0.0.1', port: 0, listen: false, state: new Uint32Array(SLOT_WORDS), out: new Uint8Array(65_536), meta: new Int32Array(META_INTS),
    onBatch: () => undefined,
  });
  try {
    const { gso, gro } = engine.stats();
    return { recvmmsg: true, gso, gro };
  } finally {
    engine.close();
  }
}

export function formatDoctorReport(r: DoctorReport, extra: ReadonlyArray<[string, string]> = []): string {
  const rows: Array<[string, string]> = [
    ['paperclip-net', r.version],
    ['backend', r.backend + (r.forced !== null ? ` (forced by PAPERCLIP_BACKEND=${r.forced})` : '')],
    ['addon', r.addon ?? `not loaded: ${r.addonError ?? 'not attempted'}`],
    ['io', (r.io === 'native' ? 'native UDP engine (recvmmsg/sendmmsg batches)' : 'node:dgram') + (r.forcedIo !== null ? ` (forced by PAPERCLIP_IO=${r.forcedIo})` : '')],
    ['kernel', r.kernel === null ? 'not probed (no native engine)' : `recvmmsg/sendmmsg ${yes(r.kernel.recvmmsg)}, UDP GSO ${yes(r.kernel.gso)}, UDP GRO ${yes(r.kernel.gro)}`],
    ['node', `${r.node} (N-API ${r.napi ?? '?'})`],
    ['platform', `${r.platform}-${r.arch}`],
    ...extra,
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
