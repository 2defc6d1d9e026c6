import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildC, ENET_APT, haveCToolchain, type CBuild } from '../../bench/net/build.js';
import { runLoadgen, type LoadgenCase } from '../../bench/net/loadgen.js';
import { writeSessions } from '../../bench/net/paperclip-sessions.js';
import { startJsonServer } from '../../bench/net/proc.js';
import type { LoadgenProtocol, Mode, StartedServer } from '../../bench/net/types.js';

const run = promisify(execFile);

// C programs and sockets have no JS/native twin: run once, in the native project (vitest.config.ts
// sets PAPERCLIP_BACKEND=native there, as test/bench/rest-smoke.test.ts relies on), and only where
// a C compiler and make exist (.ci/run installs them).
const enabled = process.env.PAPERCLIP_BACKEND === 'native' && haveCToolchain();

/*
 * Loss tolerance: exactly zero. Loopback has no wire: a datagram is only ever dropped when a
 * socket receive buffer is full. These runs keep at most 16 clients × 4 = 64 datagrams in flight,
 * at most ~150 KB of kernel memory even at 1200 B, below the smallest default receive buffer
 * (net.core.rmem_default, 208 KB), so no queue can overflow. The loss timeout is 5 s, not the
 * bench's 200 ms, so a late echo on a busy CI machine is not miscounted as lost.
 */
function smokeCase(protocol: LoadgenProtocol, port: number, size: number, mode: Mode): LoadgenCase {
  return { protocol, port, size, mode, clients: 16, window: 4, durationSec: 1, warmupSec: 0.2, rate: 0, lossTimeoutMs: 5000 };
}

async function echoRoundTrips(server: StartedServer, build: CBuild, c: LoadgenCase): Promise<Record<string, unknown> | null> {
  try {
    const { result, serverCpuPct, serverRssMb } = await runLoadgen(build.binDir, server.pid, c);
    expect(result.msgs_per_sec).toBeGreaterThan(0);
    expect(result.p50_us).toBeGreaterThan(0);
    expect(result.p99_us).toBeGreaterThanOrEqual(result.p50_us);
    expect(result.max_us).toBeGreaterThanOrEqual(result.p99_us);
    expect({ lost: result.lost, late: result.late, bad: result.bad }).toEqual({ lost: 0, late: 0, bad: 0 });
    expect(result.received).toBe(result.sent);
    expect(serverCpuPct).toBeGreaterThanOrEqual(0);
    expect(serverRssMb).toBeGreaterThan(0);
    const exit = await server.stop();
    expect(exit).toMatchObject({ event: 'exit', rx: expect.any(Number) });
    expect(exit?.rx as number).toBeGreaterThanOrEqual(result.received);
    return exit;
  } finally {
    await server.stop().catch(() => undefined);
  }
}

