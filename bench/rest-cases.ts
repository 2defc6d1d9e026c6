/**
 * The REST bench's load: what each case sends. A spec is a factory because autocannon writes
 * into the request objects it is given (built buffers), and warm-up and measurement each get
 * their own run.
 */
import type autocannon from 'autocannon';
import { BENCH_GAME, BENCH_PASSWORD } from './rest-protocol.js';

export type CaseName = 'hello' | 'register' | 'token' | 'lobby/find';
/** Run order. hello sits next to lobby/find (their ratio is the goal) and the scrypt-bound cases go last. */
export const CASE_NAMES: readonly CaseName[] = ['hello', 'lobby/find', 'token', 'register'];

export type LoadSpec = () => autocannon.Options;

/**
 * Hands out items in order, then starts over and counts every repeat. setupRequest also builds
 * each connection's next request before the stop, so up to `connections` taken items go unsent.
 */
export class Pool<T> {
  private items: readonly T[] = [];
  private next = 0;
  repeats = 0;

  get size(): number {
    return this.items.length;
  }

  get taken(): number {
    return this.next;
  }

  reset(items: readonly T[]): void {
    if (items.length === 0) throw new Error('an empty pool');
    this.items = items;
    this.next = 0;
    this.repeats = 0;
  }

  take(): T {
    if (this.next >= this.items.length) this.repeats++;
    return this.items[this.next++ % this.items.length] as T;
  }
}

export function helloSpec(url: string): LoadSpec {
  return () => ({ url: `${url}/` });
}

/** POST /auth/register with a username never used before (a counter across warm-up and measurement). */
export function registerSpec(url: string): LoadSpec {
  let n = 0;
  return () => ({
    url: `${url}/auth/register`,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ username: `reg-${n++}`, password: BENCH_PASSWORD }) }),
      },
    ],
  });
}

/** GET /auth/token with HTTP Basic, round-robin over pre-created accounts (each login supersedes the last). */
export function tokenSpec(url: string, usernames: Pool<string>): LoadSpec {
  return () => ({
    url: `${url}/auth/token`,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Basic ${Buffer.from(`${usernames.take()}:${BENCH_PASSWORD}`).toString('base64')}` },
        }),
      },
    ],
  });
}

export interface LobbyOutcomes {
  created: number;
  joined: number;
}

/**
 * GET /lobby/find, each request with the next fresh account's token: a repeated account would
 * take the "already in a lobby" shortcut instead of a real join. 201 = created, 200 = joined.
 */
export function lobbySpec(url: string, tokens: Pool<string>, outcomes: LobbyOutcomes): LoadSpec {
  return () => ({
    url: `${url}/lobby/find?game_name=${encodeURIComponent(BENCH_GAME)}`,
    requests: [
      {
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${tokens.take()}` } }),
        onResponse: (status) => {
          if (status === 201) outcomes.created++;
          else if (status === 200) outcomes.joined++;
        },
      },
    ],
  });
}
