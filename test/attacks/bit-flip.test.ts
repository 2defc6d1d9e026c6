/**
 * Attack family 3: on-path corruption of real sealed datagrams at the Endpoint. Every single-bit
 * flip and every byte replaced (0x00, 0xff, +1) of a captured data datagram, in each direction,
 * is dropped and counted (connection or endpoint counters), never delivered and never fatal; the
 * genuine datagram is then still accepted. (connection-security.test.ts flips every 7th bit at the
 * Connection; this covers every bit and byte through the Endpoint's routing as well.)
 */
import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import type { Endpoint } from '../../lib/protocol/endpoint.js';
import { Flag } from '../../lib/wire/constants.js';
import { CLIENT, SERVER, connect, ofType, setup, str, text } from './fixtures.js';

function drops(endpoint: Endpoint, handle: number): number {
  const c = endpoint.connectionStats(handle)!;
  return c.decryptFailed + c.malformed + c.unprotected + c.replayed + c.duplicates + endpoint.stats.malformed + endpoint.stats.unroutable;
}

function mutations(d: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let bit = 0; bit < d.length * 8; bit++) {
    const bad = d.slice();
    bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
    out.push(bad);
  }
  for (let i = 0; i < d.length; i++) {
    for (const v of [0x00, 0xff, ((d[i] as number) + 1) & 0xff]) {
      if (v === d[i]) continue;
      const bad = d.slice();
      bad[i] = v;
      out.push(bad);
    }
  }
  return out;
}

describe('bit flips in real sealed datagrams', () => {
  for (const direction of ['client→server', 'server→client'] as const) {
    it(`${direction}: every bit flip and byte substitution is dropped and counted; the genuine one is delivered once`, () => {
      const { net, server, client } = setup({ link: { latencyMs: 10 } });
      const { clientHandle, serverHandle } = connect(net, client);
      net.runUntil(net.now + 100);
      const [sender, senderHandle, receiver, receiverHandle, from, to] =
        direction === 'client→server' ? [client, clientHandle, server, serverHandle, CLIENT, SERVER] : [server, serverHandle, client, clientHandle, SERVER, CLIENT];
      // capture the next data datagram instead of delivering it
      let genuine: Uint8Array | undefined;
      net.filter = (f, t, bytes) => {
        if (f === from && t === to && genuine === undefined && ((bytes[1] as number) & Flag.ENCRYPTED) !== 0 && bytes.length > 30) {
          genuine = bytes.slice();
          return false;
        }
        return true;
      };
      sender.send(senderHandle, text('the one message'), ChannelKind.RELIABLE_ORDERED);
      net.flush();
      net.filter = () => true;
      expect(genuine).toBeDefined();
      const d = genuine as Uint8Array;
      const bad = mutations(d);
      const before = drops(receiver, receiverHandle);
      const messagesBefore = ofType(net.eventsOf(to), 'message').length;
      for (const b of bad) receiver.handleDatagram(net.now, from, b);
      net.flush();
      net.drainEvents();
      const counted = drops(receiver, receiverHandle) - before;
      expect({ datagramBytes: d.length, mutations: bad.length, counted }).toEqual({ datagramBytes: d.length, mutations: d.length * 8 + bad.length - d.length * 8, counted: bad.length });
      expect(ofType(net.eventsOf(to), 'message')).toHaveLength(messagesBefore);
      expect(ofType(net.eventsOf(to), 'disconnect')).toHaveLength(0);
      expect(receiver.connectionCount).toBe(1);
      // the untouched datagram still opens: one delivery, and the session goes on
      receiver.handleDatagram(net.now, from, d);
      net.runUntil(net.now + 100);
      const got = ofType(net.eventsOf(to), 'message').slice(messagesBefore).map((m) => str(m.data));
      expect(got).toEqual(['the one message']);
      expect(ofType(net.eventsOf(from), 'disconnect')).toHaveLength(0);
    });
  }
});
