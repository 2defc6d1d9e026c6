/**
 * Attack family 2: replay of a captured encrypted session. Every datagram of a live session
 * (handshake included) is recorded on the virtual network, then all of them are replayed to both
 * ends, from the original addresses and from an attacker's. Nothing is delivered twice, the drops
 * are counted, and the live connection keeps working.
 */
import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { Flag, PacketType } from '../../lib/wire/constants.js';
import { ATTACKER, CLIENT, SERVER, connect, ofType, setup, str, text } from './fixtures.js';

const KINDS = [ChannelKind.RELIABLE_ORDERED, ChannelKind.RELIABLE_UNORDERED, ChannelKind.UNRELIABLE, ChannelKind.UNRELIABLE_SEQUENCED];

describe('replay of a captured encrypted session', () => {
  it('replayed from the same and from another address: zero duplicates delivered, every replay counted, session alive', () => {
    const { net, server, client } = setup({ link: { latencyMs: 10 } });
    const captured: { from: string; to: string; bytes: Uint8Array }[] = [];
    net.filter = (from, to, bytes) => {
      captured.push({ from, to, bytes: bytes.slice() });
      return true;
    };
    const { clientHandle, serverHandle } = connect(net, client);
    for (let i = 0; i < 40; i++) {
      const kind = KINDS[i % 4] as ChannelKind;
      client.send(clientHandle, text(`c${i}`), kind, i % 3);
      server.send(serverHandle, text(`s${i}`), kind, i % 3);
      if (i % 5 === 4) net.runUntil(net.now + 7);
    }
    client.send(clientHandle, new Uint8Array(5000).fill(7), ChannelKind.RELIABLE_ORDERED); // fragmented
    net.runUntil(net.now + 500);
    const delivered = (at: string) => ofType(net.eventsOf(at), 'message').map((m) => (m.data.length > 100 ? `big${m.data.length}` : str(m.data)));
    const atServer = delivered(SERVER);
    const atClient = delivered(CLIENT);
    expect(atServer).toHaveLength(41);
    expect(atClient).toHaveLength(40);
    net.filter = () => true;

    const sealedToServer = captured.filter((d) => d.to === SERVER && ((d.bytes[1] as number) & Flag.ENCRYPTED) !== 0);
    const sealedToClient = captured.filter((d) => d.to === CLIENT && ((d.bytes[1] as number) & Flag.ENCRYPTED) !== 0);
    const handshake = captured.length - sealedToServer.length - sealedToClient.length;
    expect(sealedToServer.length).toBeGreaterThanOrEqual(10); // coalesced frames, 5 FRAG datagrams, ACKs
    expect(sealedToClient.length).toBeGreaterThanOrEqual(5);
    expect(handshake).toBeGreaterThanOrEqual(5); // HELLO, RETRY, HELLO, SERVER HELLO, Finished ACKs
    const serverBefore = server.connectionStats(serverHandle)!;
    const clientBefore = client.connectionStats(clientHandle)!;
    const stats0 = { ...server.stats };

    // 1. everything again, to its original destination, from its original source
    for (const d of captured) (d.to === SERVER ? server : client).handleDatagram(net.now, d.from, d.bytes);
    // 2. everything again, to both ends, from an attacker's address
    for (const d of captured) (d.to === SERVER ? server : client).handleDatagram(net.now, ATTACKER, d.bytes);
    net.runUntil(net.now + 200);

    const serverAfter = server.connectionStats(serverHandle)!;
    const clientAfter = client.connectionStats(clientHandle)!;
    // every sealed datagram from the original address hit the replay window
    expect(serverAfter.replayed - serverBefore.replayed).toBe(sealedToServer.length);
    expect(clientAfter.replayed - clientBefore.replayed).toBe(sealedToClient.length);
    expect(serverAfter.messagesDelivered).toBe(serverBefore.messagesDelivered);
    expect(clientAfter.messagesDelivered).toBe(clientBefore.messagesDelivered);
    // from the attacker's address: the sealed ones are unroutable (no state for it), the
    // replayed HELLOs carry a cookie bound to the client's address, so only a stateless RETRY.
    // From the client's own address, its handshake datagrams (HELLOs, Finished) are unroutable
    // too: once the client was heard sealed the server let the handshake go, so a replayed
    // HELLO gets no repeated flight (nothing to amplify) and is counted, not absorbed.
    const hellosToServer = captured.filter((d) => d.to === SERVER && ((d.bytes[0] as number) & 0x0f) === PacketType.AUTH).length;
    const unsealedToServer = captured.filter((d) => d.to === SERVER && ((d.bytes[1] as number) & Flag.ENCRYPTED) === 0).length;
    expect(server.stats.unroutable - stats0.unroutable).toBe(captured.filter((d) => d.to === SERVER).length - hellosToServer + unsealedToServer);
    expect(server.stats.repliesRepeated - stats0.repliesRepeated).toBe(0);
    expect(server.stats.cookiesInvalid - stats0.cookiesInvalid).toBe(1); // the HELLO that carried the cookie
    expect(server.stats.handshakesStarted).toBe(stats0.handshakesStarted);
    expect(server.trackedAddressCount).toBe(1);
    expect(server.connectionCount).toBe(1);
    expect(delivered(SERVER)).toEqual(atServer);
    expect(delivered(CLIENT)).toEqual(atClient);
    expect(ofType(net.eventsOf(SERVER), 'disconnect')).toHaveLength(0);
    expect(ofType(net.eventsOf(CLIENT), 'disconnect')).toHaveLength(0);

    // the live session still works both ways
    client.send(clientHandle, text('after-c'), ChannelKind.RELIABLE_ORDERED);
    server.send(serverHandle, text('after-s'), ChannelKind.RELIABLE_ORDERED);
    net.runUntil(net.now + 200);
    expect(delivered(SERVER).slice(atServer.length)).toEqual(['after-c']);
    expect(delivered(CLIENT).slice(atClient.length)).toEqual(['after-s']);
  });
});
