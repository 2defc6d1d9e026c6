/**
 * A typed client of the accounts service's REST API (docs/SERVICE.md), for `paperclip play`
 * and the example bot. Every reply is validated before it is returned (api-responses.ts), and
 * every failure is one of three errors (service-errors.ts), so callers can word them for people.
 *
 * Each call takes an optional AbortSignal (Ctrl-C) on top of its own timeout; cleanup calls made
 * after an interrupt simply pass none.
 */
import type { ValidateFunction } from 'ajv';
import {
  validateAccount,
  validateCertificateReply,
  validateError,
  validateFriend,
  validateFriends,
  validateGames,
  validateHealth,
  validateHistory,
  validateLeaderboard,
  validateLobbies,
  validateLobby,
  validateServiceKey,
  validateSession,
  type AccountJson,
  type FriendJson,
  type GameJson,
  type HistoryRowJson,
  type LeaderboardRowJson,
  type LobbyJson,
  type SessionJson,
} from './api-responses.js';
import { ServiceRequestError, ServiceUnreachableError, UnexpectedResponseError, unreachableReason } from './service-errors.js';

/** Per request; long enough for a scrypt login on a busy machine. */
const DEFAULT_TIMEOUT_MS = 10_000;

interface RequestInit {
  readonly body?: unknown;
  readonly basic?: readonly [username: string, password: string];
  readonly signal?: AbortSignal | undefined;
}

export class ServiceApi {
  /** Without a trailing slash, e.g. http://127.0.0.1:8080 */
  readonly url: string;

  constructor(
    url: string,
    private readonly token?: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  /** The same service, calling as the holder of this session token. */
  withToken(token: string): ServiceApi {
    return new ServiceApi(this.url, token, this.timeoutMs);
  }

  health(signal?: AbortSignal): Promise<object> {
    return this.request('GET', '/health', validateHealth, { signal });
  }

  register(username: string, password: string, signal?: AbortSignal): Promise<AccountJson> {
    return this.request('POST', '/auth/register', validateAccount, { body: { username, password }, signal });
  }

  /** A new session token (the account's older ones stop working). */
  login(username: string, password: string, signal?: AbortSignal): Promise<SessionJson> {
    return this.request('GET', '/auth/token', validateSession, { basic: [username, password], signal });
  }

  async logout(signal?: AbortSignal): Promise<void> {
    await this.request('POST', '/auth/logout', null, { signal });
  }

  /** The service's Ed25519 key, which signs every certificate (players' and game servers'). */
  async servicePublicKey(signal?: AbortSignal): Promise<Uint8Array> {
    return base64Bytes((await this.request('GET', '/auth/certificate', validateServiceKey, { signal })).public_key);
  }

  /** A certificate for our own Ed25519 public key; the private half never leaves this process. */
  async issueCertificate(publicKey: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    const body = { public_key: Buffer.from(publicKey).toString('base64') };
    return base64Bytes((await this.request('POST', '/auth/certificate', validateCertificateReply, { body, signal })).certificate);
  }

  friends(signal?: AbortSignal): Promise<FriendJson[]> {
    return this.request('GET', '/friends', validateFriends, { signal });
  }

  addFriend(username: string, signal?: AbortSignal): Promise<FriendJson> {
    return this.request('POST', '/friends/add', validateFriend, { body: { username }, signal });
  }

  async removeFriend(username: string, signal?: AbortSignal): Promise<void> {
    await this.request('DELETE', '/friends/remove', null, { body: { username }, signal });
  }

  games(signal?: AbortSignal): Promise<GameJson[]> {
    return this.request('GET', '/games', validateGames, { signal });
  }

  /** Matchmaking: joins the oldest open lobby of the game with space, or creates one. */
  findLobby(gameName: string, signal?: AbortSignal): Promise<LobbyJson> {
    return this.request('GET', `/lobby/find?game_name=${encodeURIComponent(gameName)}`, validateLobby, { signal });
  }

  joinLobby(lobbyId: number, signal?: AbortSignal): Promise<LobbyJson> {
    return this.request('POST', '/lobby/join', validateLobby, { body: { lobby_id: lobbyId }, signal });
  }

  leaveLobby(lobbyId: number, signal?: AbortSignal): Promise<LobbyJson> {
    return this.request('POST', '/lobby/leave', validateLobby, { body: { lobby_id: lobbyId }, signal });
  }

  lobby(lobbyId: number, signal?: AbortSignal): Promise<LobbyJson> {
    return this.request('GET', `/lobby?lobby_id=${lobbyId}`, validateLobby, { signal });
  }

  /** Open lobbies with space that a friend of ours is in. */
  friendsLobbies(signal?: AbortSignal): Promise<LobbyJson[]> {
    return this.request('GET', '/lobby/friends', validateLobbies, { signal });
  }

  leaderboard(gameName: string, signal?: AbortSignal): Promise<LeaderboardRowJson[]> {
    return this.request('GET', `/scores/leaderboard?game_name=${encodeURIComponent(gameName)}`, validateLeaderboard, { signal });
  }

  /** Our recorded results, newest first. */
  history(signal?: AbortSignal): Promise<HistoryRowJson[]> {
    return this.request('GET', '/scores/history', validateHistory, { signal });
  }

  private request(method: string, path: string, validate: null, init: RequestInit): Promise<undefined>;
  private request<T>(method: string, path: string, validate: ValidateFunction<T>, init: RequestInit): Promise<T>;
  private async request<T>(method: string, path: string, validate: ValidateFunction<T> | null, init: RequestInit): Promise<T | undefined> {
    const headers: Record<string, string> = {};
    if (init.basic !== undefined) headers.authorization = `Basic ${Buffer.from(init.basic.join(':')).toString('base64')}`;
    else if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = init.signal === undefined ? timeout : AbortSignal.any([init.signal, timeout]);
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        signal,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      text = await res.text();
    } catch (err) {
      // a Ctrl-C is not an unreachable service: let the caller see its own reason
      if (init.signal?.aborted === true) throw init.signal.reason;
      throw new ServiceUnreachableError(this.url, unreachableReason(err));
    }
    const body = parseJson(text);
    if (!res.ok) {
      if (validateError(body)) throw new ServiceRequestError(body.statusCode, body.code, body.message);
      throw new UnexpectedResponseError(this.url, `answered ${method} ${path} with HTTP ${res.status}`);
    }
    if (validate === null) return undefined;
    if (!validate(body)) {
      const first = validate.errors?.[0];
      const where = first === undefined ? '' : `: ${first.instancePath || 'body'} ${first.message ?? 'is invalid'}`;
      throw new UnexpectedResponseError(this.url, `sent an unexpected reply to ${method} ${path}${where}`);
    }
    return body;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function base64Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
