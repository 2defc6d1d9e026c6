import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519PublicKey, issueCertificate, type Certificate, type Identity } from '../../lib/protocol/handshake/index.js';
import { connect, HandshakeFailedError } from '../../lib/transport/client.js';
import { createServer } from '../../lib/transport/server.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const serviceSeed = randomBytes(32);
const servicePublicKey = ed25519PublicKey(serviceSeed);

function serverIdentity(expiryMs = Date.now() + 3_600_000): Identity {
  const privateSeed = randomBytes(32);
  const certificate = issueCertificate(serviceSeed, {
    accountId: 42n,
    username: 'server-eu-1',
    publicKey: ed25519PublicKey(privateSeed),
    expiryMs,
  });
  return { certificate, privateSeed };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('connect({ validateOnline }) over UDP', () => {
  it('a hook resolving false (revoked) rejects `connected` with 1.2, and the server sees 1.2', async () => {
    const server = await createServer({ identity: serverIdentity() });
    open.push(server);
    const serverFailures: string[] = [];
    server.on('handshake-failed', (_address, info) => serverFailures.push(`${info.code.major}.${info.code.minor}`));
    const asked: Certificate[] = [];
    const client = await connect('127.0.0.1', server.address.port, {
      servicePublicKey,
      expectedServer: { username: 'server-eu-1' },
      validateOnline: async (certificate) => {
        asked.push(certificate);
        await new Promise((r) => setTimeout(r, 20));
        return false;
      },
    });
    open.push(client);
    const err = await client.connected.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeFailedError);
    expect((err as HandshakeFailedError).code).toMatchObject({ major: 1, minor: 2 });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ accountId: 42n, username: 'server-eu-1' });
    await until(() => serverFailures.length > 0);
    expect(serverFailures).toEqual(['1.2']);
  });

  it('a hook resolving true connects; a rejecting hook keeps the offline verdict', async () => {
    const server = await createServer({ identity: serverIdentity() });
    open.push(server);
    for (const validateOnline of [async () => true, () => Promise.reject(new Error('service unreachable'))]) {
      const client = await connect('127.0.0.1', server.address.port, { servicePublicKey, validateOnline });
      open.push(client);
      await client.connected;
      expect(client.isConnected).toBe(true);
    }
  });

  it('a hook that never answers fails with 1.2 at the handshake timeout', async () => {
    const server = await createServer({ identity: serverIdentity() });
    open.push(server);
    const client = await connect('127.0.0.1', server.address.port, {
      servicePublicKey,
      handshakeTimeoutMs: 300,
      validateOnline: () => new Promise<boolean>(() => {}),
    });
    open.push(client);
    const err = await client.connected.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeFailedError);
    expect((err as HandshakeFailedError).code).toMatchObject({ major: 1, minor: 2 });
  });
});

describe('offline certificate checks over UDP use wall-clock time', () => {
  it('an expired server certificate rejects `connected` with 1.2; a current one connects', async () => {
    const expired = await createServer({ identity: serverIdentity(Date.now() - 60_000) });
    open.push(expired);
    const c1 = await connect('127.0.0.1', expired.address.port, { servicePublicKey });
    open.push(c1);
    const err = await c1.connected.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeFailedError);
    expect((err as HandshakeFailedError).code).toMatchObject({ major: 1, minor: 2 });
    const current = await createServer({ identity: serverIdentity() });
    open.push(current);
    const c2 = await connect('127.0.0.1', current.address.port, { servicePublicKey });
    open.push(c2);
    await c2.connected;
  });
});
