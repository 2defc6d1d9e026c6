/**
 * The Repository contract: one suite every storage implementation passes (SQLite, PostgreSQL).
 * `open` must give a fresh, empty database each call; the suite migrates and closes it.
 *
 * Usernames here are lowercase ASCII wherever an order is checked, so the expected order is the
 * same under any collation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceError, type ServiceErrorCodeName } from '../../../lib/services/accounts/errors.js';
import type { Account, Game, GameDefinition, Repository } from '../../../lib/services/accounts/storage/types.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

const DUO: GameDefinition = { name: 'duo', minPlayers: 2, maxPlayers: 2, module: 'rps' };
const QUAD: GameDefinition = { name: 'quad', minPlayers: 2, maxPlayers: 4, module: null };

async function rejectsWith(promise: Promise<unknown>, code: ServiceErrorCodeName): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect(error).toMatchObject({ code });
}

export function describeRepositoryContract(name: string, open: () => Promise<Repository>): void {
  describe(`Repository contract on ${name}`, () => {
    let repo: Repository;

    beforeEach(async () => {
      repo = await open();
      await repo.migrate();
    });
    afterEach(async () => {
      await repo.close();
    });

    async function accounts(...names: string[]): Promise<Account[]> {
      const created: Account[] = [];
      for (const username of names) created.push(await repo.createAccount(username, `scrypt$${username}`, T0));
      return created;
    }

    async function games(): Promise<{ duo: Game; quad: Game }> {
      const all = await repo.upsertGames([DUO, QUAD]);
      const duo = all.find((g) => g.name === DUO.name);
      const quad = all.find((g) => g.name === QUAD.name);
      if (duo === undefined || quad === undefined) throw new Error('upsertGames lost a game');
      return { duo, quad };
    }

    /** A finished duo match between `a` (owner) and `b`, with results. Returns the lobby id. */
    async function playDuo(game: Game, a: Account, b: Account, scores: [number, number], at: number): Promise<number> {
      const { lobby } = await repo.createLobby(game.id, a.id, at);
      await repo.joinLobby(lobby.id, b.id, at);
      await repo.endLobby(lobby.id, 'finished', at);
      await repo.recordResults(
        lobby.id,
        [
          { accountId: a.id, score: scores[0] },
          { accountId: b.id, score: scores[1] },
        ],
        at,
      );
      return lobby.id;
    }

    describe('migrations', () => {
      it('migrate() is idempotent and keeps the data', async () => {
        const [amy] = await accounts('amy');
        await repo.migrate();
        await repo.migrate();
        expect(await repo.getAccount(amy!.id)).toEqual({ id: amy!.id, username: 'amy', createdAt: T0 });
        expect(repo.kind).toMatch(/^(sqlite|postgres)$/);
      });
    });

    describe('accounts', () => {
      it('createAccount rejects a taken username with USERNAME_TAKEN', async () => {
        await accounts('amy');
        await rejectsWith(repo.createAccount('amy', 'scrypt$other', T0 + 1), 'USERNAME_TAKEN');
        expect((await repo.findAccountByUsername('amy'))?.passwordHash).toBe('scrypt$amy');
      });

      it('creates an account and finds it by id and by username, with its password hash', async () => {
        const amy = await repo.createAccount('amy', 'scrypt$hash', T0);
        expect(amy).toEqual({ id: expect.any(Number), username: 'amy', createdAt: T0 });
        expect(amy.id).toBeGreaterThan(0);
        expect(await repo.getAccount(amy.id)).toEqual(amy);
        expect(await repo.findAccountByUsername('amy')).toEqual({ ...amy, passwordHash: 'scrypt$hash' });
      });

      it('returns null for unknown accounts', async () => {
        expect(await repo.getAccount(12345)).toBeNull();
        expect(await repo.findAccountByUsername('nobody')).toBeNull();
      });

      it('compares usernames exactly: case-sensitive', async () => {
        const [lower, upper] = await accounts('amy', 'Amy');
        expect(lower!.id).not.toBe(upper!.id);
        expect((await repo.findAccountByUsername('Amy'))?.id).toBe(upper!.id);
        expect(await repo.findAccountByUsername('AMY')).toBeNull();
        expect(await repo.findAccountByUsername('amy ')).toBeNull();
      });

      it('stores and compares SQL metacharacters and unicode literally', async () => {
        const names = [
          "Robert'); DROP TABLE accounts;--",
          '%',
          '_',
          'a\\b',
          '\\',
          "'",
          '"',
          'a%',
          'abc',
          '名前-ünïcødé-🎮',
          'e\u0301', // "é" as e + combining accent: a different name from the precomposed one
        ];
        const created = await accounts(...names);
        for (const [i, username] of names.entries()) {
          const found = await repo.findAccountByUsername(username);
          expect(found?.username).toBe(username);
          expect(found?.id).toBe(created[i]!.id);
          expect((await repo.getAccount(created[i]!.id))?.username).toBe(username);
        }
        // LIKE-style wildcards match only themselves.
        expect((await repo.findAccountByUsername('%'))?.id).toBe(created[1]!.id);
        expect((await repo.findAccountByUsername('_'))?.id).toBe(created[2]!.id);
        expect(await repo.findAccountByUsername('a_c')).toBeNull();
        expect(await repo.findAccountByUsername('ab%')).toBeNull();
        expect(await repo.findAccountByUsername('a\\\\b')).toBeNull();
        expect(await repo.findAccountByUsername('\u00e9')).toBeNull();
        // And the table survived its namesake.
        await rejectsWith(repo.createAccount("Robert'); DROP TABLE accounts;--", 'x', T0), 'USERNAME_TAKEN');
      });
    });

    describe('sessions and certificates', () => {
      it('creates a session and finds it by token hash', async () => {
        const [amy] = await accounts('amy');
        const session = await repo.createSession(amy!.id, 'hash-1', T0, T0 + HOUR);
        expect(session).toEqual({
          id: expect.any(Number),
          accountId: amy!.id,
          createdAt: T0,
          expiresAt: T0 + HOUR,
          revokedAt: null,
          revokedReason: null,
        });
        expect(await repo.findSessionByTokenHash('hash-1')).toEqual(session);
        expect(await repo.findSessionByTokenHash('hash-2')).toBeNull();
        const owner = await repo.findTokenOwner('hash-1');
        expect(owner?.session).toEqual(session);
        expect(owner?.account).toEqual(await repo.getAccount(session.accountId));
        expect(await repo.findTokenOwner('hash-2')).toBeNull();
      });

      it("createSession supersedes the account's older live sessions, and only that account's", async () => {
        const [amy, bob] = await accounts('amy', 'bob');
        const first = await repo.createSession(amy!.id, 'amy-1', T0, T0 + HOUR);
        const bobs = await repo.createSession(bob!.id, 'bob-1', T0, T0 + HOUR);
        const second = await repo.createSession(amy!.id, 'amy-2', T0 + 10, T0 + 10 + HOUR);
        expect(await repo.findSessionByTokenHash('amy-1')).toEqual({
          ...first,
          revokedAt: T0 + 10,
          revokedReason: 'superseded',
        });
        expect(await repo.findSessionByTokenHash('amy-2')).toEqual(second);
        expect(second.revokedAt).toBeNull();
        expect(await repo.findSessionByTokenHash('bob-1')).toEqual(bobs);
      });

      it('revokeSession marks it logged out, revokes its certificates only, and is false the second time', async () => {
        const [amy, bob] = await accounts('amy', 'bob');
        const session = await repo.createSession(amy!.id, 'amy-1', T0, T0 + HOUR);
        const other = await repo.createSession(bob!.id, 'bob-1', T0, T0 + HOUR);
        await repo.recordCertificate(amy!.id, session.id, 'cert-a1', T0, T0 + HOUR);
        await repo.recordCertificate(amy!.id, session.id, 'cert-a2', T0 + 1, T0 + HOUR);
        await repo.recordCertificate(bob!.id, other.id, 'cert-b', T0, T0 + HOUR);

        expect(await repo.revokeSession(session.id, T0 + 5)).toBe(true);
        expect(await repo.revokeSession(session.id, T0 + 6)).toBe(false);

        expect(await repo.findSessionByTokenHash('amy-1')).toEqual({ ...session, revokedAt: T0 + 5, revokedReason: 'logout' });
        expect(await repo.findCertificate('cert-a1')).toEqual({ accountId: amy!.id, expiresAt: T0 + HOUR, revoked: true });
        expect(await repo.findCertificate('cert-a2')).toMatchObject({ revoked: true });
        expect(await repo.findCertificate('cert-b')).toEqual({ accountId: bob!.id, expiresAt: T0 + HOUR, revoked: false });
        expect((await repo.findSessionByTokenHash('bob-1'))?.revokedAt).toBeNull();
      });

      it('findCertificate: null when never issued, live when issued', async () => {
        const [amy] = await accounts('amy');
        const session = await repo.createSession(amy!.id, 'amy-1', T0, T0 + HOUR);
        expect(await repo.findCertificate('ab'.repeat(32))).toBeNull();
        await repo.recordCertificate(amy!.id, session.id, 'ab'.repeat(32), T0, T0 + 2 * HOUR);
        expect(await repo.findCertificate('ab'.repeat(32))).toEqual({ accountId: amy!.id, expiresAt: T0 + 2 * HOUR, revoked: false });
      });
    });

    describe('games', () => {
      it('upsertGames inserts, then updates by name keeping ids, returning all games by id', async () => {
        const first = await repo.upsertGames([DUO, QUAD]);
        expect(first.map((g) => g.name)).toEqual(['duo', 'quad']);
        expect(first[0]).toEqual({ id: expect.any(Number), ...DUO });
        expect(first[1]).toEqual({ id: expect.any(Number), ...QUAD });

        const second = await repo.upsertGames([
          { ...QUAD, maxPlayers: 6, module: 'quad-v2' },
          { name: 'solo', minPlayers: 1, maxPlayers: 1, module: null },
        ]);
        expect(second.map((g) => g.name)).toEqual(['duo', 'quad', 'solo']);
        expect(second[0]).toEqual(first[0]);
        expect(second[1]).toEqual({ ...first[1], maxPlayers: 6, module: 'quad-v2' });
        expect(second[2]!.id).toBeGreaterThan(second[1]!.id);
        expect(await repo.listGames()).toEqual(second);
      });

      it('getGame and findGameByName find a game or return null', async () => {
        const { duo } = await games();
        expect(await repo.getGame(duo.id)).toEqual(duo);
        expect(await repo.findGameByName('duo')).toEqual(duo);
        expect(await repo.getGame(duo.id + 1000)).toBeNull();
        expect(await repo.findGameByName('Duo')).toBeNull();
        expect(await repo.findGameByName('%')).toBeNull();
      });
    });

    describe('friends and blocks', () => {
      it('addFriend rejects oneself with BAD_REQUEST', async () => {
        const [amy] = await accounts('amy');
        await rejectsWith(repo.addFriend(amy!.id, amy!.id, T0), 'BAD_REQUEST');
      });

      it('addFriend rejects an existing friendship from either side with ALREADY_FRIENDS', async () => {
        const [amy, bob] = await accounts('amy', 'bob');
        await repo.addFriend(amy!.id, bob!.id, T0);
        await rejectsWith(repo.addFriend(amy!.id, bob!.id, T0 + 1), 'ALREADY_FRIENDS');
        await rejectsWith(repo.addFriend(bob!.id, amy!.id, T0 + 1), 'ALREADY_FRIENDS');
      });

      it('addFriend rejects with BLOCKED when either account blocks the other', async () => {
        const [amy, bob] = await accounts('amy', 'bob');
        await repo.block(amy!.id, bob!.id, T0);
        await rejectsWith(repo.addFriend(amy!.id, bob!.id, T0 + 1), 'BLOCKED');
        await rejectsWith(repo.addFriend(bob!.id, amy!.id, T0 + 1), 'BLOCKED');
        expect(await repo.listFriends(amy!.id)).toEqual([]);
      });

      it('friendship is symmetric, listed by username, and removable from either side', async () => {
        const [amy, bob, cat, dan] = await accounts('amy', 'bob', 'cat', 'dan');
        expect(await repo.addFriend(amy!.id, dan!.id, T0 + 1)).toEqual({ accountId: dan!.id, username: 'dan', since: T0 + 1 });
        await repo.addFriend(cat!.id, amy!.id, T0 + 2);
        await repo.addFriend(amy!.id, bob!.id, T0 + 3);

        expect(await repo.listFriends(amy!.id)).toEqual([
          { accountId: bob!.id, username: 'bob', since: T0 + 3 },
          { accountId: cat!.id, username: 'cat', since: T0 + 2 },
          { accountId: dan!.id, username: 'dan', since: T0 + 1 },
        ]);
        expect(await repo.listFriends(cat!.id)).toEqual([{ accountId: amy!.id, username: 'amy', since: T0 + 2 }]);

        expect(await repo.removeFriend(dan!.id, amy!.id)).toBe(true);
        expect(await repo.removeFriend(amy!.id, dan!.id)).toBe(false);
        expect(await repo.removeFriend(bob!.id, cat!.id)).toBe(false);
        expect((await repo.listFriends(amy!.id)).map((f) => f.username)).toEqual(['bob', 'cat']);
        expect(await repo.listFriends(dan!.id)).toEqual([]);
      });

      it('block rejects oneself with BAD_REQUEST', async () => {
        const [amy] = await accounts('amy');
        await rejectsWith(repo.block(amy!.id, amy!.id, T0), 'BAD_REQUEST');
      });

      it('block ends the friendship, is idempotent and directional; unblock reports whether it was blocked', async () => {
        const [amy, bob, cat] = await accounts('amy', 'bob', 'cat');
        await repo.addFriend(amy!.id, cat!.id, T0);
        await repo.block(amy!.id, cat!.id, T0 + 1);
        await repo.block(amy!.id, cat!.id, T0 + 2);
        await repo.block(amy!.id, bob!.id, T0 + 3);

        expect(await repo.listFriends(amy!.id)).toEqual([]);
        expect(await repo.listFriends(cat!.id)).toEqual([]);
        expect(await repo.listBlocked(amy!.id)).toEqual([
          { accountId: bob!.id, username: 'bob', since: T0 + 3 },
          { accountId: cat!.id, username: 'cat', since: T0 + 1 },
        ]);
        expect(await repo.listBlocked(cat!.id)).toEqual([]);

        expect(await repo.unblock(cat!.id, amy!.id)).toBe(false);
        expect(await repo.unblock(amy!.id, cat!.id)).toBe(true);
        expect(await repo.unblock(amy!.id, cat!.id)).toBe(false);
        expect((await repo.listBlocked(amy!.id)).map((b) => b.username)).toEqual(['bob']);
        // Unblocking does not bring the friendship back, but allows a new one.
        expect(await repo.listFriends(amy!.id)).toEqual([]);
        await repo.addFriend(cat!.id, amy!.id, T0 + 4);
        expect((await repo.listFriends(amy!.id)).map((f) => f.username)).toEqual(['cat']);
      });
    });

    describe('lobbies', () => {
      it('createLobby rejects an account already in a lobby with ALREADY_IN_LOBBY', async () => {
        const { duo, quad } = await games();
        const [amy] = await accounts('amy');
        await repo.createLobby(duo.id, amy!.id, T0);
        await rejectsWith(repo.createLobby(duo.id, amy!.id, T0 + 1), 'ALREADY_IN_LOBBY');
        await rejectsWith(repo.createLobby(quad.id, amy!.id, T0 + 1), 'ALREADY_IN_LOBBY');
        expect(await repo.listLobbies()).toHaveLength(1);
      });

      it('createLobby makes the account owner and first member of a new open lobby', async () => {
        const { quad } = await games();
        const [amy] = await accounts('amy');
        const outcome = await repo.createLobby(quad.id, amy!.id, T0);
        expect(outcome).toEqual({
          created: true,
          becameFull: false,
          lobby: {
            id: expect.any(Number),
            gameId: quad.id,
            ownerId: amy!.id,
            status: 'open',
            maxPlayers: 4,
            members: [{ accountId: amy!.id, username: 'amy', joinedAt: T0 }],
            server: null,
            createdAt: T0,
            endedAt: null,
            endReason: null,
          },
        });
        expect(await repo.getLobby(outcome.lobby.id)).toEqual(outcome.lobby);
        expect(await repo.activeLobbyOf(amy!.id)).toEqual(outcome.lobby);
      });

      it('getLobby and activeLobbyOf return null when there is none', async () => {
        const [amy] = await accounts('amy');
        expect(await repo.getLobby(999)).toBeNull();
        expect(await repo.activeLobbyOf(amy!.id)).toBeNull();
      });

      it('joinLobby rejects LOBBY_NOT_FOUND, ALREADY_IN_LOBBY, LOBBY_FULL and LOBBY_CLOSED', async () => {
        const { duo, quad } = await games();
        const [amy, bob, cat, dan, eve] = await accounts('amy', 'bob', 'cat', 'dan', 'eve');
        await rejectsWith(repo.joinLobby(999, amy!.id, T0), 'LOBBY_NOT_FOUND');

        const full = (await repo.createLobby(duo.id, amy!.id, T0)).lobby;
        await repo.joinLobby(full.id, bob!.id, T0);
        await rejectsWith(repo.joinLobby(full.id, cat!.id, T0), 'LOBBY_FULL');

        const open = (await repo.createLobby(quad.id, cat!.id, T0)).lobby;
        await rejectsWith(repo.joinLobby(open.id, cat!.id, T0), 'ALREADY_IN_LOBBY');
        await rejectsWith(repo.joinLobby(open.id, amy!.id, T0), 'ALREADY_IN_LOBBY');

        const ended = (await repo.createLobby(quad.id, dan!.id, T0)).lobby;
        await repo.endLobby(ended.id, 'cancelled', T0 + 1);
        await rejectsWith(repo.joinLobby(ended.id, eve!.id, T0 + 2), 'LOBBY_CLOSED');
        expect(await repo.activeLobbyOf(eve!.id)).toBeNull();
      });

      it('joinLobby seats members in join order (then id) and reports becameFull on the last seat only', async () => {
        const { quad } = await games();
        const [owner, b, c, d] = await accounts('owner', 'b', 'c', 'd');
        const { lobby } = await repo.createLobby(quad.id, owner!.id, T0 + 10);
        const joinC = await repo.joinLobby(lobby.id, c!.id, T0 + 20);
        const joinD = await repo.joinLobby(lobby.id, d!.id, T0 + 15);
        expect(joinC).toMatchObject({ created: false, becameFull: false });
        expect(joinD).toMatchObject({ created: false, becameFull: false, lobby: { status: 'open' } });
        const joinB = await repo.joinLobby(lobby.id, b!.id, T0 + 20);
        expect(joinB.created).toBe(false);
        expect(joinB.becameFull).toBe(true);
        expect(joinB.lobby.status).toBe('full');
        expect(joinB.lobby.members).toEqual([
          { accountId: owner!.id, username: 'owner', joinedAt: T0 + 10 },
          { accountId: d!.id, username: 'd', joinedAt: T0 + 15 },
          { accountId: b!.id, username: 'b', joinedAt: T0 + 20 },
          { accountId: c!.id, username: 'c', joinedAt: T0 + 20 },
        ]);
        expect(await repo.getLobby(lobby.id)).toEqual(joinB.lobby);
      });

      it('leaveLobby rejects LOBBY_NOT_FOUND, FORBIDDEN for non-members and LOBBY_CLOSED once starting', async () => {
        const { duo } = await games();
        const [amy, bob, cat] = await accounts('amy', 'bob', 'cat');
        await rejectsWith(repo.leaveLobby(999, amy!.id, T0), 'LOBBY_NOT_FOUND');
        const { lobby } = await repo.createLobby(duo.id, amy!.id, T0);
        await rejectsWith(repo.leaveLobby(lobby.id, bob!.id, T0), 'FORBIDDEN');
        await repo.joinLobby(lobby.id, bob!.id, T0);
        await rejectsWith(repo.leaveLobby(lobby.id, cat!.id, T0), 'FORBIDDEN');
        expect(await repo.transitionLobby(lobby.id, 'full', 'starting')).toBe(true);
        await rejectsWith(repo.leaveLobby(lobby.id, bob!.id, T0), 'LOBBY_CLOSED');
        expect((await repo.getLobby(lobby.id))?.members).toHaveLength(2);
      });

      it('leaving a full lobby (no server yet) opens it again for the next player', async () => {
        const { duo } = await games();
        const [amy, bob, cat] = await accounts('amy', 'bob', 'cat');
        const { lobby } = await repo.createLobby(duo.id, amy!.id, T0);
        expect((await repo.joinLobby(lobby.id, bob!.id, T0 + 1)).becameFull).toBe(true);
        const left = await repo.leaveLobby(lobby.id, amy!.id, T0 + 2);
        expect(left).toMatchObject({ status: 'open', ownerId: bob!.id });
        const refill = await repo.findOrCreateLobby(duo.id, cat!.id, T0 + 3);
        expect(refill).toMatchObject({ created: false, becameFull: true });
        expect(refill.lobby.id).toBe(lobby.id);
      });

      it('leaving passes ownership to the next member; the last one out ends the lobby as abandoned', async () => {
        const { quad } = await games();
        const [amy, bob, cat] = await accounts('amy', 'bob', 'cat');
        const { lobby } = await repo.createLobby(quad.id, amy!.id, T0);
        await repo.joinLobby(lobby.id, bob!.id, T0 + 1);
        await repo.joinLobby(lobby.id, cat!.id, T0 + 2);

        const afterCat = await repo.leaveLobby(lobby.id, cat!.id, T0 + 3);
        expect(afterCat.ownerId).toBe(amy!.id);
        expect(afterCat.members.map((m) => m.username)).toEqual(['amy', 'bob']);
        expect(await repo.activeLobbyOf(cat!.id)).toBeNull();

        const afterAmy = await repo.leaveLobby(lobby.id, amy!.id, T0 + 4);
        expect(afterAmy).toMatchObject({ ownerId: bob!.id, status: 'open', endedAt: null });
        expect(afterAmy.members.map((m) => m.username)).toEqual(['bob']);

        const afterBob = await repo.leaveLobby(lobby.id, bob!.id, T0 + 5);
        expect(afterBob).toMatchObject({ status: 'ended', endReason: 'abandoned', endedAt: T0 + 5, members: [] });
        expect(await repo.getLobby(lobby.id)).toEqual(afterBob);
        expect(await repo.activeLobbyOf(bob!.id)).toBeNull();
        // Free to play again.
        expect((await repo.createLobby(quad.id, bob!.id, T0 + 6)).created).toBe(true);
      });

      it('findOrCreateLobby rejects ALREADY_IN_LOBBY for a lobby of another game', async () => {
        const { duo, quad } = await games();
        const [amy] = await accounts('amy');
        await repo.findOrCreateLobby(quad.id, amy!.id, T0);
        await rejectsWith(repo.findOrCreateLobby(duo.id, amy!.id, T0 + 1), 'ALREADY_IN_LOBBY');
      });

      it('findOrCreateLobby returns the lobby unchanged when already in one of this game', async () => {
        const { quad } = await games();
        const [amy, bob] = await accounts('amy', 'bob');
        const first = await repo.findOrCreateLobby(quad.id, amy!.id, T0);
        await repo.findOrCreateLobby(quad.id, bob!.id, T0 + 1);
        const again = await repo.findOrCreateLobby(quad.id, amy!.id, T0 + 2);
        expect(again.created).toBe(false);
        expect(again.becameFull).toBe(false);
        expect(again.lobby.id).toBe(first.lobby.id);
        expect(again.lobby.members.map((m) => m.joinedAt)).toEqual([T0, T0 + 1]);
      });

      it('findOrCreateLobby fills the oldest open lobby first and sets becameFull exactly once per lobby', async () => {
        const { duo } = await games();
        const players = await accounts('p1', 'p2', 'p3', 'p4', 'p5');
        const outcomes = [];
        for (const [i, p] of players.entries()) outcomes.push(await repo.findOrCreateLobby(duo.id, p.id, T0 + i));
        expect(outcomes.map((o) => o.created)).toEqual([true, false, true, false, true]);
        expect(outcomes.map((o) => o.becameFull)).toEqual([false, true, false, true, false]);
        const ids = outcomes.map((o) => o.lobby.id);
        expect(ids[1]).toBe(ids[0]);
        expect(ids[3]).toBe(ids[2]);
        expect(ids[2]).toBeGreaterThan(ids[0]!);
        expect(ids[4]).toBeGreaterThan(ids[2]!);
        expect(outcomes[4]!.lobby.status).toBe('open');

        // With two open lobbies, the older one (lower id) gets the next player.
        const [q1, q2, q3] = await accounts('q1', 'q2', 'q3');
        const older = (await repo.createLobby(duo.id, q1!.id, T0 + 10)).lobby;
        expect(older.id).toBeGreaterThan(ids[4]!);
        const joined = await repo.findOrCreateLobby(duo.id, q2!.id, T0 + 11);
        expect(joined.lobby.id).toBe(ids[4]);
        expect((await repo.findOrCreateLobby(duo.id, q3!.id, T0 + 12)).lobby.id).toBe(older.id);
      });

      it('findOrCreateLobby skips lobbies that are not open', async () => {
        const { duo } = await games();
        const [amy, bob] = await accounts('amy', 'bob');
        const ended = (await repo.createLobby(duo.id, amy!.id, T0)).lobby;
        await repo.endLobby(ended.id, 'cancelled', T0 + 1);
        const outcome = await repo.findOrCreateLobby(duo.id, bob!.id, T0 + 2);
        expect(outcome.created).toBe(true);
        expect(outcome.lobby.id).not.toBe(ended.id);
      });

      it('200 concurrent findOrCreateLobby calls make exactly 50 full lobbies of 4', async () => {
        const { quad } = await games();
        const players = await accounts(...Array.from({ length: 200 }, (_, i) => `player-${i}`));
        const outcomes = await Promise.all(players.map((p, i) => repo.findOrCreateLobby(quad.id, p.id, T0 + i)));
        expect(outcomes.filter((o) => o.becameFull)).toHaveLength(50);
        expect(outcomes.filter((o) => o.created)).toHaveLength(50);

        const lobbies = await repo.listLobbies({ gameId: quad.id, limit: 1000 });
        expect(lobbies).toHaveLength(50);
        for (const lobby of lobbies) {
          expect(lobby.status).toBe('full');
          expect(lobby.members).toHaveLength(4);
        }
        const seated = new Set(lobbies.flatMap((l) => l.members.map((m) => m.accountId)));
        expect(seated.size).toBe(200);
        const fullIds = new Set(outcomes.filter((o) => o.becameFull).map((o) => o.lobby.id));
        expect(fullIds.size).toBe(50);
      });

      it('listLobbies orders by id and filters by status, game and limit', async () => {
        const { duo, quad } = await games();
        const [amy, bob, cat, dan] = await accounts('amy', 'bob', 'cat', 'dan');
        const a = (await repo.createLobby(duo.id, amy!.id, T0)).lobby;
        await repo.joinLobby(a.id, bob!.id, T0);
        const b = (await repo.createLobby(quad.id, cat!.id, T0)).lobby;
        const c = (await repo.createLobby(duo.id, dan!.id, T0)).lobby;
        await repo.endLobby(c.id, 'cancelled', T0 + 1);

        expect((await repo.listLobbies()).map((l) => l.id)).toEqual([a.id, b.id, c.id]);
        expect((await repo.listLobbies({ status: ['open'] })).map((l) => l.id)).toEqual([b.id]);
        expect((await repo.listLobbies({ status: ['full', 'ended'] })).map((l) => l.id)).toEqual([a.id, c.id]);
        expect((await repo.listLobbies({ gameId: duo.id })).map((l) => l.id)).toEqual([a.id, c.id]);
        expect((await repo.listLobbies({ gameId: duo.id, status: ['ended'] })).map((l) => l.id)).toEqual([c.id]);
        expect((await repo.listLobbies({ limit: 2 })).map((l) => l.id)).toEqual([a.id, b.id]);
        expect((await repo.listLobbies({ status: ['running'] }))).toEqual([]);
      });

      it('listLobbies returns at most 100 by default', async () => {
        const { duo } = await games();
        const players = await accounts(...Array.from({ length: 101 }, (_, i) => `p${i}`));
        for (const p of players) await repo.createLobby(duo.id, p.id, T0);
        expect(await repo.listLobbies()).toHaveLength(100);
      });

      it("friendsLobbies lists open lobbies with space that hold one of the account's friends", async () => {
        const { duo, quad } = await games();
        const [me, friend1, friend2, friend3, stranger, other] = await accounts('me', 'f1', 'f2', 'f3', 'stranger', 'other');
        await repo.addFriend(me!.id, friend1!.id, T0);
        await repo.addFriend(friend2!.id, me!.id, T0);
        await repo.addFriend(me!.id, friend3!.id, T0);

        const withFriend = (await repo.createLobby(quad.id, stranger!.id, T0)).lobby;
        await repo.joinLobby(withFriend.id, friend1!.id, T0 + 1);
        await repo.createLobby(quad.id, other!.id, T0); // no friend in it
        const fullWithFriend = (await repo.createLobby(duo.id, friend2!.id, T0)).lobby;
        await repo.joinLobby(fullWithFriend.id, (await accounts('filler'))[0]!.id, T0);
        const endedWithFriend = (await repo.createLobby(quad.id, friend3!.id, T0)).lobby;
        await repo.endLobby(endedWithFriend.id, 'cancelled', T0);

        const found = await repo.friendsLobbies(me!.id);
        expect(found.map((l) => l.id)).toEqual([withFriend.id]);
        expect(found[0]!.members.map((m) => m.username)).toEqual(['stranger', 'f1']);
        expect(await repo.friendsLobbies(stranger!.id)).toEqual([]);
      });

      it('transitionLobby moves full → starting → running only from the expected state', async () => {
        const { duo } = await games();
        const [amy, bob] = await accounts('amy', 'bob');
        const { lobby } = await repo.createLobby(duo.id, amy!.id, T0);
        expect(await repo.transitionLobby(lobby.id, 'full', 'starting')).toBe(false);
        await repo.joinLobby(lobby.id, bob!.id, T0);

        expect(await repo.transitionLobby(lobby.id, 'full', 'starting')).toBe(true);
        expect(await repo.transitionLobby(lobby.id, 'full', 'starting')).toBe(false);
        expect((await repo.getLobby(lobby.id))?.status).toBe('starting');

        const certificate = new Uint8Array([0, 1, 2, 254, 255, 0]);
        const server = { host: '203.0.113.7', port: 40_001, certificate };
        expect(await repo.transitionLobby(lobby.id, 'starting', 'running', server)).toBe(true);
        expect(await repo.transitionLobby(lobby.id, 'starting', 'running', server)).toBe(false);
        const running = await repo.getLobby(lobby.id);
        expect(running?.status).toBe('running');
        expect(running?.server?.host).toBe('203.0.113.7');
        expect(running?.server?.port).toBe(40_001);
        expect(Buffer.from(running!.server!.certificate).toString('hex')).toBe('000102feff00');
      });

      it('transitionLobby leaves a lobby that ended meanwhile alone', async () => {
        const { duo } = await games();
        const [amy, bob] = await accounts('amy', 'bob');
        const { lobby } = await repo.createLobby(duo.id, amy!.id, T0);
        await repo.joinLobby(lobby.id, bob!.id, T0);
        await repo.endLobby(lobby.id, 'server-failed', T0 + 1);
        expect(await repo.transitionLobby(lobby.id, 'full', 'starting')).toBe(false);
        expect((await repo.getLobby(lobby.id))?.status).toBe('ended');
      });

      it('endLobby ends once, keeps the members listed and frees them for another lobby', async () => {
        const { duo } = await games();
        const [amy, bob] = await accounts('amy', 'bob');
        const { lobby } = await repo.createLobby(duo.id, amy!.id, T0);
        await repo.joinLobby(lobby.id, bob!.id, T0 + 1);

        expect(await repo.endLobby(lobby.id, 'finished', T0 + 2)).toBe(true);
        expect(await repo.endLobby(lobby.id, 'again', T0 + 3)).toBe(false);
        const ended = await repo.getLobby(lobby.id);
        expect(ended).toMatchObject({ status: 'ended', endReason: 'finished', endedAt: T0 + 2 });
        expect(ended?.members.map((m) => m.username)).toEqual(['amy', 'bob']);

        expect(await repo.activeLobbyOf(amy!.id)).toBeNull();
        expect(await repo.activeLobbyOf(bob!.id)).toBeNull();
        const next = await repo.findOrCreateLobby(duo.id, amy!.id, T0 + 4);
        expect(next.created).toBe(true);
        expect(next.lobby.id).not.toBe(lobby.id);
      });

      it('lobbiesAwaitingServer lists full lobbies of games with a module, oldest first, up to the limit', async () => {
        const { duo, quad } = await games();
        const ps = await accounts('a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'd1');
        const ids: number[] = [];
        for (let i = 0; i < 6; i += 2) {
          const { lobby } = await repo.createLobby(duo.id, ps[i]!.id, T0 + i);
          await repo.joinLobby(lobby.id, ps[i + 1]!.id, T0 + i);
          ids.push(lobby.id);
        }
        await repo.createLobby(quad.id, ps[6]!.id, T0); // open: not waiting
        await repo.transitionLobby(ids[1]!, 'full', 'starting'); // has a server coming
        // a full lobby of a game without a module never waits for a server
        const [q1, q2, q3, q4] = await accounts('q1', 'q2', 'q3', 'q4');
        const solo = await repo.createLobby(quad.id, q1!.id, T0);
        for (const q of [q2, q3, q4]) await repo.joinLobby(solo.lobby.id, q!.id, T0);
        expect((await repo.getLobby(solo.lobby.id))?.status).toBe('full');

        expect((await repo.lobbiesAwaitingServer(10)).map((l) => l.id)).toEqual([ids[0], ids[2]]);
        expect((await repo.lobbiesAwaitingServer(1)).map((l) => l.id)).toEqual([ids[0]]);
        expect(await repo.lobbiesAwaitingServer(0)).toEqual([]);
      });
    });

    describe('scores', () => {
      it('recordResults rejects a second post with RESULTS_RECORDED', async () => {
        const { duo } = await games();
        const [amy, bob] = await accounts('amy', 'bob');
        const lobbyId = await playDuo(duo, amy!, bob!, [3, 1], T0);
        await rejectsWith(repo.recordResults(lobbyId, [{ accountId: amy!.id, score: 99 }], T0 + 1), 'RESULTS_RECORDED');
        expect((await repo.leaderboard(duo.id)).map((e) => e.total)).toEqual([3, 1]);
      });

      it('recordResults rejects a non-member with BAD_REQUEST and records nothing', async () => {
        const { duo } = await games();
        const [amy, bob, cat] = await accounts('amy', 'bob', 'cat');
        const { lobby } = await repo.createLobby(duo.id, amy!.id, T0);
        await repo.joinLobby(lobby.id, bob!.id, T0);
        await rejectsWith(
          repo.recordResults(
            lobby.id,
            [
              { accountId: amy!.id, score: 1 },
              { accountId: cat!.id, score: 2 },
            ],
            T0,
          ),
          'BAD_REQUEST',
        );
        expect(await repo.leaderboard(duo.id)).toEqual([]);
        // The rejected post did not count as the lobby's results.
        await repo.recordResults(lobby.id, [{ accountId: bob!.id, score: 2 }], T0 + 1);
        expect(await repo.history(bob!.id)).toEqual([
          { lobbyId: lobby.id, gameId: duo.id, gameName: 'duo', score: 2, recordedAt: T0 + 1 },
        ]);
      });

      it('leaderboard: highest total, then more matches, then username; per game; limited', async () => {
        const { duo, quad } = await games();
        const [amy, bob, cat, dan, eve] = await accounts('amy', 'bob', 'cat', 'dan', 'eve');
        await playDuo(duo, amy!, bob!, [12, 4], T0 + 1);
        await playDuo(duo, bob!, cat!, [4, 6], T0 + 2);
        await playDuo(duo, cat!, bob!, [6, 4], T0 + 3);
        await playDuo(duo, eve!, dan!, [-5, 5], T0 + 4);
        await playDuo(duo, dan!, eve!, [0, 10], T0 + 5);
        // Another game's scores stay out of this board.
        const { lobby } = await repo.createLobby(quad.id, amy!.id, T0 + 6);
        await repo.endLobby(lobby.id, 'finished', T0 + 6);
        await repo.recordResults(lobby.id, [{ accountId: amy!.id, score: 1000 }], T0 + 6);

        expect(await repo.leaderboard(duo.id)).toEqual([
          { accountId: bob!.id, username: 'bob', total: 12, matches: 3, best: 4 },
          { accountId: cat!.id, username: 'cat', total: 12, matches: 2, best: 6 },
          { accountId: amy!.id, username: 'amy', total: 12, matches: 1, best: 12 },
          { accountId: dan!.id, username: 'dan', total: 5, matches: 2, best: 5 },
          { accountId: eve!.id, username: 'eve', total: 5, matches: 2, best: 10 },
        ]);
        expect((await repo.leaderboard(duo.id, 2)).map((e) => e.username)).toEqual(['bob', 'cat']);
        expect(await repo.leaderboard(quad.id)).toEqual([
          { accountId: amy!.id, username: 'amy', total: 1000, matches: 1, best: 1000 },
        ]);
      });

      it('leaderboard returns at most 20 by default and handles the 32-bit score range', async () => {
        const { duo } = await games();
        const players = await accounts(...Array.from({ length: 22 }, (_, i) => `p${String(i).padStart(2, '0')}`));
        for (let i = 0; i < 22; i += 2) await playDuo(duo, players[i]!, players[i + 1]!, [2 ** 31 - 1, -(2 ** 31)], T0 + i);
        const board = await repo.leaderboard(duo.id);
        expect(board).toHaveLength(20);
        expect(board[0]).toMatchObject({ username: 'p00', total: 2 ** 31 - 1, best: 2 ** 31 - 1 });
        expect(board[19]).toMatchObject({ total: -(2 ** 31), best: -(2 ** 31) });
      });

      it('history lists the account’s results newest first, with game names, limited', async () => {
        const { duo, quad } = await games();
        const [amy, bob, cat] = await accounts('amy', 'bob', 'cat');
        const first = await playDuo(duo, amy!, bob!, [1, 2], T0 + 100);
        const third = await playDuo(duo, cat!, amy!, [5, 7], T0 + 300);
        const { lobby } = await repo.createLobby(quad.id, amy!.id, T0 + 200);
        await repo.endLobby(lobby.id, 'finished', T0 + 200);
        await repo.recordResults(lobby.id, [{ accountId: amy!.id, score: -3 }], T0 + 200);

        expect(await repo.history(amy!.id)).toEqual([
          { lobbyId: third, gameId: duo.id, gameName: 'duo', score: 7, recordedAt: T0 + 300 },
          { lobbyId: lobby.id, gameId: quad.id, gameName: 'quad', score: -3, recordedAt: T0 + 200 },
          { lobbyId: first, gameId: duo.id, gameName: 'duo', score: 1, recordedAt: T0 + 100 },
        ]);
        expect((await repo.history(amy!.id, 1)).map((h) => h.lobbyId)).toEqual([third]);
        expect(await repo.history(bob!.id)).toEqual([
          { lobbyId: first, gameId: duo.id, gameName: 'duo', score: 2, recordedAt: T0 + 100 },
        ]);
        expect(await repo.history((await accounts('dan'))[0]!.id)).toEqual([]);
      });

      it('history returns at most 50 by default', async () => {
        const { duo } = await games();
        const [amy, bob] = await accounts('amy', 'bob');
        for (let i = 0; i < 51; i++) await playDuo(duo, amy!, bob!, [i, 0], T0 + i);
        const history = await repo.history(amy!.id);
        expect(history).toHaveLength(50);
        expect(history[0]!.score).toBe(50);
      });
    });
  });
}