describe.runIf(enabled)('npm run bench:net (smoke)', () => {
  let build: CBuild;
  beforeAll(() => {
    build = buildC();
  }, 120_000);

  it('c-raw: recvmmsg/sendmmsg echo + loadgen for ~1 s', async () => {
    const server = await startJsonServer('c-raw', join(build.binDir, 'raw_echo'), ['--port', '0']);
    const exit = await echoRoundTrips(server, build, smokeCase('raw', server.port, 64, 'unreliable'));
    expect(exit).toMatchObject({ truncated: 0, send_errors: 0 });
  }, 30_000);

  it('node-dgram: the node:dgram echo + loadgen for ~1 s', async () => {
    const script = join(build.root, 'dist', 'bench', 'net', 'dgram-echo.js');
    const server = await startJsonServer('node-dgram', process.execPath, [script, '--port', '0']);
    const exit = await echoRoundTrips(server, build, smokeCase('raw', server.port, 1200, 'unreliable'));
    expect(exit).toMatchObject({ send_errors: 0 });
  }, 30_000);

  it('enet: the ENet echo + loadgen, reliable, for ~1 s', async (ctx) => {
    if (!build.enetAvailable) {
      // CI installs it, so there its absence is a broken .ci/run, not a reason to skip.
      if (process.env.CI === 'true') throw new Error(`libenet-dev is missing on CI: add "${ENET_APT}" to .ci/run`);
      ctx.skip(`libenet-dev is not installed (${ENET_APT})`);
    }
    const server = await startJsonServer('enet', join(build.binDir, 'enet_echo'), ['--port', '0']);
    const exit = await echoRoundTrips(server, build, smokeCase('enet', server.port, 1200, 'reliable'));
    expect(exit).toMatchObject({ connects: 16, send_errors: 0 });
  }, 30_000);

  for (const io of ['native', 'dgram'] as const) {
    it(`paperclip-${io}: the paperclip-net echo + loadgen over pre-made sessions, reliable, for ~1 s`, async () => {
      const script = join(build.root, 'dist', 'bench', 'net', 'paperclip-echo.js');
      const server = await startJsonServer(`paperclip-${io}`, process.execPath, [script, '--io', io, '--port', '0']);
      const dir = mkdtempSync(join(tmpdir(), 'paperclip-smoke-'));
      try {
        const sessions = join(dir, 'sessions.txt');
        await writeSessions(sessions, server.port, 16);
        const c = { ...smokeCase('paperclip', server.port, 64, 'reliable'), sessions };
        const { result } = await runLoadgen(build.binDir, server.pid, c);
        expect(result.msgs_per_sec).toBeGreaterThan(0);
        expect({ lost: result.lost, bad: result.bad }).toEqual({ lost: 0, bad: 0 });
        expect(result.received).toBe(result.sent);
        const exit = await server.stop();
        expect(exit).toMatchObject({ event: 'exit', connections: 16 });
        expect(exit?.messages as number).toBeGreaterThanOrEqual(result.received);
        // the engine reports its counters; nothing from the load generator was dropped as bad input
        if (io === 'native') expect(exit?.engine).toMatchObject({ forged: 0, replayed: 0, malformed: 0 });
      } finally {
        await server.stop().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);
  }

  it('the latency, garbage and scale sections run and report', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        join(build.root, 'dist', 'bench', 'net-cli.js'),
        '--duration', '0.5', '--warmup', '0.1', '--clients', '8', '--window', '2', '--impls', 'paperclip-native', '--sizes', '64',
        '--modes', 'reliable', '--latency-rate', '2000', '--garbage-rate', '5000', '--connections', '100',
      ],
      { maxBuffer: 1 << 20 },
    );
    expect(stdout).toMatch(/added p99 over raw UDP: [\d.,]+ µs/);
    // garbage from unknown sources is dropped in C++: none of it reaches JS
    expect(stdout).toMatch(/dropped in C\+\+, 0 of them reached JS/);
    expect(stdout).toMatch(/Scale: 100 live encrypted connections/);
    expect(stdout).not.toMatch(/FAILED/);
  }, 120_000);

  it('--json prints rows of exactly the documented shape', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        join(build.root, 'dist', 'bench', 'net-cli.js'),
        '--json', '--duration', '0.5', '--warmup', '0.1', '--clients', '8', '--window', '2',
        '--impls', 'c-raw,node-dgram', '--sizes', '64', '--loss-timeout-ms', '5000', '--sections', '',
      ],
      { maxBuffer: 1 << 20 },
    );
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => `${String(r.impl)} ${String(r.size)} ${String(r.mode)}`)).toEqual([
      'c-raw 64 unreliable',
      'node-dgram 64 unreliable',
    ]);
    for (const row of rows) {
      expect(row).toEqual({
        impl: expect.any(String),
        size: 64,
        mode: 'unreliable',
        encrypted: false,
        msgs_per_sec: expect.any(Number),
        p50_us: expect.any(Number),
        p99_us: expect.any(Number),
        rss_mb: expect.any(Number),
        cpu_pct: expect.any(Number),
      });
      expect(row.msgs_per_sec as number).toBeGreaterThan(0);
      expect(row.p99_us as number).toBeGreaterThanOrEqual(row.p50_us as number);
    }
  }, 60_000);
});
