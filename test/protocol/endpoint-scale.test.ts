/**
 * The endpoint's per-event work must not grow with idle connections: a server with hundreds of
 * quiet clients asks only the connections something happened to for datagrams and deadlines.
 */
import { describe, expect, it, vi } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { Connection } from '../../lib/protocol/connection.js';
import { Endpoint, type ConnectionHandle } from '../../lib/protocol/endpoint.js';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import { VirtualNetwork } from '../../lib/protocol/virtual-network.js';

const SERVER = '10.0.0.1:4000';
const CLIENTS = 200;

function seeded(seed: number): (out: Uint8Array) => void {
  const rng = new SeededRandom(seed);
  return (out) => rng.fill(out);
}

describe('endpoint scheduling with many connections', () => {
  it('a send on one of 200 connections polls that connection only', () => {
    const net = new VirtualNetwork({ latencyMs: 5 }, 3, 1_700_000_000_000);
    // the rate limit is per address; every client has its own
    const server = new Endpoint({ random: seeded(1), listen: true, maxConnections: CLIENTS + 10 });
    net.add(SERVER, server);
    for (let i = 0; i < CLIENTS; i++) {
      const client = new Endpoint({ random: seeded(100 + i) });
      const address = `10.0.${1 + (i >> 8)}.${i & 255}:5000`;
      net.add(address, client);
      client.connect(net.now, SERVER);
    }
    net.drive(() => server.connectionCount === CLIENTS);
    expect(server.connectionCount).toBe(CLIENTS);
    // let the handshake traffic settle so every connection is idle
    net.runUntil(net.now + 200);
    net.drainEvents();
    const handles = net.eventsOf(SERVER).flatMap((e) => (e.type === 'connected' ? [e.handle] : [])) as ConnectionHandle[];
    expect(handles).toHaveLength(CLIENTS);
    // drain whatever is pending right now, then measure one send
    while (server.pollTransmit(net.now) !== undefined);
    server.pollTimeout();

    const transmit = vi.spyOn(Connection.prototype, 'pollTransmit');
    const timeout = vi.spyOn(Connection.prototype, 'pollTimeout');
    try {
      server.send(handles[123] as ConnectionHandle, new TextEncoder().encode('hello'), ChannelKind.RELIABLE_ORDERED, 0);
      let sent = 0;
      while (server.pollTransmit(net.now) !== undefined) sent++;
      expect(sent).toBe(1);
      expect(server.pollTimeout()).toBeDefined();
      // one connection asked (until it had nothing more), not 200
      expect(transmit.mock.calls.length).toBeLessThanOrEqual(3);
      expect(timeout.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      transmit.mockRestore();
      timeout.mockRestore();
    }
  }, 60_000);
});
