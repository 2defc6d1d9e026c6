/** Shared fixtures: a service key, player identities, a stand-in for POST /scores, RPS clients. */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ed25519PublicKey, issueCertificate, type Identity } from '../../../lib/protocol/handshake/index.js';
import { connect, type Client } from '../../../lib/transport/client.js';
import { builtinModules } from '../../../lib/services/gameservers/index.js';
import { GameServerSupervisor, type GameServerSupervisorOptions, type StartedGameServer } from '../../../lib/services/gameservers/supervisor.js';
import type { PortRange } from '../../../lib/services/gameservers/port-pool.js';

export const serviceSeed = randomBytes(32);
export const servicePublicKey = ed25519PublicKey(serviceSeed);

export function identityFor(accountId: number, username: string, signer: Uint8Array = serviceSeed): Identity {
  const privateSeed = randomBytes(32);
  const certificate = issueCertificate(signer, {
    accountId: BigInt(accountId),
    username,
    publicKey: ed25519PublicKey(privateSeed),
    expiryMs: Date.now() + 3_600_000,
  });
  return { certificate, privateSeed };
}

export const alice = { accountId: 11, username: 'alice' };
export const bob = { accountId: 12, username: 'bob' };
export const players = [alice, bob];

export const hangModulePath = fileURLToPath(new URL('./fixtures/hang-game.mjs', import.meta.url));
export const quietModulePath = fileURLToPath(new URL('./fixtures/quiet-game.mjs', import.meta.url));

export interface ScoresStub {
  readonly url: string;
  readonly posts: unknown[];
  /** Status codes to answer, in order; 200 once exhausted. */
  readonly statuses: number[];
  close(): Promise<void>;
}

/** node:http standing in for the accounts service's POST /scores. */
export async function scoresStub(): Promise<ScoresStub> {
  const posts: unknown[] = [];
  const statuses: number[] = [];
  const server: HttpServer = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/scores') posts.push(JSON.parse(body));
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    posts,
    statuses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function makeSupervisor(ports: PortRange, serviceUrl: string, extra: Partial<GameServerSupervisorOptions> = {}): GameServerSupervisor {
  return new GameServerSupervisor({
    ports,
    serviceUrl,
    servicePublicKey,
    issueServerCertificate: (fields) => issueCertificate(serviceSeed, fields),
    modules: { ...builtinModules(), hang: hangModulePath, quiet: quietModulePath },
    logger: pino({ level: 'silent' }),
    healthIntervalMs: 100,
    // generous: a busy CI machine must not get a healthy child killed
    healthTimeoutMs: 3000,
    ...extra,
  });
}

export function endedOnce(supervisor: GameServerSupervisor, lobbyId: number): Promise<string[]> {
  const seen: string[] = [];
  return new Promise((resolve) => {
    const listener = (id: number, reason: string): void => {
      if (id !== lobbyId) return;
      seen.push(reason);
      // wait a little longer: a second 'ended' for the same lobby would be a bug
      setTimeout(() => {
        supervisor.off('ended', listener);
        resolve(seen);
      }, 100);
    };
    supervisor.on('ended', listener);
  });
}

export type Json = Record<string, unknown>;

/** A scripted RPS player: a connected client plus its decoded messages. */
export class Player {
  readonly messages: Json[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly client: Client) {
    client.on('message', (data) => {
      this.messages.push(JSON.parse(new TextDecoder().decode(data)) as Json);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async join(server: StartedGameServer, lobbyId: number, identity: Identity): Promise<Player> {
    const client = await connect(server.host, server.port, {
      identity,
      servicePublicKey,
      expectedServer: { username: `lobby:${lobbyId}` },
      // pins the exact certificate from the lobby response, not just any `lobby:<id>` one
      validateOnline: async (cert) => Buffer.from(cert.bytes).equals(Buffer.from(server.certificate)),
    });
    await client.connected;
    return new Player(client);
  }

  send(message: unknown): void {
    this.client.send(typeof message === 'string' ? new TextEncoder().encode(message) : new TextEncoder().encode(JSON.stringify(message)));
  }

  sendRaw(bytes: Uint8Array): void {
    this.client.send(bytes);
  }

  /** Resolves with the first message of `type` received after `from` (an index into messages). */
  async next(type: string, from = 0, ms = 5000): Promise<Json> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.slice(from).find((m) => m.type === type);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no "${type}" message within ${ms} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

/**
 * `count` consecutive UDP ports that are free right now, at a random place below the ephemeral
 * range: fixed ports would collide when two test runs share the machine.
 */
export async function freePortRange(count: number): Promise<PortRange> {
  for (;;) {
    const from = 20_000 + Math.floor(Math.random() * (12_000 - count));
    const sockets = Array.from({ length: count }, () => createSocket('udp4'));
    const bound = await Promise.all(
      sockets.map(
        (socket, i) =>
          new Promise<boolean>((resolve) => {
            socket.once('error', () => resolve(false));
            socket.bind(from + i, '127.0.0.1', () => resolve(true));
          }),
      ),
    );
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    if (bound.every(Boolean)) return { from, to: from + count - 1 };
  }
}

export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
