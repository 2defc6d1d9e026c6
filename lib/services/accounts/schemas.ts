/**
 * JSON schemas shared by the routes (request validation and the OpenAPI document), and the
 * conversions from storage records to the JSON the API returns. Field names are snake_case, as
 * in the seed's API; timestamps are ISO 8601 strings; binary values are standard base64.
 */
import type { Account, FriendEntry, Game, HistoryEntry, LeaderboardEntry, Lobby } from './storage/types.js';

/**
 * Usernames: 1–32 characters, no control characters, no ':' (reserved: game-server certificates
 * are named `lobby:<id>`, so no player can ever be mistaken for a server), no surrounding spaces.
 * Anything else — quotes, %, _, backslashes, SQL — is stored and compared literally.
 */
export const USERNAME_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 32,
  pattern: '^[^:\\s\\p{Cc}]([^:\\p{Cc}]*[^:\\s\\p{Cc}])?$',
} as const;

export const PASSWORD_SCHEMA = { type: 'string', minLength: 8, maxLength: 1024 } as const;
export const ID_SCHEMA = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
export const GAME_NAME_SCHEMA = { type: 'string', minLength: 1, maxLength: 255 } as const;
export const BASE64_SCHEMA = { type: 'string', maxLength: 4096, pattern: '^[A-Za-z0-9+/_-]*={0,2}$' } as const;

export const ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const ACCOUNT_SCHEMA = {
  type: 'object',
  required: ['id', 'username', 'created_at'],
  properties: { id: { type: 'integer' }, username: { type: 'string' }, created_at: { type: 'string' } },
} as const;

export const GAME_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'min_players', 'max_players', 'has_server'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    min_players: { type: 'integer' },
    max_players: { type: 'integer' },
    has_server: { type: 'boolean' },
  },
} as const;

export const LOBBY_SCHEMA = {
  type: 'object',
  required: ['id', 'game_id', 'owner_id', 'status', 'max_players', 'members', 'server', 'created_at', 'ended_at', 'end_reason'],
  properties: {
    id: { type: 'integer' },
    game_id: { type: 'integer' },
    owner_id: { type: 'integer' },
    status: { type: 'string', enum: ['open', 'full', 'starting', 'running', 'ended'] },
    max_players: { type: 'integer' },
    members: {
      type: 'array',
      items: {
        type: 'object',
        required: ['account_id', 'username', 'joined_at'],
        properties: { account_id: { type: 'integer' }, username: { type: 'string' }, joined_at: { type: 'string' } },
      },
    },
    server: {
      type: ['object', 'null'],
      required: ['host', 'port', 'certificate', 'server_name'],
      properties: {
        host: { type: 'string' },
        port: { type: 'integer' },
        certificate: { type: 'string', description: 'base64 service-signed certificate of the game server' },
        server_name: { type: 'string', description: 'the name the certificate carries (lobby:<id>); pin it' },
      },
    },
    created_at: { type: 'string' },
    ended_at: { type: ['string', 'null'] },
    end_reason: { type: ['string', 'null'] },
  },
} as const;

export const FRIEND_SCHEMA = {
  type: 'object',
  required: ['account_id', 'username', 'since'],
  properties: { account_id: { type: 'integer' }, username: { type: 'string' }, since: { type: 'string' } },
} as const;

/** GET /auth/token (and register): the session. */
export const SESSION_SCHEMA = {
  type: 'object',
  required: ['token', 'expires_at', 'account'],
  properties: { token: { type: 'string' }, expires_at: { type: 'string' }, account: ACCOUNT_SCHEMA },
} as const;

/** POST /auth/certificate. */
export const CERTIFICATE_REPLY_SCHEMA = {
  type: 'object',
  required: ['certificate', 'expires_at'],
  properties: { certificate: { type: 'string' }, expires_at: { type: 'string' } },
} as const;

/** One row of GET /scores/leaderboard. */
export const LEADERBOARD_ROW_SCHEMA = {
  type: 'object',
  required: ['account_id', 'username', 'total', 'matches', 'best'],
  properties: {
    account_id: { type: 'integer' },
    username: { type: 'string' },
    total: { type: 'integer' },
    matches: { type: 'integer' },
    best: { type: 'integer' },
  },
} as const;

/** One row of GET /scores/history. */
export const HISTORY_ROW_SCHEMA = {
  type: 'object',
  required: ['lobby_id', 'game_id', 'game_name', 'score', 'recorded_at'],
  properties: {
    lobby_id: { type: 'integer' },
    game_id: { type: 'integer' },
    game_name: { type: 'string' },
    score: { type: 'integer' },
    recorded_at: { type: 'string' },
  },
} as const;

/** Body `{ username }` (friends add/remove, block/unblock). */
export const USERNAME_BODY = {
  type: 'object',
  required: ['username'],
  additionalProperties: false,
  properties: { username: USERNAME_SCHEMA },
} as const;

/** A game named by id or by name (exactly one), in a body or a query string. */
export const GAME_REF = {
  type: 'object',
  additionalProperties: false,
  properties: { game_id: ID_SCHEMA, game_name: GAME_NAME_SCHEMA },
  oneOf: [{ required: ['game_id'] }, { required: ['game_name'] }],
} as const;

export const LOBBY_ID_QUERY = {
  type: 'object',
  required: ['lobby_id'],
  additionalProperties: false,
  properties: { lobby_id: ID_SCHEMA },
} as const;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function accountJson(a: Account): { id: number; username: string; created_at: string } {
  return { id: a.id, username: a.username, created_at: iso(a.createdAt) };
}

export function gameJson(g: Game): { id: number; name: string; min_players: number; max_players: number; has_server: boolean } {
  return { id: g.id, name: g.name, min_players: g.minPlayers, max_players: g.maxPlayers, has_server: g.module !== null };
}

export function friendJson(f: FriendEntry): { account_id: number; username: string; since: string } {
  return { account_id: f.accountId, username: f.username, since: iso(f.since) };
}

export function lobbyJson(l: Lobby) {
  return {
    id: l.id,
    game_id: l.gameId,
    owner_id: l.ownerId,
    status: l.status,
    max_players: l.maxPlayers,
    members: l.members.map((m) => ({ account_id: m.accountId, username: m.username, joined_at: iso(m.joinedAt) })),
    server:
      l.server === null
        ? null
        : {
            host: l.server.host,
            port: l.server.port,
            certificate: Buffer.from(l.server.certificate).toString('base64'),
            server_name: serverCertificateName(l.id),
          },
    created_at: iso(l.createdAt),
    ended_at: l.endedAt === null ? null : iso(l.endedAt),
    end_reason: l.endReason,
  };
}

export function leaderboardJson(e: LeaderboardEntry) {
  return { account_id: e.accountId, username: e.username, total: e.total, matches: e.matches, best: e.best };
}

export function historyJson(e: HistoryEntry) {
  return { lobby_id: e.lobbyId, game_id: e.gameId, game_name: e.gameName, score: e.score, recorded_at: iso(e.recordedAt) };
}

/** The username a game server's certificate carries (account id 0). */
export function serverCertificateName(lobbyId: number): string {
  return `lobby:${lobbyId}`;
}
