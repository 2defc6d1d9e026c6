/**
 * The implementations `npm run bench:net` measures, in table order. Each starts a fresh server
 * process per case (so RSS is that case's), listening on an ephemeral loopback port.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENET_APT } from './build.js';
import { startJsonServer } from './proc.js';
import { nativeEngineClass } from '../../lib/transport/native-engine.js';
import type { BenchContext, ServerKind } from './types.js';

export const SERVER_KINDS: readonly ServerKind[] = [
  {
    // The physical limit: C, recvmmsg/sendmmsg batches of 64, no protocol.
    impl: 'c-raw',
    protocol: 'raw',
    modes: ['unreliable'],
    encrypted: false,
    unavailable: () => null,
    start: (ctx) => startJsonServer('c-raw', join(ctx.binDir, 'raw_echo'), ['--host', '127.0.0.1', '--port', '0']),
  },
  {
    // What plain Node does with no protocol: the ceiling of any transport on node:dgram.
    impl: 'node-dgram',
    protocol: 'raw',
    modes: ['unreliable'],
    encrypted: false,
    unavailable: (ctx) =>
      existsSync(join(ctx.jsDir, 'dgram-echo.js')) ? null : `${join(ctx.jsDir, 'dgram-echo.js')} is missing (npm run build:ts)`,
    start: (ctx) =>
      startJsonServer('node-dgram', process.execPath, [join(ctx.jsDir, 'dgram-echo.js'), '--host', '127.0.0.1', '--port', '0']),
  },
  {
    // An established reliable-UDP library in C, as games ship it.
    impl: 'enet',
    protocol: 'enet',
    modes: ['reliable', 'unreliable'],
    encrypted: false,
    unavailable: (ctx) => (ctx.enetAvailable ? null : `libenet-dev is not installed (${ENET_APT})`),
    start: (ctx) => startJsonServer('enet', join(ctx.binDir, 'enet_echo'), ['--host', '127.0.0.1', '--port', '0']),
  },
  // paperclip-net with encryption on, native primitives, on each I/O path (paperclip-echo.ts)
  paperclip('dgram'),
  paperclip('native'),
];

function paperclip(io: 'dgram' | 'native'): ServerKind {
  const script = (ctx: BenchContext): string => join(ctx.jsDir, 'paperclip-echo.js');
  return {
    impl: `paperclip-${io}`,
    protocol: 'paperclip',
    modes: ['reliable', 'unreliable'],
    encrypted: true,
    unavailable: (ctx) => {
      if (!existsSync(script(ctx))) return `${script(ctx)} is missing (npm run build:ts)`;
      if (io === 'native' && nativeEngineClass() === undefined) return 'the native engine is not in this build (Linux with the addon only)';
      return null;
    },
    start: (ctx) => startJsonServer(`paperclip-${io}`, process.execPath, [script(ctx), '--io', io, '--host', '127.0.0.1', '--port', '0']),
  };
}
