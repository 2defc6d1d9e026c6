/**
 * The implementations `npm run bench:net` measures, in table order. Each starts a fresh server
 * process per case (so RSS is that case's), listening on an ephemeral loopback port.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENET_APT } from './build.js';
import { startJsonServer } from './proc.js';
import type { ServerKind } from './types.js';

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
  // Extension point, for the native batched engine's issue: 'paperclip-dgram' (paperclip-net on
  // node:dgram) and 'paperclip-native' (on the native engine) are added here, each with
  // modes ['reliable', 'unreliable'], encrypted as configured, a start() that launches an echo
  // server built on createServer() and prints the same ready/exit lines (see dgram-echo.ts), and
  // a LoadgenProtocol (types.ts) that loadgen.c speaks.
];
