/**
 * A server under test for the REST bench, run in its own process by bench/rest.ts
 * (`node dist/bench/rest-server.js hello|service <dir>` through fork()), so it does not share an
 * event loop with the load generator or with the other server.
 *
 *   hello    Fastify hello-world: `GET /` → {"hello":"world"}, logger off — the ceiling.
 *   service  the real accounts service on SQLite in <dir>, no rate limit, silent logs.
 */
import Fastify from 'fastify';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type ServiceConfig } from '../lib/services/accounts/config.js';
import { hashPassword } from '../lib/services/accounts/passwords.js';
import { startService, type RunningService } from '../lib/services/accounts/service.js';
import { newToken, sha256Hex } from '../lib/services/accounts/tokens.js';
import { BENCH_GAME, BENCH_PASSWORD, type FromChild, type ToChild } from './rest-protocol.js';

function send(message: FromChild): void {
  process.send?.(message);
}

async function startHello(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

function serviceConfig(dir: string): ServiceConfig {
  return {
    ...DEFAULT_CONFIG,
    httpPort: 0,
    db: `sqlite:${join(dir, 'bench.db')}`,
    keyFile: join(dir, 'service.key'),
    logLevel: 'silent',
    // The bench is one client address sending thousands of logins a second.
    authRateLimit: null,
    games: [{ name: BENCH_GAME, minPlayers: 4, maxPlayers: 4, module: null }],
  };
}

/** Accounts straight through the repository: scrypt per account would make seeding take minutes. */
async function seed(service: RunningService, config: ServiceConfig, passwordHash: string, m: Extract<ToChild, { type: 'seed' }>): Promise<FromChild> {
  const started = performance.now();
  const tokens: string[] = [];
  for (let i = 0; i < m.count; i++) {
    const now = Date.now();
    const account = await service.repo.createAccount(`${m.prefix}${i}`, passwordHash, now);
    if (!m.sessions) continue;
    const token = newToken();
    await service.repo.createSession(account.id, sha256Hex(token), now, now + config.tokenTtlMs);
    tokens.push(token);
  }
  return { type: 'seeded', tokens, ms: performance.now() - started };
}

/**
 * libuv's pool takes tasks first in, first out, one per thread at a time. Queue one scrypt as
 * costly as a request's per thread: were a thread still on an earlier task when they are all
 * done, the other threads ran all of them, one of them two back to back after that task had
 * started, which takes longer than the task itself. So every earlier task has finished.
 */
async function drainThreadPool(): Promise<void> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4) || 4;
  await Promise.all(Array.from({ length: threads }, () => hashPassword(BENCH_PASSWORD)));
  await new Promise((resolve) => setImmediate(resolve));
}

async function main(): Promise<void> {
  const [kind, dir] = process.argv.slice(2);
  if (kind === 'hello') {
    const hello = await startHello();
    process.on('message', (m: ToChild) => {
      if (m.type === 'drain') setImmediate(() => send({ type: 'drained' }));
      if (m.type === 'stop') void hello.close().then(() => process.exit(0));
    });
    send({ type: 'ready', url: hello.url });
    return;
  }
  if (kind !== 'service' || dir === undefined) throw new Error('usage: rest-server.js hello | service <dir>');
  const config = serviceConfig(dir);
  // One real hash shared by every seeded account, so Basic logins (the token case) do the real scrypt work.
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const service = await startService(config);
  process.on('message', (m: ToChild) => {
    if (m.type === 'seed') {
      seed(service, config, passwordHash, m).then(send, (e: unknown) => send({ type: 'error', message: String(e) }));
    } else if (m.type === 'drain') {
      void drainThreadPool().then(() => send({ type: 'drained' }));
    } else if (m.type === 'stop') {
      // A normal exit, so that --cpu-prof gets to write its profile.
      void service.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', url: service.url });
}

// A bench that died must not leave servers behind.
process.on('disconnect', () => process.exit(0));
main().catch((e: unknown) => {
  send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
});
