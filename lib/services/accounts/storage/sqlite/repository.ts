/**
 * The accounts service's storage on SQLite (better-sqlite3). The work is synchronous; methods
 * return promises only to share the Repository interface with PostgreSQL.
 *
 * Several processes may open one file: every read-then-write runs under BEGIN IMMEDIATE (see
 * Connection.write), and busy_timeout makes the others wait their turn.
 */
import { ServiceError } from '../../errors.js';
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
import { SqliteAccounts } from './accounts.js';
import { Checkpointer } from './checkpointer.js';
import { Connection } from './connection.js';
import { SqliteGames } from './games.js';
import { SqliteLobbyLifecycle } from './lobby-lifecycle.js';
import { SqliteLobbyReads } from './lobby-reads.js';
import { SqliteMatchmaking } from './matchmaking.js';
import { applyMigrations } from './migrations.js';
import { openDatabase } from './open.js';
import { SqliteScores } from './scores.js';
import { SqliteSessions, type CertificateStatus } from './sessions.js';
import { SqliteSocial } from './social.js';

const DEFAULT_LOBBY_LIMIT = 100;
const DEFAULT_LEADERBOARD_LIMIT = 20;
const DEFAULT_HISTORY_LIMIT = 50;

export class SqliteRepository implements Repository {
  readonly kind = 'sqlite';
  private readonly conn: Connection;
  private readonly accounts: SqliteAccounts;
  private readonly sessions: SqliteSessions;
  private readonly games: SqliteGames;
  private readonly social: SqliteSocial;
  private readonly lobbies: SqliteLobbyReads;
  private readonly matchmaking: SqliteMatchmaking;
  private readonly lifecycle: SqliteLobbyLifecycle;
  private readonly scores: SqliteScores;

  private readonly checkpointer: Checkpointer | undefined;

  /**
   * `path`: a database file (created if missing) or ':memory:'. Call migrate() before use.
   * `backgroundCheckpoints`: WAL checkpoints from a worker thread instead of inside commits (the
   * service turns it on; short-lived tools and tests do without the thread).
   */
  constructor(path: string, options: { backgroundCheckpoints?: boolean } = {}) {
    const db = openDatabase(path);
    const background = options.backgroundCheckpoints === true && path !== ':memory:' && path !== '';
    if (background) db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = background ? new Checkpointer(path) : undefined;
    this.conn = new Connection(db);
    this.accounts = new SqliteAccounts(this.conn);
    this.sessions = new SqliteSessions(this.conn);
    this.games = new SqliteGames(this.conn);
    this.social = new SqliteSocial(this.conn);
    this.lobbies = new SqliteLobbyReads(this.conn);
    this.matchmaking = new SqliteMatchmaking(this.conn, this.lobbies, this.games);
    this.lifecycle = new SqliteLobbyLifecycle(this.conn);
    this.scores = new SqliteScores(this.conn);
  }

  /** The underlying connection, for operators' tooling and tests (pragmas, backups). */
  get database(): Connection['db'] {
    return this.conn.db;
  }

  async migrate(): Promise<void> {
    applyMigrations(this.conn.db);
  }

  async close(): Promise<void> {
    // let writes already queued for the next group commit finish first
    await this.conn.grouped(() => undefined);
    await this.checkpointer?.close();
    this.conn.db.close();
  }

  // ---- accounts ----
  async createAccount(username: string, passwordHash: string, now: number): Promise<Account> {
    return this.conn.grouped(() => this.accounts.create(username, passwordHash, now));
  }
  async findAccountByUsername(username: string): Promise<AccountWithPassword | null> {
    return this.accounts.findByUsername(username);
  }
  async getAccount(id: number): Promise<Account | null> {
    return this.accounts.get(id);
  }

  // ---- sessions and certificates ----
  async createSession(accountId: number, tokenHash: string, now: number, expiresAt: number): Promise<Session> {
    return this.conn.grouped(() => this.sessions.create(accountId, tokenHash, now, expiresAt));
  }
  async findSessionByTokenHash(tokenHash: string): Promise<Session | null> {
    return this.sessions.findByTokenHash(tokenHash);
  }
  async findTokenOwner(tokenHash: string): Promise<{ session: Session; account: Account } | null> {
    return this.sessions.findOwner(tokenHash);
  }
  async revokeSession(sessionId: number, now: number): Promise<boolean> {
    return this.conn.grouped(() => this.sessions.revoke(sessionId, now));
  }
  async recordCertificate(accountId: number, sessionId: number, certificateHash: string, now: number, expiresAt: number): Promise<void> {
    await this.conn.grouped(() => this.sessions.recordCertificate(accountId, sessionId, certificateHash, now, expiresAt));
  }
  async findCertificate(certificateHash: string): Promise<CertificateStatus | null> {
    return this.sessions.findCertificate(certificateHash);
  }

