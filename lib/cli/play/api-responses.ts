/**
 * The accounts service's response bodies as the client reads them, with validators. Where the
 * service exports the schema it answers with (lib/services/accounts/schemas.ts) the client
 * validates against that very schema, so the two cannot drift; the one reply it reads but the
 * route declares wider (the service key) is restated here with `JSONSchemaType`.
 */
import { Ajv, type JSONSchemaType, type ValidateFunction } from 'ajv';
import {
  ACCOUNT_SCHEMA, CERTIFICATE_REPLY_SCHEMA, ERROR_SCHEMA, FRIEND_SCHEMA, GAME_SCHEMA, HISTORY_ROW_SCHEMA, LEADERBOARD_ROW_SCHEMA, LOBBY_SCHEMA, SESSION_SCHEMA,
} from '../../services/accounts/schemas.js';

export interface AccountJson {
  readonly id: number;
  readonly username: string;
  readonly created_at: string;
}

export interface SessionJson {
  readonly token: string;
  readonly expires_at: string;
  readonly account: AccountJson;
}

export interface GameJson {
  readonly id: number;
  readonly name: string;
  readonly min_players: number;
  readonly max_players: number;
  readonly has_server: boolean;
}

export type LobbyStatus = 'open' | 'full' | 'starting' | 'running' | 'ended';

export interface LobbyServerJson {
  readonly host: string;
  readonly port: number;
  /** base64 certificate of the game server: pin it. */
  readonly certificate: string;
  /** `lobby:<id>`, the name its certificate carries. */
  readonly server_name: string;
}

export interface LobbyJson {
  readonly id: number;
  readonly game_id: number;
  readonly owner_id: number;
  readonly status: LobbyStatus;
  readonly max_players: number;
  readonly members: readonly { readonly account_id: number; readonly username: string; readonly joined_at: string }[];
  readonly server: LobbyServerJson | null;
  readonly created_at: string;
  readonly ended_at: string | null;
  readonly end_reason: string | null;
}

export interface FriendJson {
  readonly account_id: number;
  readonly username: string;
  readonly since: string;
}

export interface LeaderboardRowJson {
  readonly account_id: number;
  readonly username: string;
  readonly total: number;
  readonly matches: number;
  readonly best: number;
}

export interface HistoryRowJson {
  readonly lobby_id: number;
  readonly game_id: number;
  readonly game_name: string;
  readonly score: number;
  readonly recorded_at: string;
}

export interface CertificateReplyJson {
  readonly certificate: string;
  readonly expires_at: string;
}

export interface ErrorJson {
  readonly statusCode: number;
  readonly code: string;
  readonly error: string;
  readonly message: string;
}

const SERVICE_KEY_REPLY: JSONSchemaType<{ public_key: string }> = {
  type: 'object',
  required: ['public_key'],
  properties: { public_key: { type: 'string' } },
};

// strict off: the service's schemas use union types (`['object', 'null']`), which strict mode refuses
const ajv = new Ajv({ strict: false });
const list = (items: object): object => ({ type: 'array', items });

export const validateAccount: ValidateFunction<AccountJson> = ajv.compile<AccountJson>(ACCOUNT_SCHEMA);
export const validateSession: ValidateFunction<SessionJson> = ajv.compile<SessionJson>(SESSION_SCHEMA);
export const validateGames: ValidateFunction<GameJson[]> = ajv.compile<GameJson[]>(list(GAME_SCHEMA));
export const validateLobby: ValidateFunction<LobbyJson> = ajv.compile<LobbyJson>(LOBBY_SCHEMA);
export const validateLobbies: ValidateFunction<LobbyJson[]> = ajv.compile<LobbyJson[]>(list(LOBBY_SCHEMA));
export const validateFriend: ValidateFunction<FriendJson> = ajv.compile<FriendJson>(FRIEND_SCHEMA);
export const validateFriends: ValidateFunction<FriendJson[]> = ajv.compile<FriendJson[]>(list(FRIEND_SCHEMA));
export const validateLeaderboard: ValidateFunction<LeaderboardRowJson[]> = ajv.compile<LeaderboardRowJson[]>(list(LEADERBOARD_ROW_SCHEMA));
export const validateHistory: ValidateFunction<HistoryRowJson[]> = ajv.compile<HistoryRowJson[]>(list(HISTORY_ROW_SCHEMA));
export const validateCertificateReply: ValidateFunction<CertificateReplyJson> = ajv.compile<CertificateReplyJson>(CERTIFICATE_REPLY_SCHEMA);
export const validateServiceKey = ajv.compile(SERVICE_KEY_REPLY);
export const validateError: ValidateFunction<ErrorJson> = ajv.compile<ErrorJson>(ERROR_SCHEMA);
/** GET /health: anything that is an object; its fields are for operators. */
export const validateHealth: ValidateFunction<object> = ajv.compile<object>({ type: 'object', required: ['status'] });
