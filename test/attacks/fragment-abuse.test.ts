/**
 * Attack family 4: absurd fragment fields and fragment bombs from an authenticated peer
 * (PROTOCOL.md §3.1, §8.6, §8.8). Counts over the limit, ids ≥ count, counts that change
 * mid-message are refused and counted with the connection intact; a bomb of partial messages
 * stops at the reassembly memory cap, measured both in accounted and in real heap bytes, and the
 * connection closes (reason protocol-error, ERROR 2.0 sent to the peer).
 */
import { describe, expect, it } from 'vitest';
import { ChannelKind, channelByte } from '../../lib/protocol/channel-kind.js';
import { FragmentAssembler, PARTIAL_FLOOR_BYTES } from '../../lib/protocol/fragment-assembler.js';
import { writeFrame } from '../../lib/protocol/frames.js';
import { Flag, PacketType } from '../../lib/wire/constants.js';
import { WireError } from '../../lib/wire/errors.js';
import { drainEvents, drainTransmit, hostilePeer } from './fixtures.js';

const UNORDERED = channelByte(ChannelKind.RELIABLE_UNORDERED, 0);

function fragmentDatagram(seal: ReturnType<typeof hostilePeer>['seal'], seq: number, message: number, id: number, count: number, payload: Uint8Array) {
  const data = new Uint8Array(payload.length + 5);
  const end = writeFrame(data, 0, UNORDERED, message & 0xffff, payload);
  return seal.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE | Flag.FRAG, sequence: seq & 0xffff, fragment: { id, count }, data: data.subarray(0, end) });
}

describe('absurd fragment fields', () => {
  it('max count, id ≥ count, and a count that changes mid-message: each refused and counted, connection alive', () => {
    const { victim, seal } = hostilePeer();
    let seq = 0;
    // 65,535 fragments: over ceil(16 MiB / 539) = 31,127 → 3.6 before anything is buffered
    victim.handleDatagram(0, fragmentDatagram(seal, seq++, 0, 0, 65_535, new Uint8Array(100)));
    // id ≥ count: the sealed datagram is patched after sealing; the decoder refuses it (3.5) before opening
    const bad = fragmentDatagram(seal, seq++, 1, 0, 2, new Uint8Array(100));
    new DataView(bad.buffer).setUint16(4, 7); // Fragment ID 7 of 2
    victim.handleDatagram(1, bad);
    // count 3 then count 4 for the same message id → 3.6
    victim.handleDatagram(2, fragmentDatagram(seal, seq++, 2, 0, 3, new Uint8Array(600)));
    victim.handleDatagram(3, fragmentDatagram(seal, seq++, 2, 1, 4, new Uint8Array(600)));
    expect(victim.stats).toMatchObject({ malformed: 3, messagesDelivered: 0, decryptFailed: 0 });
    expect(victim.state).toBe('connected');
    // the message with the first count still completes
    victim.handleDatagram(4, fragmentDatagram(seal, seq++, 2, 1, 3, new Uint8Array(600)));
    victim.handleDatagram(5, fragmentDatagram(seal, seq++, 2, 2, 3, new Uint8Array(10)));
    const messages = drainEvents(victim).filter((e) => e.type === 'message');
    expect(messages.map((m) => (m.type === 'message' ? m.data.length : 0))).toEqual([1210]);
  });

  it('the assembler itself refuses id ≥ count and count 0 (3.5) without buffering', () => {
    const a = new FragmentAssembler({ maxMessageSize: 10_000, maxFragmentPayload: 1000, minFragmentPayload: 500, memoryCap: 20_000, timeoutMs: 1000 });
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        if (e instanceof WireError) return e.code;
        throw e;
      }
      return 'none';
    };
    expect(codeOf(() => a.add(0, 1, 5, 5, new Uint8Array(10), 0))).toBe('3.5');
    expect(codeOf(() => a.add(0, 1, 0, 0, new Uint8Array(10), 0))).toBe('3.5');
    expect(codeOf(() => a.add(0, 1, -1, 3, new Uint8Array(10), 0))).toBe('3.5');
    expect({ pending: a.pending, buffered: a.bufferedBytes, accounted: a.accountedBytes }).toEqual({ pending: 0, buffered: 0, accounted: 0 });
  });
});

describe('fragment bombs', () => {
  it('tiny fragments announcing the largest count: the cap counts real memory, not just payload bytes', () => {
    // before the fix: 1,000 partials of 1 byte each were counted as 1,000 bytes but held a
    // 31,127-slot array each, ~247 MB of heap
    const cap = 4 * 1024 * 1024;
    const count = Math.ceil((16 * 1024 * 1024) / 539);
    const a = new FragmentAssembler({ maxMessageSize: 16 * 1024 * 1024, maxFragmentPayload: 65_507, minFragmentPayload: 539, memoryCap: cap, timeoutMs: 30_000 });
    const heapBefore = process.memoryUsage().heapUsed;
    let accepted = 0;
    let code = 'none';
    for (let s = 0; s < 100_000 && code === 'none'; s++) {
      try {
        a.add(0x40 | (s >> 16), s & 0xffff, 0, count, Uint8Array.of(1), 0);
        accepted++;
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
        code = e.code;
      }
    }
    const heapDelta = process.memoryUsage().heapUsed - heapBefore;
    expect(code).toBe('3.0');
    expect(accepted).toBe(Math.floor(cap / PARTIAL_FLOOR_BYTES)); // 16,384 partials
    expect(a.bufferedBytes).toBe(accepted); // payload: one byte each
    expect(a.accountedBytes).toBeLessThanOrEqual(cap);
    // real memory stays within a small multiple of the cap (it was ~60 × the cap per 1,000 partials)
    expect(heapDelta).toBeLessThan(3 * cap);
  });

  it('full fragments of many partial messages: stops at the cap, closes with protocol-error, sends ERROR 2.0', () => {
    const cap = 128 * 1024;
    const { victim, seal } = hostilePeer({ maxMessageSize: 64 * 1024, reassemblyMemoryCap: cap });
    const payload = new Uint8Array(1100);
    let sent = 0;
    for (let message = 0; message < 1000 && victim.state === 'connected'; message++) {
      victim.handleDatagram(message, fragmentDatagram(seal, message, message, 0, 50, payload));
      sent++;
    }
    const accepted = sent - 1; // the last one broke the cap
    expect(accepted).toBe(Math.floor(cap / 1100)); // 119 partial messages, 130,900 bytes held
    expect(accepted * 1100).toBeLessThanOrEqual(cap);
    expect(victim.state).toBe('draining');
    const events = drainEvents(victim);
    expect(events).toEqual([expect.objectContaining({ type: 'disconnect', reason: 'protocol-error', code: expect.objectContaining({ major: 3, minor: 0 }) })]);
    const out = drainTransmit(victim, sent).map((d) => seal.unprotect(d));
    const errors = out.flatMap((r) => (r.ok && r.packet.type === PacketType.ERROR ? [`${r.packet.major}.${r.packet.minor}`] : []));
    expect(errors).toEqual(['2.0']);
    victim.handleTimeout(sent + 1);
    expect(victim.state).toBe('closed');
    expect(victim.stats.messagesDelivered).toBe(0);
  });
});
