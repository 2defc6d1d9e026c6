import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, HandshakeFailedError, type Client } from '../../lib/transport/client.js';
import { LossyUdpProxy } from '../../lib/transport/lossy-proxy.js';
import { createServer, type Server } from '../../lib/transport/server.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('createServer / connect over UDP', () => {
  it('fails the connected promise with 1.3 on a wrong password', async () => {
    const server = await createServer({ password: 'right' });
    open.push(server);
    const client = await connect('127.0.0.1', server.address.port, { password: 'wrong' });
    open.push(client);
    const err = await client.connected.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeFailedError);
    expect((err as HandshakeFailedError).code).toMatchObject({ major: 1, minor: 3 });
  });

  for (const host of ['127.0.0.1', '::1']) {
    it(`echoes messages and reports a client's graceful disconnect (${host})`, async () => {
      const server = await createServer({ host });
      open.push(server);
      server.on('message', (peer, data) => peer.send(data));
      const left: string[] = [];
      server.on('disconnect', (_peer, info) => left.push(`${info.reason} ${info.code.major}.${info.code.minor}`));
      const client = await connect(host, server.address.port);
      await client.connected;
      const got: number[] = [];
      client.on('message', (d) => got.push(d[0] as number));
      for (let i = 0; i < 10; i++) client.send(Uint8Array.of(i));
      await until(() => got.length === 10);
      expect(got).toEqual([...Array(10).keys()]);
      await client.close();
      await until(() => left.length === 1);
      expect(left).toEqual(['peer 2.2']);
    });
  }

  it('200 clients connect to one server and exchange reliable messages both ways', async () => {
    const server = await createServer({ maxConnections: 256 });
    open.push(server);
    let serverGot = 0;
    server.on('message', (peer, data) => {
      serverGot++;
      peer.send(data, { delivery: 'reliable' });
    });
    const clients: Client[] = [];
    for (let i = 0; i < 200; i++) clients.push(await connect('127.0.0.1', server.address.port));
    open.push(...clients);
    await Promise.all(clients.map((c) => c.connected));
    // a client is connected once it has the server's Finished; the server once it has the client's
    await until(() => server.peers.size === 200);
    let clientGot = 0;
    for (const c of clients) c.on('message', () => clientGot++);
    for (const [i, c] of clients.entries()) for (let m = 0; m < 5; m++) c.send(Uint8Array.of(i & 0xff, m));
    await until(() => clientGot === 1000, 20_000);
    expect(serverGot).toBe(1000);
  }, 30_000);

  it('server shutdown sends 2.1 to every client and waits for them', async () => {
    const server = await createServer();
    const clients = await Promise.all([0, 1, 2].map(() => connect('127.0.0.1', server.address.port)));
    open.push(...clients);
    await Promise.all(clients.map((c) => c.connected));
    await until(() => server.peers.size === 3);
    const reasons: string[] = [];
    for (const c of clients) c.on('disconnect', (i) => reasons.push(`${i.reason} ${i.code.major}.${i.code.minor}`));
    await server.close();
    await until(() => reasons.length === 3);
    expect(reasons).toEqual(['peer 2.1', 'peer 2.1', 'peer 2.1']);
  });

  it('accepts host names for the server and the client (resolved once, to an IP)', async () => {
    const server = await createServer({ host: 'localhost' });
    open.push(server);
    const client = await connect('localhost', server.address.port);
    open.push(client);
    await client.connected;
    const echoed = new Promise<string>((resolve) => client.once('message', (data) => resolve(new TextDecoder().decode(data))));
    server.on('message', (peer, data) => peer.send(data));
    client.send(new TextEncoder().encode('by name'));
    expect(await echoed).toBe('by name');
  });

  it('a 16 MiB message arrives intact through a proxy dropping 10 % of datagrams', async () => {
    const server = await createServer();
    open.push(server);
    const proxy = await LossyUdpProxy.start({ target: { host: '127.0.0.1', port: server.address.port }, loss: 0.1, seed: 5 });
    open.push(proxy);
    let received: Uint8Array | undefined;
    server.on('message', (_peer, data) => (received = data));
    const client = await connect('127.0.0.1', proxy.port, { connection: { idleTimeoutMs: 60_000 } });
    open.push(client);
    await client.connected;
    const big = randomBytes(16 * 1024 * 1024); // incompressible: every fragment really crosses the proxy
    client.send(big);
    await until(() => received !== undefined, 120_000);
    expect(received?.length).toBe(big.length);
    expect(Buffer.compare(Buffer.from(received as Uint8Array), Buffer.from(big))).toBe(0);
  }, 150_000);
});
