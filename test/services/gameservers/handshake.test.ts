/** Who may talk to a lobby's game server, and how a client knows it reached the right one. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519PublicKey } from '../../../lib/protocol/handshake/index.js';
import { connect, HandshakeFailedError, type Client } from '../../../lib/transport/client.js';
import type { StartedGameServer } from '../../../lib/services/gameservers/supervisor.js';
import { alice, freePortRange, identityFor, makeSupervisor, Player, players, scoresStub, servicePublicKey, type ScoresStub } from './helpers.js';

const LOBBY = 501;
let stub: ScoresStub;
let supervisor: ReturnType<typeof makeSupervisor>;
let server: StartedGameServer;
const open: Client[] = [];

beforeAll(async () => {
  stub = await scoresStub();
  supervisor = makeSupervisor(await freePortRange(2), stub.url);
  server = await supervisor.start({ lobbyId: LOBBY, module: 'rps', players });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await supervisor.closeAll();
  await stub.close();
});

async function refusedWith(client: Client): Promise<HandshakeFailedError> {
  open.push(client);
  const err = await client.connected.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HandshakeFailedError);
  return err as HandshakeFailedError;
}

describe('a lobby game server', () => {
  it('is advertised on the supervisor host with its own lobby certificate', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThanOrEqual(supervisor.ports.from);
    expect(server.port).toBeLessThanOrEqual(supervisor.ports.to);
    expect(server.pid).toBeGreaterThan(0);
  });

  it('accepts a lobby player presenting a service-signed certificate, and proves itself as lobby:<id>', async () => {
    const player = await Player.join(server, LOBBY, identityFor(alice.accountId, alice.username));
    open.push(player.client);
    expect(player.client.isConnected).toBe(true);
  });

  it('rejects a certificate forged with another key (1.2)', async () => {
    const forged = identityFor(alice.accountId, alice.username, randomBytes(32));
    const client = await connect(server.host, server.port, { identity: forged, servicePublicKey, expectedServer: { username: `lobby:${LOBBY}` } });
    expect((await refusedWith(client)).code).toMatchObject({ major: 1, minor: 2 });
  });

  it('rejects a valid certificate of an account that is not in the lobby (1.2)', async () => {
    const stranger = identityFor(99, 'mallory');
    const client = await connect(server.host, server.port, { identity: stranger, servicePublicKey, expectedServer: { username: `lobby:${LOBBY}` } });
    expect((await refusedWith(client)).code).toMatchObject({ major: 1, minor: 2 });
  });

  it('rejects a client without a certificate (1.2)', async () => {
    const client = await connect(server.host, server.port, { servicePublicKey });
    expect((await refusedWith(client)).code).toMatchObject({ major: 1, minor: 2 });
  });

  it('is refused by a client expecting another lobby, or trusting another service key', async () => {
    const identity = identityFor(alice.accountId, alice.username);
    const otherLobby = await connect(server.host, server.port, { identity, servicePublicKey, expectedServer: { username: `lobby:${LOBBY + 1}` } });
    expect((await refusedWith(otherLobby)).code).toMatchObject({ major: 1, minor: 2 });
    const otherService = await connect(server.host, server.port, {
      identity,
      servicePublicKey: ed25519PublicKey(randomBytes(32)),
      expectedServer: { username: `lobby:${LOBBY}` },
    });
    expect((await refusedWith(otherService)).code).toMatchObject({ major: 1, minor: 2 });
  });
});
