import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import type { ConnectionEvent } from '../../lib/protocol/connection-events.js';
import { ErrorCode } from '../../lib/wire/index.js';
import { makePair, messages } from './pair-fixture.js';

const disconnects = (events: ConnectionEvent[]) => events.filter((e) => e.type === 'disconnect');

describe('disconnect and timeouts', () => {
  it('client disconnect (2.2): the server acknowledges and reports "peer", the client "local"', () => {
    const { pair, events } = makePair({ link: { latencyMs: 20, loss: 0.3 }, seed: 4 });
    pair.a.close(pair.now, ErrorCode.CLIENT_DISCONNECT, 'bye');
    expect(pair.drive(() => pair.a.state === 'closed' && pair.b.state === 'closed')).toBe(true);
    expect(disconnects(events.b)).toMatchObject([{ reason: 'peer', code: ErrorCode.CLIENT_DISCONNECT, detail: 'bye' }]);
    expect(disconnects(events.a)).toMatchObject([{ reason: 'local', code: ErrorCode.CLIENT_DISCONNECT }]);
  });

  it('server shutdown (2.1) tells the client, which acknowledges without sending 2.2', () => {
    const { pair, events } = makePair();
    pair.b.close(pair.now, ErrorCode.SERVER_DISCONNECT, 'maintenance');
    pair.drive(() => pair.b.state === 'closed');
    expect(disconnects(events.a)).toMatchObject([{ reason: 'peer', code: ErrorCode.SERVER_DISCONNECT }]);
    expect(disconnects(events.b)).toMatchObject([{ reason: 'local', code: ErrorCode.SERVER_DISCONNECT }]);
  });

  it('a disconnect nobody acknowledges ends after disconnectTimeoutMs', () => {
    const { pair, events } = makePair({ link: { loss: 1 }, options: { disconnectTimeoutMs: 500 } });
    pair.a.close(0);
    pair.drive(() => pair.a.state === 'closed');
    expect(pair.now).toBeGreaterThanOrEqual(500);
    expect(pair.now).toBeLessThan(600);
    expect(disconnects(events.a)).toMatchObject([{ reason: 'local', detail: expect.stringContaining('not acknowledged') }]);
  });

  it('idle timeout: a silent peer is disconnected with reason "timeout"', () => {
    const { pair, events } = makePair({ link: { loss: 1 }, options: { idleTimeoutMs: 3000 } });
    pair.drive(() => pair.a.state === 'closed' && pair.b.state === 'closed');
    expect(pair.now).toBe(3000);
    expect(disconnects(events.a)).toMatchObject([{ reason: 'timeout' }]);
  });

  it('heartbeats keep an idle connection alive and sample the round-trip time', () => {
    const { pair } = makePair({ link: { latencyMs: 25 }, options: { idleTimeoutMs: 3000, heartbeatIntervalMs: 500 } });
    pair.drive(() => pair.now > 20_000);
    expect(pair.a.state).toBe('connected');
    expect(pair.a.stats.rtt).toBeCloseTo(50, 0);
  });

  it('refuses to send on a closed connection', () => {
    const { pair } = makePair();
    pair.a.close(0);
    expect(() => pair.a.send(new Uint8Array(1), ChannelKind.RELIABLE_ORDERED)).toThrow(/closing/);
  });
});

describe('sequence wrap-around', () => {
  it('delivers in order across more than three 16-bit wraps of datagram and message sequences', () => {
    const { pair, events } = makePair({ encrypted: false, link: { latencyMs: 1 }, options: { compressionThreshold: 0 } });
    const total = 3 * 65_536 + 500;
    let expected = 0;
    let inOrder = true;
    const collect = () => {
      for (const m of messages(events.b.splice(0))) {
        if (new DataView(m.buffer, m.byteOffset).getUint32(0) !== expected) inOrder = false;
        expected++;
      }
    };
    for (let i = 0; i < total; i++) {
      // 600 bytes: one message per datagram, so datagram sequences wrap as often as message ones
      const m = new Uint8Array(600);
      new DataView(m.buffer).setUint32(0, i);
      pair.a.send(m, ChannelKind.RELIABLE_ORDERED);
      if (i % 32 === 31) {
        pair.runUntil(pair.now + 1);
        collect();
      }
    }
    pair.drive(() => pair.a.unackedReliable === 0);
    collect();
    expect(inOrder).toBe(true);
    expect(expected).toBe(total);
    expect(pair.a.stats.packetsSent).toBeGreaterThan(3 * 65_536);
  }, 120_000);
});