  // ---- games ----
  async upsertGames(games: readonly GameDefinition[]): Promise<Game[]> {
    return this.games.upsert(games);
  }
  async listGames(): Promise<Game[]> {
    return this.games.list();
  }
  async getGame(id: number): Promise<Game | null> {
    return this.games.get(id);
  }
  async findGameByName(name: string): Promise<Game | null> {
    return this.games.findByName(name);
  }

  // ---- friends and blocks ----
  async addFriend(accountId: number, friendId: number, now: number): Promise<FriendEntry> {
    return this.conn.grouped(() => this.social.addFriend(accountId, friendId, now));
  }
  async removeFriend(accountId: number, friendId: number): Promise<boolean> {
    return this.conn.grouped(() => this.social.removeFriend(accountId, friendId));
  }
  async listFriends(accountId: number): Promise<FriendEntry[]> {
    return this.social.listFriends(accountId);
  }
  async block(accountId: number, blockedId: number, now: number): Promise<void> {
    await this.conn.grouped(() => this.social.block(accountId, blockedId, now));
  }
  async unblock(accountId: number, blockedId: number): Promise<boolean> {
    return this.conn.grouped(() => this.social.unblock(accountId, blockedId));
  }
  async listBlocked(accountId: number): Promise<FriendEntry[]> {
    return this.social.listBlocked(accountId);
  }

  // ---- lobbies and matchmaking ----
  async getLobby(id: number): Promise<Lobby | null> {
    return this.lobbies.get(id);
  }
  async listLobbies(filter: { status?: readonly LobbyStatus[]; gameId?: number; limit?: number } = {}): Promise<Lobby[]> {
    return this.lobbies.list({ ...filter, limit: count(filter.limit ?? DEFAULT_LOBBY_LIMIT) });
  }
  async activeLobbyOf(accountId: number): Promise<Lobby | null> {
    return this.lobbies.activeOf(accountId);
  }
  async createLobby(gameId: number, accountId: number, now: number): Promise<JoinOutcome> {
    return this.conn.grouped(() => this.matchmaking.create(gameId, accountId, now));
  }
  async findOrCreateLobby(gameId: number, accountId: number, now: number): Promise<JoinOutcome> {
    return this.conn.grouped(() => this.matchmaking.findOrCreate(gameId, accountId, now));
  }
  async joinLobby(lobbyId: number, accountId: number, now: number): Promise<JoinOutcome> {
    return this.conn.grouped(() => this.matchmaking.join(lobbyId, accountId, now));
  }
  async leaveLobby(lobbyId: number, accountId: number, now: number): Promise<Lobby> {
    return this.conn.grouped(() => this.matchmaking.leave(lobbyId, accountId, now));
  }
  async friendsLobbies(accountId: number): Promise<Lobby[]> {
    return this.lobbies.friendsLobbies(accountId);
  }
  async transitionLobby(lobbyId: number, from: LobbyStatus, to: 'starting' | 'running', server?: LobbyServer): Promise<boolean> {
    return this.conn.grouped(() => this.lifecycle.transition(lobbyId, from, to, server));
  }
  async endLobby(lobbyId: number, reason: string, now: number): Promise<boolean> {
    return this.conn.grouped(() => this.lifecycle.end(lobbyId, reason, now));
  }
  async lobbiesAwaitingServer(limit: number): Promise<Lobby[]> {
    return this.lobbies.awaitingServer(count(limit));
  }

  // ---- scores ----
  async recordResults(lobbyId: number, results: readonly ScoreResult[], now: number): Promise<void> {
    await this.conn.grouped(() => this.scores.record(lobbyId, results, now));
  }
  async leaderboard(gameId: number, limit?: number): Promise<LeaderboardEntry[]> {
    return this.scores.leaderboard(gameId, count(limit ?? DEFAULT_LEADERBOARD_LIMIT));
  }
  async history(accountId: number, limit?: number): Promise<HistoryEntry[]> {
    return this.scores.history(accountId, count(limit ?? DEFAULT_HISTORY_LIMIT));
  }
}

/** SQLite reads a negative LIMIT as "no limit": refuse anything but a count. */
function count(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new ServiceError('BAD_REQUEST', `limit ${limit} is not a count`);
  return limit;
}
