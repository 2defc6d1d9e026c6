/** Child-process lifecycle: every way a game server can end, and what happens to its port. */
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../lib/native.js';
import { ServiceError } from '../../../lib/services/accounts/errors.js';
import type { EndedInfo, GameServerSupervisor } from '../../../lib/services/gameservers/supervisor.js';
import { alice, bob, endedOnce, freePortRange, identityFor, makeSupervisor, Player, players, servicePublicKey, until } from './helpers.js';

// nothing listens there: no match in this file posts results
const SERVICE_URL = 'http://127.0.0.1:9';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function supervisorOn(ports: number, extra: Parameters<typeof makeSupervisor>[2] = {}): Promise<GameServerSupervisor> {
  const s = makeSupervisor(await freePortRange(ports), SERVICE_URL, extra);
  cleanup.push(() => s.closeAll());
  return s;
}

async function holdPort(port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => socket.close(() => resolve())));
  return socket;
}

async function rejection(p: Promise<unknown>): Promise<ServiceError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ServiceError);
  return err as ServiceError;
}

describe('GameServerSupervisor', () => {
  it('kill -9 of a child ends its lobby once with "crashed" and returns the port', async () => {
    const s = await supervisorOn(2);
    const infos: EndedInfo[] = [];
    s.on('ended', (_id, _reason, info) => infos.push(info));
    const started = await s.start({ lobbyId: 1, module: 'rps', players });
    expect(s.running).toBe(1);
    expect(s.freePorts).toBe(1);
    const ended = endedOnce(s, 1);
    process.kill(started.pid, 'SIGKILL');
    expect(await ended).toEqual(['crashed']);
    expect(infos).toEqual([{ pid: started.pid, port: started.port, exitCode: null, signal: 'SIGKILL' }]);
    expect(s.running).toBe(0);
    expect(s.freePorts).toBe(2);
  });

  it('a child whose event loop is blocked misses its pings and is killed as "unhealthy"', async () => {
    const s = await supervisorOn(1, { healthTimeoutMs: 600 });
    const started = await s.start({ lobbyId: 2, module: 'hang', players });
    expect(await endedOnce(s, 2)).toEqual(['unhealthy']);
    expect(() => process.kill(started.pid, 0)).toThrow();
    expect(s.freePorts).toBe(1);
  });

  it('throws NO_GAME_SERVER when every port is taken, and starts again once one is back', async () => {
    const s = await supervisorOn(1);
    await s.start({ lobbyId: 3, module: 'quiet', players });
    expect(s.hasFreePort()).toBe(false);
    expect((await rejection(s.start({ lobbyId: 4, module: 'quiet', players }))).code).toBe('NO_GAME_SERVER');
    const ended = endedOnce(s, 3);
    await s.stop(3);
    expect(await ended).toEqual(['stopped']);
    expect(s.hasFreePort()).toBe(true);
    await s.start({ lobbyId: 4, module: 'quiet', players });
  });

  it('skips a port held by a foreign socket; NO_GAME_SERVER when all are, and the ports stay in the pool', async () => {
    const s = await supervisorOn(3);
    const { from } = s.ports;
    await holdPort(from);
    const started = await s.start({ lobbyId: 5, module: 'quiet', players });
    expect(started.port).toBe(from + 1);
    await holdPort(from + 2);
    expect((await rejection(s.start({ lobbyId: 6, module: 'quiet', players }))).code).toBe('NO_GAME_SERVER');
    expect(s.freePorts).toBe(2);
  });

  it('stop() disconnects the players gracefully and ends with "stopped"', async () => {
    const s = await supervisorOn(1);
    const server = await s.start({ lobbyId: 7, module: 'rps', players });
    const a = await Player.join(server, 7, identityFor(alice.accountId, alice.username));
    const b = await Player.join(server, 7, identityFor(bob.accountId, bob.username));
    cleanup.push(() => a.client.close(), () => b.client.close());
    // 'start' proves the server holds both connections (a client may finish its handshake first)
    await Promise.all([a.next('start'), b.next('start')]);
    const disconnects: string[] = [];
    for (const p of [a, b]) p.client.on('disconnect', (info) => disconnects.push(`${info.code.major}.${info.code.minor}`));
    const ended = endedOnce(s, 7);
    await s.stop(7);
    expect(await ended).toEqual(['stopped']);
    await until(() => disconnects.length === 2);
    expect(disconnects).toEqual(['2.1', '2.1']);
  });

  it('ends with "players-missing" when not everyone joined in time, "abandoned" when everyone left', async () => {
    const s = await supervisorOn(2, { joinTimeoutMs: 400 });
    const lonely = await s.start({ lobbyId: 8, module: 'quiet', players });
    const missing = endedOnce(s, 8);
    const a = await Player.join(lonely, 8, identityFor(alice.accountId, alice.username));
    cleanup.push(() => a.client.close());
    expect(await missing).toEqual(['players-missing']);

    const both = await s.start({ lobbyId: 9, module: 'quiet', players });
    const abandoned = endedOnce(s, 9);
    const pa = await Player.join(both, 9, identityFor(alice.accountId, alice.username));
    const pb = await Player.join(both, 9, identityFor(bob.accountId, bob.username));
    await Promise.all([pa.client.close(), pb.client.close()]);
    expect(await abandoned).toEqual(['abandoned']);
  });

  it('rejects unknown modules, a second server for one lobby, and a module that does not load', async () => {
    const s = await supervisorOn(2, { modules: { quiet: join(packageRoot, 'no/such/module.js') } });
    expect((await rejection(s.start({ lobbyId: 10, module: 'chess', players }))).code).toBe('GAME_NOT_FOUND');
    const failed = await rejection(s.start({ lobbyId: 10, module: 'quiet', players }));
    expect(failed.code).toBe('INTERNAL');
    expect(failed.message).toMatch(/failed to start/);
    expect(s.freePorts).toBe(2);

    await expect(s.start({ lobbyId: 10, module: 'quiet', players: [] })).rejects.toThrow(RangeError);
    await expect(s.start({ lobbyId: 10, module: 'quiet', players: [alice, alice] })).rejects.toThrow(/twice/);
    await expect(s.start({ lobbyId: 10, module: 'quiet', players: [{ accountId: 0, username: 'x' }] })).rejects.toThrow(RangeError);

    const ok = await supervisorOn(2);
    await ok.start({ lobbyId: 11, module: 'quiet', players });
    expect((await rejection(ok.start({ lobbyId: 11, module: 'quiet', players }))).message).toMatch(/already has a game server/);
  });
});

