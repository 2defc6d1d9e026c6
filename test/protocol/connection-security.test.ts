import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChannelKind, channelByte } from '../../lib/protocol/channel-kind.js';
import { writeFrame } from '../../lib/protocol/frames.js';
import { Flag, PacketType, encodePacket } from '../../lib/wire/index.js';
import { makePair, messages } from './pair-fixture.js';
import { hostilePeer } from '../attacks/fixtures.js';

/** A datagram from a to b carrying one reliable message. */
function oneDatagram() {
  const fixture = makePair();
  fixture.pair.a.send(Uint8Array.of(1, 2, 3), ChannelKind.RELIABLE_ORDERED);
  const datagram = fixture.pair.a.pollTransmit(0) as Uint8Array;
  return { ...fixture, datagram };
}

describe('bad datagrams on an established, encrypted connection', () => {
  it('drops and counts a tampered datagram (every bit of header and body)', () => {
    const { pair, datagram, events } = oneDatagram();
    for (let bit = 0; bit < datagram.length * 8; bit += 7) {
      const bad = datagram.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      pair.b.handleDatagram(0, bad);
    }
    const s = pair.b.stats;
    expect(s.decryptFailed + s.malformed + s.unprotected).toBe(Math.ceil((datagram.length * 8) / 7));
    pair.b.handleDatagram(0, datagram);
    expect(messages(events.b)).toHaveLength(0);
    expect(pair.b.pollEvent()).toMatchObject({ type: 'message' }); // the genuine one still opens
  });

  it('drops and counts a replayed datagram; the message is delivered once', () => {
    const { pair, datagram } = oneDatagram();
    pair.b.handleDatagram(0, datagram);
    pair.b.handleDatagram(1, datagram);
    pair.b.handleDatagram(2, datagram);
    expect(pair.b.stats.replayed).toBe(2);
    expect(pair.b.pollEvent()).toMatchObject({ type: 'message' });
    expect(pair.b.pollEvent()).toBeUndefined();
  });

  it('drops a datagram sealed under another key, a truncated one and a plaintext one', () => {
    const { pair, datagram } = oneDatagram();
    const stranger = makePair({ seed: 99 });
    stranger.pair.a.send(Uint8Array.of(9), ChannelKind.RELIABLE_ORDERED);
    pair.b.handleDatagram(0, stranger.pair.a.pollTransmit(0) as Uint8Array);
    pair.b.handleDatagram(0, datagram.subarray(0, 10));
    pair.b.handleDatagram(0, encodePacket({ type: PacketType.DEFAULT, flags: Flag.RELIABLE, sequence: 1, data: Uint8Array.of(0, 0, 0, 0, 1, 7) }));
    expect(pair.b.stats).toMatchObject({ decryptFailed: 1, malformed: 1, unprotected: 1, messagesDelivered: 0 });
  });

  it('answers bad datagrams with at most one ERROR per errorReplyIntervalMs', () => {
    const { pair, datagram } = oneDatagram();
    const bad = datagram.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    for (let i = 0; i < 100; i++) pair.b.handleDatagram(i, bad);
    let replies = 0;
    for (let d = pair.b.pollTransmit(100); d !== undefined; d = pair.b.pollTransmit(100)) replies++;
    expect(replies).toBe(1);
  });
});

describe('hostile content from an authenticated peer', () => {
  const attacker = hostilePeer;

  it('a fragment bomb stops at the reassembly memory cap and the connection closes with an error', () => {
    const { victim, seal } = attacker({ maxMessageSize: 64 * 1024, reassemblyMemoryCap: 128 * 1024 });
    const payload = new Uint8Array(1100);
    let sequence = 0;
    for (let message = 0; message < 1000 && victim.state === 'connected'; message++) {
      const data = new Uint8Array(1200);
      const end = writeFrame(data, 0, channelByte(ChannelKind.RELIABLE_UNORDERED, 0), message & 0xffff, payload);
      victim.handleDatagram(message, seal.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE | Flag.FRAG, sequence: sequence++ & 0xffff, fragment: { id: 0, count: 50 }, data: data.subarray(0, end) }));
    }
    expect(victim.state).not.toBe('connected');
    expect(victim.pollEvent()).toMatchObject({ type: 'disconnect', reason: 'protocol-error' });
    expect(sequence).toBeLessThanOrEqual(Math.ceil((128 * 1024) / 1100) + 1);
  });

  it('a decompression bomb is refused (3.8) without delivering or acknowledging it', () => {
    const { victim, seal } = attacker();
    const frames = new Uint8Array(200_000);
    writeFrame(frames, 0, channelByte(ChannelKind.RELIABLE_ORDERED, 0), 0, new Uint8Array(60_000));
    writeFrame(frames, 60_005, channelByte(ChannelKind.RELIABLE_ORDERED, 0), 1, new Uint8Array(60_000));
    const bomb = deflateRawSync(frames.subarray(0, 120_010), { level: 9 });
    expect(bomb.length).toBeLessThan(1200);
    victim.handleDatagram(0, seal.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE | Flag.COMPRESSED, sequence: 0, data: bomb }));
    expect(victim.stats).toMatchObject({ malformed: 1, messagesDelivered: 0 });
    const reply = victim.pollTransmit(0);
    expect(reply).toBeDefined(); // the ERROR 3.8 reply, and no ACK for the bomb
    expect(victim.pollTransmit(100)).toBeUndefined();
  });

  it('a fragment count over the message limit is refused with 3.6 before anything is buffered', () => {
    const { victim, seal } = attacker({ maxMessageSize: 10_000 });
    const data = new Uint8Array(100);
    const end = writeFrame(data, 0, channelByte(ChannelKind.RELIABLE_ORDERED, 0), 0, new Uint8Array(50));
    victim.handleDatagram(0, seal.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE | Flag.FRAG, sequence: 0, fragment: { id: 0, count: 65_535 }, data: data.subarray(0, end) }));
    expect(victim.stats.malformed).toBe(1);
    expect(victim.state).toBe('connected');
  });
});
