/**
 * An in-process accounts service for route tests: the real Fastify app over a real repository
 * (SQLite temp file or a fresh PostgreSQL schema), driven with `app.inject`, with a clock the
 * test moves and a record of the lobbies that filled.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../../lib/services/accounts/app.js';
import { DEFAULT_CONFIG, type ServiceConfig } from '../../../lib/services/accounts/config.js';
import { createMetrics } from '../../../lib/services/accounts/metrics.js';
import { serviceKeyFromSeed, type ServiceKey } from '../../../lib/services/accounts/service-key.js';
import type { Game, Lobby, Repository } from '../../../lib/services/accounts/storage/types.js';

export interface TestService {
  readonly app: FastifyInstance;
  readonly repo: Repository;
  readonly key: ServiceKey;
  readonly clock: { now: number };
  readonly filled: { lobby: Lobby; game: Game }[];
  close(): Promise<void>;
}

export const TEST_GAMES = [
  { name: 'rps', minPlayers: 2, maxPlayers: 2, module: 'rps' },
  { name: 'quad', minPlayers: 4, maxPlayers: 4, module: null },
] as const;

export async function startTestService(repo: Repository, overrides: Partial<ServiceConfig> = {}): Promise<TestService> {
  const config: ServiceConfig = { ...DEFAULT_CONFIG, games: TEST_GAMES, authRateLimit: null, ...overrides };
  await repo.upsertGames(config.games);
  const clock = { now: Date.UTC(2026, 10, 25, 12, 0, 0) };
  const key = serviceKeyFromSeed(new Uint8Array(randomBytes(32)));
  const filled: { lobby: Lobby; game: Game }[] = [];
  const app = await buildApp(
    {
      repo,
      config,
      key,
      now: () => clock.now,
      metrics: createMetrics(false),
      onLobbyFull: (lobby, game) => filled.push({ lobby, game }),
    },
    {},
  );
  return {
    app,
    repo,
    key,
    clock,
    filled,
    close: async () => {
      await app.close();
      await repo.close();
    },
  };
}

export function basic(username: string, password: string): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

export function json<T>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

export interface TestUser {
  readonly id: number;
  readonly username: string;
  readonly password: string;
  readonly token: string;
  readonly headers: { authorization: string };
}

/** Registers and logs in; fails the test on any unexpected status. */
export async function newUser(app: FastifyInstance, username: string, password = 'correct horse'): Promise<TestUser> {
  const reg = await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password } });
  if (reg.statusCode !== 201) throw new Error(`register ${username}: ${reg.statusCode} ${reg.body}`);
  const login = await app.inject({ method: 'GET', url: '/auth/token', headers: basic(username, password) });
  if (login.statusCode !== 200) throw new Error(`login ${username}: ${login.statusCode} ${login.body}`);
  const token = json<{ token: string }>(login).token;
  return { id: json<{ id: number }>(reg).id, username, password, token, headers: bearer(token) };
}

/** Asserts the catalogue's error shape and returns the code. */
export function errorCode(res: LightMyRequestResponse): string {
  const body = json<{ statusCode: number; code: string; error: string; message: string }>(res);
  if (body.statusCode !== res.statusCode || typeof body.code !== 'string' || typeof body.error !== 'string' || typeof body.message !== 'string') {
    throw new Error(`not a catalogue error body: ${res.body}`);
  }
  return body.code;
}
