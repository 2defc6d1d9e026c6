import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueCertificate } from '../../../lib/protocol/handshake/certificate.js';
import { ed25519PublicKey } from '../../../lib/protocol/handshake/ed25519.js';
import { signResults, type MatchResults } from '../../../lib/services/accounts/results-signature.js';
import { STORAGE } from './backends.js';
import { errorCode, json, newUser, startTestService, type TestService, type TestUser } from './harness.js';

interface GameServer {
  lobbyId: number;
  seed: Uint8Array;
  certificate: Uint8Array;
}

for (const storage of STORAGE) {
  describe.skipIf(storage.skip)(`scores routes on ${storage.name}`, () => {
    let s: TestService;
    let ann: TestUser;
    let bob: TestUser;
    let cat: TestUser;

    /** A full rps lobby of ann and bob whose "game server" holds a service-issued certificate. */
    async function runningLobby(a: TestUser, b: TestUser): Promise<GameServer> {
      const lobby = json<{ id: number }>(await s.app.inject({ method: 'GET', url: '/lobby/find', headers: a.headers, query: { game_name: 'rps' } }));
      await s.app.inject({ method: 'GET', url: '/lobby/find', headers: b.headers, query: { game_name: 'rps' } });
      const seed = new Uint8Array(randomBytes(32));
      const certificate = issueCertificate(s.key.seed, { accountId: 0n, username: `lobby:${lobby.id}`, publicKey: ed25519PublicKey(seed), expiryMs: s.clock.now + 3_600_000 });
      expect(await s.repo.transitionLobby(lobby.id, 'full', 'starting')).toBe(true);
      expect(await s.repo.transitionLobby(lobby.id, 'starting', 'running', { host: '127.0.0.1', port: 40000, certificate })).toBe(true);
      return { lobbyId: lobby.id, seed, certificate };
    }

    function post(server: GameServer, results: MatchResults['results'], options: { seed?: Uint8Array; certificate?: Uint8Array; lobbyId?: number } = {}) {
      const body: MatchResults = { lobby_id: options.lobbyId ?? server.lobbyId, results };
      return s.app.inject({
        method: 'POST',
        url: '/scores',
        payload: {
          ...body,
          certificate: Buffer.from(options.certificate ?? server.certificate).toString('base64'),
          signature: Buffer.from(signResults(options.seed ?? server.seed, body)).toString('base64'),
        },
      });
    }

    beforeEach(async () => {
      s = await startTestService(await storage.open());
      ann = await newUser(s.app, 'ann');
      bob = await newUser(s.app, 'bob');
      cat = await newUser(s.app, 'cat');
    });
    afterEach(async () => s.close());

    it('records signed results once; leaderboard and history show them', async () => {
      const server = await runningLobby(ann, bob);
      const res = await post(server, [
        { account_id: ann.id, score: 1 },
        { account_id: bob.id, score: 0 },
      ]);
      expect(res.statusCode).toBe(201);
      const dup = await post(server, [{ account_id: ann.id, score: 5 }]);
      expect(dup.statusCode).toBe(409);
      expect(errorCode(dup)).toBe('RESULTS_RECORDED');

      const board = await s.app.inject({ method: 'GET', url: '/scores/leaderboard', query: { game_name: 'rps' } });
      expect(board.statusCode).toBe(200);
      expect(json<{ username: string; total: number; matches: number }[]>(board).map((e) => [e.username, e.total, e.matches])).toEqual([
        ['ann', 1, 1],
        ['bob', 0, 1],
      ]);
      const mine = json<{ lobby_id: number; score: number; game_name: string }[]>(await s.app.inject({ method: 'GET', url: '/scores/history', headers: bob.headers }));
      expect(mine).toEqual([expect.objectContaining({ lobby_id: server.lobbyId, score: 0, game_name: 'rps' })]);
      const hers = json<{ score: number }[]>(await s.app.inject({ method: 'GET', url: '/scores/history', headers: bob.headers, query: { username: 'ann' } }));
      expect(hers.map((h) => h.score)).toEqual([1]);
      expect((await s.app.inject({ method: 'GET', url: '/scores/history', headers: bob.headers, query: { username: 'zed' } })).statusCode).toBe(404);
      expect((await s.app.inject({ method: 'GET', url: '/scores/leaderboard', query: { game_name: 'chess' } })).statusCode).toBe(404);
    });

    it('refuses forged, foreign and player certificates, bad signatures and non-members', async () => {
      const server = await runningLobby(ann, bob);
      const results = [{ account_id: ann.id, score: 1 }];

      const forgedSeed = new Uint8Array(randomBytes(32));
      const forged = issueCertificate(new Uint8Array(randomBytes(32)), { accountId: 0n, username: `lobby:${server.lobbyId}`, publicKey: ed25519PublicKey(forgedSeed), expiryMs: s.clock.now + 1e6 });
      const r1 = await post(server, results, { seed: forgedSeed, certificate: forged });
      expect(r1.statusCode).toBe(403);
      expect(errorCode(r1)).toBe('CERTIFICATE_INVALID');

      // signed by the service but not the certificate this lobby's server holds
      const otherSeed = new Uint8Array(randomBytes(32));
      const other = issueCertificate(s.key.seed, { accountId: 0n, username: `lobby:${server.lobbyId}`, publicKey: ed25519PublicKey(otherSeed), expiryMs: s.clock.now + 1e6 });
      const r2 = await post(server, results, { seed: otherSeed, certificate: other });
      expect(r2.statusCode).toBe(403);
      expect(errorCode(r2)).toBe('FORBIDDEN');

      // a player's own certificate cannot speak for a game server
      const playerSeed = new Uint8Array(randomBytes(32));
      const player = issueCertificate(s.key.seed, { accountId: BigInt(ann.id), username: 'ann', publicKey: ed25519PublicKey(playerSeed), expiryMs: s.clock.now + 1e6 });
      expect((await post(server, results, { seed: playerSeed, certificate: player })).statusCode).toBe(403);

      const r3 = await post(server, results, { seed: new Uint8Array(randomBytes(32)) });
      expect(r3.statusCode).toBe(403);
      expect(errorCode(r3)).toBe('CERTIFICATE_INVALID');

      const r4 = await post(server, [{ account_id: cat.id, score: 1 }]);
      expect(r4.statusCode).toBe(400);

      expect((await post(server, results, { lobbyId: 999_999 })).statusCode).toBe(404);

      const expired = await (async () => {
        s.clock.now += 3_600_001;
        return post(server, results);
      })();
      expect(expired.statusCode).toBe(403);

      const malformed = await s.app.inject({ method: 'POST', url: '/scores', payload: { lobby_id: server.lobbyId, results: [], certificate: '', signature: '' } });
      expect(malformed.statusCode).toBe(400);
      const hugeScore = await s.app.inject({
        method: 'POST',
        url: '/scores',
        payload: { lobby_id: server.lobbyId, results: [{ account_id: ann.id, score: 2 ** 40 }], certificate: 'AA==', signature: 'AA==' },
      });
      expect(hugeScore.statusCode).toBe(400);
    });
  });
}
