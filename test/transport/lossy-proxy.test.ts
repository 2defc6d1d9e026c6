import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LossyUdpProxy } from '../../lib/transport/lossy-proxy.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function echoServer(): Promise<number> {
  const s = createSocket('udp4');
  s.on('message', (m, r) => s.send(m, r.port, r.address));
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  cleanup.push(() => new Promise((resolve) => s.close(() => resolve())));
  return s.address().port;
}

describe('LossyUdpProxy', () => {
  it('forwards both ways and drops what the hook drops', async () => {
    const port = await echoServer();
    const proxy = await LossyUdpProxy.start({ target: { host: '127.0.0.1', port }, drop: (dir, b) => dir === 'to-server' && b[0] === 0xff });
    cleanup.push(() => proxy.close());
    const client = createSocket('udp4');
    cleanup.push(() => new Promise((resolve) => client.close(() => resolve())));
    client.bind(0, '127.0.0.1');
    await once(client, 'listening');
    const replies: number[] = [];
    client.on('message', (m) => replies.push(m[0] as number));
    for (const v of [1, 0xff, 2]) client.send(Buffer.of(v), proxy.port, '127.0.0.1');
    const deadline = Date.now() + 2000;
    while (replies.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(replies.sort()).toEqual([1, 2]);
    expect(proxy.stats.dropped).toBe(1);
  });

  it('drops about the configured share of datagrams', async () => {
    const port = await echoServer();
    const proxy = await LossyUdpProxy.start({ target: { host: '127.0.0.1', port }, loss: 0.5, seed: 3 });
    cleanup.push(() => proxy.close());
    const client = createSocket('udp4');
    cleanup.push(() => new Promise((resolve) => client.close(() => resolve())));
    client.bind(0, '127.0.0.1');
    await once(client, 'listening');
    for (let i = 0; i < 400; i++) client.send(Buffer.of(i & 0xff), proxy.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    const share = proxy.stats.dropped / (proxy.stats.dropped + proxy.stats.forwarded);
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });
});
