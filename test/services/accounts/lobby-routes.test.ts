import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORAGE } from './backends.js';
import { errorCode, json, newUser, startTestService, type TestService, type TestUser } from './harness.js';

interface LobbyJson {
  id: number;
  game_id: number;
  owner_id: number;
  status: string;
  max_players: number;
  members: { account_id: number; username: string }[];
  server: unknown;
  end_reason: string | null;
}

for (const storage of STORAGE) {
  describe.skipIf(storage.skip)(`games and lobby routes on ${storage.name}`, () => {
    let s: TestService;
    let users: TestUser[];
    beforeEach(async () => {
      s = await startTestService(await storage.open());
      users = [];
      for (const name of ['ann', 'bob', 'cat', 'dan', 'eve']) users.push(await newUser(s.app, name));
    });
    afterEach(async () => s.close());
    const u = (i: number): TestUser => users[i] as TestUser;
    const find = (user: TestUser, query: Record<string, string>) => s.app.inject({ method: 'GET', url: '/lobby/find', headers: user.headers, query });

    it('GET /games lists the configured games without authentication', async () => {
      const res = await s.app.inject({ method: 'GET', url: '/games' });
      expect(res.statusCode).toBe(200);
      expect(json<{ name: string; max_players: number; has_server: boolean }[]>(res).map((g) => [g.name, g.max_players, g.has_server])).toEqual([
        ['rps', 2, true],
        ['quad', 4, false],
      ]);
    });

    it('find creates (201), then joins (200), then fills the lobby and starts its server once', async () => {
      const a = await find(u(0), { game_name: 'rps' });
      expect(a.statusCode).toBe(201);
      const lobby = json<LobbyJson>(a);
      expect(lobby).toMatchObject({ status: 'open', max_players: 2, owner_id: u(0).id, server: null });
      const again = await find(u(0), { game_name: 'rps' });
      expect(again.statusCode).toBe(200);
      expect(json<LobbyJson>(again).id).toBe(lobby.id);
      expect(s.filled).toHaveLength(0);
      const b = await find(u(1), { game_id: String(lobby.game_id) });
      expect(b.statusCode).toBe(200);
      expect(json<LobbyJson>(b)).toMatchObject({ id: lobby.id, status: 'full' });
      expect(json<LobbyJson>(b).members.map((m) => m.username)).toEqual(['ann', 'bob']);
      expect(s.filled.map((f) => [f.lobby.id, f.game.name])).toEqual([[lobby.id, 'rps']]);
      const c = await find(u(2), { game_name: 'rps' });
      expect(c.statusCode).toBe(201);
      expect(json<LobbyJson>(c).id).not.toBe(lobby.id);
    });

    it('find and create errors: unknown game 404, both or neither game field 400, other game 409, no auth 401', async () => {
      const unknown = await find(u(0), { game_name: 'chess' });
      expect(unknown.statusCode).toBe(404);
      expect(errorCode(unknown)).toBe('GAME_NOT_FOUND');
      expect((await find(u(0), { game_name: 'rps', game_id: '1' })).statusCode).toBe(400);
      expect((await find(u(0), {})).statusCode).toBe(400);
      expect((await find(u(0), { game_id: 'one' })).statusCode).toBe(400);
      expect((await s.app.inject({ method: 'GET', url: '/lobby/find', query: { game_name: 'rps' } })).statusCode).toBe(401);
      await find(u(0), { game_name: 'rps' });
      const other = await find(u(0), { game_name: 'quad' });
      expect(other.statusCode).toBe(409);
      expect(errorCode(other)).toBe('ALREADY_IN_LOBBY');
      const create = await s.app.inject({ method: 'POST', url: '/lobby/create', headers: u(0).headers, payload: { game_name: 'quad' } });
      expect(create.statusCode).toBe(409);
      const wrongType = await s.app.inject({ method: 'POST', url: '/lobby/create', headers: u(1).headers, payload: { game_id: '2' } });
      expect(wrongType.statusCode).toBe(400);
    });

    it('create, get, all, mine, join, leave', async () => {
      const created = await s.app.inject({ method: 'POST', url: '/lobby/create', headers: u(0).headers, payload: { game_name: 'quad' } });
      expect(created.statusCode).toBe(201);
      const id = json<LobbyJson>(created).id;
      const got = await s.app.inject({ method: 'GET', url: '/lobby', headers: u(3).headers, query: { lobby_id: String(id) } });
      expect(json<LobbyJson>(got)).toMatchObject({ id, status: 'open', owner_id: u(0).id });
      expect((await s.app.inject({ method: 'GET', url: '/lobby', headers: u(3).headers, query: { lobby_id: '999999' } })).statusCode).toBe(404);
      expect((await s.app.inject({ method: 'GET', url: '/lobby', headers: u(3).headers, query: { lobby_id: '-1' } })).statusCode).toBe(400);

      const join = await s.app.inject({ method: 'POST', url: '/lobby/join', headers: u(1).headers, payload: { lobby_id: id } });
      expect(join.statusCode).toBe(200);
      expect(json<LobbyJson>(join).members).toHaveLength(2);
      const mine = await s.app.inject({ method: 'GET', url: '/lobby/mine', headers: u(1).headers });
      expect(json<LobbyJson>(mine).id).toBe(id);
      expect((await s.app.inject({ method: 'GET', url: '/lobby/mine', headers: u(4).headers })).statusCode).toBe(404);

      const all = await s.app.inject({ method: 'GET', url: '/lobby/all', headers: u(4).headers });
      expect(json<LobbyJson[]>(all).map((l) => l.id)).toEqual([id]);

      const notMember = await s.app.inject({ method: 'POST', url: '/lobby/leave', headers: u(4).headers, payload: { lobby_id: id } });
      expect(notMember.statusCode).toBe(403);
      const leave = await s.app.inject({ method: 'POST', url: '/lobby/leave', headers: u(0).headers, payload: { lobby_id: id } });
      expect(leave.statusCode).toBe(200);
      expect(json<LobbyJson>(leave)).toMatchObject({ owner_id: u(1).id });
      const last = await s.app.inject({ method: 'POST', url: '/lobby/leave', headers: u(1).headers, payload: { lobby_id: id } });
      expect(json<LobbyJson>(last)).toMatchObject({ status: 'ended', end_reason: 'abandoned' });
      const ended = await s.app.inject({ method: 'GET', url: '/lobby/all', headers: u(4).headers, query: { status: 'ended' } });
      expect(json<LobbyJson[]>(ended).map((l) => l.id)).toEqual([id]);
      const closed = await s.app.inject({ method: 'POST', url: '/lobby/join', headers: u(2).headers, payload: { lobby_id: id } });
      expect(closed.statusCode).toBe(409);
      expect(errorCode(closed)).toBe('LOBBY_CLOSED');
    });

    it('a full lobby refuses joins', async () => {
      const id = json<LobbyJson>(await find(u(0), { game_name: 'rps' })).id;
      await find(u(1), { game_name: 'rps' });
      const res = await s.app.inject({ method: 'POST', url: '/lobby/join', headers: u(2).headers, payload: { lobby_id: id } });
      expect(res.statusCode).toBe(409);
      expect(['LOBBY_FULL', 'LOBBY_CLOSED']).toContain(errorCode(res));
    });

    it("GET /lobby/friends lists open lobbies with space that hold a friend", async () => {
      await s.app.inject({ method: 'POST', url: '/friends/add', headers: u(0).headers, payload: { username: 'bob' } });
      const bobs = json<LobbyJson>(await s.app.inject({ method: 'POST', url: '/lobby/create', headers: u(1).headers, payload: { game_name: 'quad' } }));
      await s.app.inject({ method: 'POST', url: '/lobby/create', headers: u(2).headers, payload: { game_name: 'quad' } });
      const res = await s.app.inject({ method: 'GET', url: '/lobby/friends', headers: u(0).headers });
      expect(res.statusCode).toBe(200);
      expect(json<LobbyJson[]>(res).map((l) => l.id)).toEqual([bobs.id]);
    });

    it('200 concurrent finds for a 4-player game make exactly 50 full lobbies', async () => {
      const many: TestUser[] = [];
      for (let i = 0; i < 200; i++) {
        const username = `p${i}`;
        const account = await s.repo.createAccount(username, 'scrypt$1$1$1$AA==$AA==', s.clock.now);
        const token = `${'t'.repeat(37)}${String(i).padStart(6, '0')}`;
        const { sha256Hex } = await import('../../../lib/services/accounts/tokens.js');
        await s.repo.createSession(account.id, sha256Hex(token), s.clock.now, s.clock.now + 3_600_000);
        many.push({ id: account.id, username, password: '', token, headers: { authorization: `Bearer ${token}` } });
      }
      const replies = await Promise.all(many.map((m) => find(m, { game_name: 'quad' })));
      expect(replies.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);
      const lobbies = await s.repo.listLobbies({ status: ['open', 'full', 'starting', 'running', 'ended'], limit: 1000 });
      expect(lobbies).toHaveLength(50);
      expect(lobbies.every((l) => l.members.length === 4 && l.status === 'full')).toBe(true);
      expect(new Set(lobbies.flatMap((l) => l.members.map((m) => m.accountId))).size).toBe(200);
      expect(s.filled).toHaveLength(50);
    });
  });
}
