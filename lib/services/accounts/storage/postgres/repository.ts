/**
 * The accounts service's storage on PostgreSQL: several service processes may share one
 * database, so every read-then-write runs in a transaction holding row locks (see
 * matchmaking.ts for the lock order). The queries live in the per-topic modules beside this one.
 */
import type pg from 'pg';
import type {
  Account,
  AccountWithPassword,
  FriendEntry,
  Game,
  GameDefinition,
  HistoryEntry,
  JoinOutcome,
  LeaderboardEntry,
  Lobby,
  LobbyServer,
  LobbyStatus,
  Repository,
  ScoreResult,
  Session,
} from '../types.js';
import * as accounts from './accounts.js';
import * as games from './games.js';
import * as lobbies from './lobbies.js';
import * as matchmaking from './matchmaking.js';
import { migrate } from './migrations.js';
import { createPool } from './pool.js';
import * as scores from './scores.js';
import * as social from './social.js';

export class PostgresRepository implements Repository {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  /** A `postgres://` URL or a pg pool configuration (e.g. with `options: '-c search_path=…'`). */
  constructor(config: string | pg.PoolConfig) {
    this.pool = createPool(config);
  }

  migrate(): Promise<void> {
    return migrate(this.pool);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  createAccount(username: string, passwordHash: string, now: number): Promise<Account> {
    return accounts.createAccount(this.pool, username, passwordHash, now);
  }

  findAccountByUsername(username: string): Promise<AccountWithPassword | null> {
    return accounts.findAccountByUsername(this.pool, username);
  }

  getAccount(id: number): Promise<Account | null> {
    return accounts.getAccount(this.pool, id);
  }

  createSession(accountId: number, tokenHash: string, now: number, expiresAt: number): Promise<Session> {
    return accounts.createSession(this.pool, accountId, tokenHash, now, expiresAt);
  }

  findSessionByTokenHash(tokenHash: string): Promise<Session | null> {
    return accounts.findSessionByTokenHash(this.pool, tokenHash);
  }
  findTokenOwner(tokenHash: string): Promise<{ session: Session; account: Account } | null> {
    return accounts.findTokenOwner(this.pool, tokenHash);
  }

  revokeSession(sessionId: number, now: number): Promise<boolean> {
    return accounts.revokeSession(this.pool, sessionId, now);
  }

  recordCertificate(accountId: number, sessionId: number, certificateHash: string, now: number, expiresAt: number): Promise<void> {
    return accounts.recordCertificate(this.pool, accountId, sessionId, certificateHash, now, expiresAt);
  }

  findCertificate(certificateHash: string): Promise<{ accountId: number; expiresAt: number; revoked: boolean } | null> {
    return accounts.findCertificate(this.pool, certificateHash);
  }

  upsertGames(definitions: readonly GameDefinition[]): Promise<Game[]> {
    return games.upsertGames(this.pool, definitions);
  }

  listGames(): Promise<Game[]> {
    return games.listGames(this.pool);
  }

  getGame(id: number): Promise<Game | null> {
    return games.getGame(this.pool, id);
  }

  findGameByName(name: string): Promise<Game | null> {
    return games.findGameByName(this.pool, name);
  }

  addFriend(accountId: number, friendId: number, now: number): Promise<FriendEntry> {
    return social.addFriend(this.pool, accountId, friendId, now);
  }

  removeFriend(accountId: number, friendId: number): Promise<boolean> {
    return social.removeFriend(this.pool, accountId, friendId);
  }

  listFriends(accountId: number): Promise<FriendEntry[]> {
    return social.listFriends(this.pool, accountId);
  }

  block(accountId: number, blockedId: number, now: number): Promise<void> {
    return social.block(this.pool, accountId, blockedId, now);
  }

  unblock(accountId: number, blockedId: number): Promise<boolean> {
    return social.unblock(this.pool, accountId, blockedId);
  }

  listBlocked(accountId: number): Promise<FriendEntry[]> {
    return social.listBlocked(this.pool, accountId);
  }

  getLobby(id: number): Promise<Lobby | null> {
    return lobbies.getLobby(this.pool, id);
  }

  listLobbies(filter?: { status?: readonly LobbyStatus[]; gameId?: number; limit?: number }): Promise<Lobby[]> {
    return lobbies.listLobbies(this.pool, filter);
  }

  activeLobbyOf(accountId: number): Promise<Lobby | null> {
    return lobbies.activeLobbyOf(this.pool, accountId);
  }

  createLobby(gameId: number, accountId: number, now: number): Promise<JoinOutcome> {
    return matchmaking.createLobby(this.pool, gameId, accountId, now);
  }

  findOrCreateLobby(gameId: number, accountId: number, now: number): Promise<JoinOutcome> {
    return matchmaking.findOrCreateLobby(this.pool, gameId, accountId, now);
  }

  joinLobby(lobbyId: number, accountId: number, now: number): Promise<JoinOutcome> {
    return matchmaking.joinLobby(this.pool, lobbyId, accountId, now);
  }

  leaveLobby(lobbyId: number, accountId: number, now: number): Promise<Lobby> {
    return matchmaking.leaveLobby(this.pool, lobbyId, accountId, now);
  }

  friendsLobbies(accountId: number): Promise<Lobby[]> {
    return lobbies.friendsLobbies(this.pool, accountId);
  }

  transitionLobby(lobbyId: number, from: LobbyStatus, to: 'starting' | 'running', server?: LobbyServer): Promise<boolean> {
    return matchmaking.transitionLobby(this.pool, lobbyId, from, to, server);
  }

  endLobby(lobbyId: number, reason: string, now: number): Promise<boolean> {
    return matchmaking.endLobby(this.pool, lobbyId, reason, now);
  }

  lobbiesAwaitingServer(limit: number): Promise<Lobby[]> {
    return lobbies.lobbiesAwaitingServer(this.pool, limit);
  }

  recordResults(lobbyId: number, results: readonly ScoreResult[], now: number): Promise<void> {
    return scores.recordResults(this.pool, lobbyId, results, now);
  }

  leaderboard(gameId: number, limit?: number): Promise<LeaderboardEntry[]> {
    return scores.leaderboard(this.pool, gameId, limit);
  }

  history(accountId: number, limit?: number): Promise<HistoryEntry[]> {
    return scores.history(this.pool, accountId, limit);
  }
}