function forkRunner(): { child: ReturnType<typeof fork>; exited: Promise<number | null>; firstMessage: Promise<unknown> } {
  const child = fork(join(packageRoot, 'dist/lib/services/gameservers/runner.js'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
  cleanup.push(async () => void child.kill('SIGKILL'));
  return {
    child,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    firstMessage: new Promise((resolve) => child.once('message', resolve)),
  };
}

describe('runner', () => {
  it('answers a malformed start with "failed" and exits non-zero', async () => {
    const { child, exited, firstMessage } = forkRunner();
    child.send({ type: 'start', lobbyId: 'twelve' });
    expect(await firstMessage).toMatchObject({ type: 'failed', code: 'BAD_START' });
    expect(await exited).toBe(1);
  });

  it('exits by itself when its IPC channel closes (the supervisor died): never an orphan', async () => {
    const { child, exited, firstMessage: ready } = forkRunner();
    const { from: port } = await freePortRange(1);
    const identity = identityFor(0, 'lobby:12');
    child.send({
      type: 'start',
      lobbyId: 12,
      modulePath: join(packageRoot, 'dist/lib/services/gameservers/modules/rps.js'),
      host: '127.0.0.1',
      port,
      players,
      settings: {},
      certificate: Buffer.from(identity.certificate).toString('base64'),
      seed: Buffer.from(identity.privateSeed).toString('base64'),
      servicePublicKey: Buffer.from(servicePublicKey).toString('base64'),
      serviceUrl: SERVICE_URL,
      joinTimeoutMs: 60_000,
      logLevel: 'silent',
    });
    expect(await ready).toEqual({ type: 'ready', port });
    child.disconnect();
    expect(await exited).toBe(0);
  });
});
