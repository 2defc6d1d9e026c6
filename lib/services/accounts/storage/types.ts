/**
 * The accounts service's storage contract. Two real implementations (SQLite via better-sqlite3,
 * PostgreSQL via pg) pass one contract suite (test/services/storage/contract.ts).
 *
 * Conventions shared by both:
 * - ids are positive integers below 2^53 (numbers); timestamps are integer milliseconds since
 *   the epoch, always passed in by the caller (`now`), so tests control time;
 * - usernames compare exactly (case-sensitive, byte for byte); every value goes through bound
 *   parameters, so SQL metacharacters are stored and compared literally;
 * - domain failures throw ServiceError with a catalogue code (named per method below); anything
 *   else thrown is a bug or an unavailable database;
 * - every method that reads then writes does it in one transaction that serialises against the
 *   same method in other processes sharing the database (matchmaking must hold across two
 *   service processes on one PostgreSQL).
 */

export interface Account {
  readonly id: number;
  readonly username: string;
  readonly createdAt: number;
}

export interface AccountWithPassword extends Account {
  /** `scrypt$…` (lib/services/accounts/passwords.ts); never the password itself. */
  readonly passwordHash: string;
}

export interface Session {
  readonly id: number;
  readonly accountId: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set when revoked; `revokedReason` says why. */
  readonly revokedAt: number | null;
  readonly revokedReason: 'logout' | 'superseded' | null;
}

export interface Game {
  readonly id: number;
  readonly name: string;
  readonly minPlayers: number;
  readonly maxPlayers: number;
  /** Game module the game servers run (a name from the service's module registry); null: no server. */
  readonly module: string | null;
}

/** Games come from configuration and are upserted by name at start-up. */
export type GameDefinition = Omit<Game, 'id'>;

/**
 * open: waiting for players (joinable while members < maxPlayers);
 * full: has maxPlayers members, waiting for a game-server port (or the game has no module);
 * starting: a game-server process is being started for it;
 * running: its game server answered the health check (server fields set);
 * ended: finished, abandoned, or its server died (`endReason`).
 */
export type LobbyStatus = 'open' | 'full' | 'starting' | 'running' | 'ended';

export interface LobbyMember {
  readonly accountId: number;
  readonly username: string;
  readonly joinedAt: number;
}

export interface LobbyServer {
  /** Address a client connects to (the pool's advertised host). */
  readonly host: string;
  readonly port: number;
  /** The game server's service-signed certificate (PROTOCOL.md §7.3 encoding). */
  readonly certificate: Uint8Array;
}

export interface Lobby {
  readonly id: number;
  readonly gameId: number;
  readonly ownerId: number;
  readonly status: LobbyStatus;
  readonly maxPlayers: number;
  /** Ordered by joinedAt, then account id. */
  readonly members: readonly LobbyMember[];
  readonly server: LobbyServer | null;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly endReason: string | null;
}

export interface JoinOutcome {
  readonly lobby: Lobby;
  /** True when this call created the lobby. */
  readonly created: boolean;
  /** True when this call's join made the lobby full (status moved open → full): start its server. */
  readonly becameFull: boolean;
}

export interface FriendEntry {
  readonly accountId: number;
  readonly username: string;
  readonly since: number;
}

export interface ScoreResult {
  readonly accountId: number;
  /** Signed 32-bit integer; the game decides what it means (higher is better). */
  readonly score: number;
}

export interface LeaderboardEntry {
  readonly accountId: number;
  readonly username: string;
  /** Sum of the account's scores in this game. */
  readonly total: number;
  readonly matches: number;
  /** Highest single-match score. */
  readonly best: number;
}

export interface HistoryEntry {
  readonly lobbyId: number;
  readonly gameId: number;
  readonly gameName: string;
  readonly score: number;
  readonly recordedAt: number;
}

export interface Repository {
  /** Applies pending migrations (idempotent; safe when two processes start together). */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** 'sqlite' | 'postgres', for logs and /metrics labels. */
  readonly kind: 'sqlite' | 'postgres';

  // ---- accounts ----
  /** USERNAME_TAKEN when it exists. */
  createAccount(username: string, passwordHash: string, now: number): Promise<Account>;
  findAccountByUsername(username: string): Promise<AccountWithPassword | null>;
  getAccount(id: number): Promise<Account | null>;

  // ---- sessions (bearer tokens; only SHA-256 hashes of tokens are stored) ----
  /**
   * Revokes every live session of the account (reason 'superseded': a new login invalidates
   * older tokens) and inserts the new one, in one transaction.
   */
  createSession(accountId: number, tokenHash: string, now: number, expiresAt: number): Promise<Session>;
  findSessionByTokenHash(tokenHash: string): Promise<Session | null>;
  /** The session and its account in one lookup (the per-request authentication path). */
  findTokenOwner(tokenHash: string): Promise<{ session: Session; account: Account } | null>;
  /** Marks it revoked ('logout') and revokes the certificates issued under it. False if already revoked. */
  revokeSession(sessionId: number, now: number): Promise<boolean>;

