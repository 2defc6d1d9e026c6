/**
 * Acceptance 4, end to end through the real service: two players register, get certificates
 * for their own keys, matchmake into an rps lobby; the service spawns a game server; both
 * connect over paperclip-net verifying the server's certificate, play a match, the server posts
 * the signed results; the lobby ends and its port returns to the pool. A forged certificate and
 * a non-player's valid certificate are refused by the game server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/until.js';
import { ed25519PublicKey } from '../../../lib/protocol/handshake/ed25519.js';
import { issueCertificate, type Identity } from '../../../lib/protocol/handshake/index.js';
import { DEFAULT_CONFIG } from '../../../lib/services/accounts/config.js';
import { startService, type RunningService } from '../../../lib/services/accounts/service.js';
import { connect, HandshakeFailedError, type Client } from '../../../lib/transport/client.js';

interface LobbyJson {
  id: number;
  status: string;
  end_reason: string | null;
  server: { host: string; port: number; certificate: string; server_name: string } | null;
}

interface Player {
  id: number;
  username: string;
  token: string;
  identity: Identity;
}

describe('service + game-server processes end to end', () => {
  let service: RunningService;
  const dir = mkdtempSync(join(tmpdir(), 'paperclip-e2e-'));

  beforeAll(async () => {
    service = await startService(
      {
        ...DEFAULT_CONFIG,
        httpPort: 0,
        db: `sqlite:${join(dir, 'e2e.db')}`,
        keyFile: join(dir, 'service.key'),
        udpPorts: { from: 46300, to: 46301 },
        authRateLimit: null,
        joinTimeoutMs: 15_000,
      },
      { logger: pino({ level: 'silent' }), defaultMetrics: false },
    );
  });
  afterAll(async () => service.close());

  async function api<T>(method: string, path: string, init: { token?: string; body?: unknown; basic?: [string, string] } = {}): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.basic !== undefined) headers.authorization = `Basic ${Buffer.from(init.basic.join(':')).toString('base64')}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${service.url}${path}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function player(username: string): Promise<Player> {
    const reg = await api<{ id: number }>('POST', '/auth/register', { body: { username, password: 'correct horse' } });
    expect(reg.status).toBe(201);
    const login = await api<{ token: string }>('GET', '/auth/token', { basic: [username, 'correct horse'] });
    const privateSeed = new Uint8Array(randomBytes(32));
    const cert = await api<{ certificate: string }>('POST', '/auth/certificate', {
      token: login.body.token,
      body: { public_key: Buffer.from(ed25519PublicKey(privateSeed)).toString('base64') },
    });
    expect(cert.status).toBe(201);
    return { id: reg.body.id, username, token: login.body.token, identity: { certificate: new Uint8Array(Buffer.from(cert.body.certificate, 'base64')), privateSeed } };
  }


  async function joinGame(lobby: LobbyJson, identity: Identity): Promise<Client> {
    const server = lobby.server;
    if (server === null) throw new Error('lobby has no server');
    const servicePublicKey = new Uint8Array(Buffer.from((await api<{ public_key: string }>('GET', '/auth/certificate')).body.public_key, 'base64'));
    return connect(server.host, server.port, { identity, servicePublicKey, expectedServer: { accountId: 0n, username: server.server_name, certificate: new Uint8Array(Buffer.from(server.certificate, 'base64')) }, handshakeTimeoutMs: 3000 });
  }

  function messages(client: Client): { type: string; [k: string]: unknown }[] {
    const seen: { type: string; [k: string]: unknown }[] = [];
    client.on('message', (data) => seen.push(JSON.parse(new TextDecoder().decode(data)) as { type: string }));
    return seen;
  }

  it('matchmakes, spawns a verified game server, plays, records the result and frees the port', async () => {
    const ann = await player('ann');
    const bob = await player('bob');
    const mallory = await player('mallory');
    expect(service.supervisor.freePorts).toBe(2);

    const first = await api<LobbyJson>('GET', '/lobby/find?game_name=rps', { token: ann.token });
    expect(first.status).toBe(201);
    const second = await api<LobbyJson>('GET', '/lobby/find?game_name=rps', { token: bob.token });
    expect(second.body).toMatchObject({ id: first.body.id, status: expect.stringMatching(/^(full|starting|running)$/) });

    const lobby = await until('the game server', async () => {
      const l = await api<LobbyJson>('GET', `/lobby?lobby_id=${first.body.id}`, { token: ann.token });
      return l.body.status === 'running' ? l.body : undefined;
    });
    expect(lobby.server).toMatchObject({ host: '127.0.0.1', server_name: `lobby:${lobby.id}` });
    expect(service.supervisor.freePorts).toBe(1);
    const serverCert = lobby.server?.certificate ?? '';
    expect((await api<{ valid: boolean }>('GET', `/auth/certificate/validate?certificate=${encodeURIComponent(serverCert)}`)).body.valid).toBe(true);

    // a certificate not signed by the service, claiming to be ann
    const forgedSeed = new Uint8Array(randomBytes(32));
    const forged: Identity = {
      privateSeed: forgedSeed,
      certificate: issueCertificate(new Uint8Array(randomBytes(32)), { accountId: BigInt(ann.id), username: 'ann', publicKey: ed25519PublicKey(forgedSeed), expiryMs: Date.now() + 60_000 }),
    };
    for (const identity of [forged, mallory.identity]) {
      const intruder = await joinGame(lobby, identity);
      await expect(intruder.connected).rejects.toBeInstanceOf(HandshakeFailedError);
      await intruder.close();
    }

    const a = await joinGame(lobby, ann.identity);
    const b = await joinGame(lobby, bob.identity);
    const seenA = messages(a);
    const seenB = messages(b);
    await Promise.all([a.connected, b.connected]);
    const move = (c: Client, m: string): void => c.send(new TextEncoder().encode(JSON.stringify({ type: 'move', move: m })));
    await until('the start', async () => (seenA.some((m) => m.type === 'start') && seenB.some((m) => m.type === 'start') ? true : undefined));
    for (let round = 1; round <= 2; round++) {
      move(a, 'rock');
      move(b, 'scissors');
      await until(`round ${round}`, async () => (seenA.filter((m) => m.type === 'round').length >= round ? true : undefined));
    }
    const match = await until('the match result', async () => seenB.find((m) => m.type === 'match'));
    expect(match).toMatchObject({ winner: ann.id });

    const ended = await until('the lobby to end', async () => {
      const l = await api<LobbyJson>('GET', `/lobby?lobby_id=${lobby.id}`, { token: ann.token });
      return l.body.status === 'ended' ? l.body : undefined;
    });
    expect(ended.end_reason).toBe('finished');
    await until('the port to return', async () => (service.supervisor.freePorts === 2 ? true : undefined));
    expect((await api<{ valid: boolean; reason: string }>('GET', `/auth/certificate/validate?certificate=${encodeURIComponent(serverCert)}`)).body).toMatchObject({
      valid: false,
      reason: 'revoked',
    });

    const board = await api<{ username: string; total: number; matches: number }[]>('GET', '/scores/leaderboard?game_name=rps');
    expect(board.body.map((e) => [e.username, e.total, e.matches])).toEqual([
      ['ann', 1, 1],
      ['bob', 0, 1],
    ]);
    await Promise.all([a.close(), b.close()]);

    // both are free to play again
    expect((await api<LobbyJson>('GET', '/lobby/find?game_name=rps', { token: ann.token })).status).toBe(201);
  }, 60_000);
});
