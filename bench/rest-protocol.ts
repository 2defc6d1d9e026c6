/**
 * What the REST bench (bench/rest.ts) and its server children (bench/rest-server.ts) say to each
 * other over the fork() IPC channel. Types only, plus the constants both sides must agree on.
 */

export type ServerKind = 'hello' | 'service';

/** The service child's only game: 4 seats, no module, so a full lobby starts no process. */
export const BENCH_GAME = 'bench-4p';

/** Every pre-created account has this password (its scrypt hash is computed once, in the child). */
export const BENCH_PASSWORD = 'benchmark-password';

export type ToChild =
  /**
   * Creates `count` accounts named `${prefix}${i}` through the repository (no scrypt per
   * account), each with a live session when `sessions`; the reply carries those tokens.
   */
  | { readonly type: 'seed'; readonly prefix: string; readonly count: number; readonly sessions: boolean }
  /**
   * Replies once the work of requests autocannon abandoned at its stop is done (their scrypt
   * calls sit in libuv's thread pool queue long after the sockets closed).
   */
  | { readonly type: 'drain' }
  | { readonly type: 'stop' };

export type FromChild =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'seeded'; readonly tokens: readonly string[]; readonly ms: number }
  | { readonly type: 'drained' }
  | { readonly type: 'error'; readonly message: string };