  // ---- certificates issued to accounts (for online validation / revocation) ----
  /** `certificateHash`: SHA-256 hex of the certificate bytes. */
  recordCertificate(accountId: number, sessionId: number, certificateHash: string, now: number, expiresAt: number): Promise<void>;
  /** null when never issued by this service; `revoked` when its session logged out. */
  findCertificate(certificateHash: string): Promise<{ accountId: number; expiresAt: number; revoked: boolean } | null>;

  // ---- games ----
  /** Inserts or updates by name; returns all games ordered by id. */
  upsertGames(games: readonly GameDefinition[]): Promise<Game[]>;
  listGames(): Promise<Game[]>;
  getGame(id: number): Promise<Game | null>;
  findGameByName(name: string): Promise<Game | null>;

  // ---- friends (symmetric, as in the seed: one row per pair) and blocks (directional) ----
  /** ALREADY_FRIENDS; BLOCKED when either blocks the other; BAD_REQUEST for oneself. */
  addFriend(accountId: number, friendId: number, now: number): Promise<FriendEntry>;
  /** False when they were not friends. */
  removeFriend(accountId: number, friendId: number): Promise<boolean>;
  /** Ordered by username. */
  listFriends(accountId: number): Promise<FriendEntry[]>;
  /** Ends any friendship between them; idempotent. BAD_REQUEST for oneself. */
  block(accountId: number, blockedId: number, now: number): Promise<void>;
  /** False when it was not blocked. */
  unblock(accountId: number, blockedId: number): Promise<boolean>;
  /** Accounts this one blocks, ordered by username. */
  listBlocked(accountId: number): Promise<FriendEntry[]>;

  // ---- lobbies and matchmaking ----
  getLobby(id: number): Promise<Lobby | null>;
  /** Ordered by id; `status` filters. `limit` default 100. */
  listLobbies(filter?: { status?: readonly LobbyStatus[]; gameId?: number; limit?: number }): Promise<Lobby[]>;
  /** The lobby (not ended) the account is a member of, if any. */
  activeLobbyOf(accountId: number): Promise<Lobby | null>;
  /**
   * A new lobby with the account as owner and first member. ALREADY_IN_LOBBY when the account is
   * in any lobby that has not ended.
   */
  createLobby(gameId: number, accountId: number, now: number): Promise<JoinOutcome>;
  /**
   * Matchmaking: joins the oldest open lobby of the game with space, else creates one; atomic,
   * also across processes. If the account is already in a not-ended lobby of this game, returns it
   * unchanged (created false, becameFull false); of another game: ALREADY_IN_LOBBY.
   */
  findOrCreateLobby(gameId: number, accountId: number, now: number): Promise<JoinOutcome>;
  /** Joins that lobby. LOBBY_NOT_FOUND, LOBBY_FULL, LOBBY_CLOSED (not open), ALREADY_IN_LOBBY. */
  joinLobby(lobbyId: number, accountId: number, now: number): Promise<JoinOutcome>;
  /**
   * Leaves an open or full lobby (a full one becomes open again: its server has not started); the
   * last member leaving ends it ('abandoned'); an owner leaving passes ownership to the next
   * member. LOBBY_NOT_FOUND; FORBIDDEN when not a member; LOBBY_CLOSED when starting, running or
   * ended (a started game is left by disconnecting from its server).
   */
  leaveLobby(lobbyId: number, accountId: number, now: number): Promise<Lobby>;
  /** Open lobbies with space that have at least one friend of the account as member. */
  friendsLobbies(accountId: number): Promise<Lobby[]>;
  /**
   * Moves a lobby between server states: full → starting, starting → running (with `server`).
   * Returns false (no change) when the lobby is not in `from` (ended meanwhile, say).
   */
  transitionLobby(lobbyId: number, from: LobbyStatus, to: 'starting' | 'running', server?: LobbyServer): Promise<boolean>;
  /** Ends a lobby not yet ended; false when it already was. */
  endLobby(lobbyId: number, reason: string, now: number): Promise<boolean>;
  /** Oldest first: lobbies waiting for a server (status full, of a game that has a module). */
  lobbiesAwaitingServer(limit: number): Promise<Lobby[]>;

  // ---- scores ----
  /**
   * Records one match's results for the lobby's game. RESULTS_RECORDED when this lobby already
   * has results; BAD_REQUEST when an account in `results` is not a member of the lobby.
   */
  recordResults(lobbyId: number, results: readonly ScoreResult[], now: number): Promise<void>;
  /** Highest total first, then more matches, then username. `limit` default 20. */
  leaderboard(gameId: number, limit?: number): Promise<LeaderboardEntry[]>;
  /** Newest first. `limit` default 50. */
  history(accountId: number, limit?: number): Promise<HistoryEntry[]>;
}
