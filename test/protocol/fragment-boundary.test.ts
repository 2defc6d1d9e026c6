import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { makePair, messages } from './pair-fixture.js';

/**
 * Found by the real-network soak (test/transport/real-loss.test.ts): with the default 1,200-byte
 * MTU, a message just too large to travel whole but no larger than one fragment's payload
 * (1,162–1,163 B encrypted, 1,182–1,183 B with checksums only) was queued as a whole piece that
 * no datagram could carry: it never left, and every message queued behind it, on any channel,
 * was stuck while the sender built empty datagrams as fast as the window allowed.
 */
describe('messages around the whole/fragment boundary', () => {
  for (const encrypted of [true, false]) {
    it(`every size from 1,100 to 1,250 B arrives, intact and in order (${encrypted ? 'encrypted' : 'checksums only'})`, () => {
      const { pair, events } = makePair({ encrypted });
      const sent: Uint8Array[] = [];
      for (let size = 1100; size <= 1250; size++) {
        const m = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
        sent.push(m);
        pair.a.send(m, ChannelKind.RELIABLE_ORDERED);
      }
      pair.drive(() => messages(events.b).length === sent.length && pair.a.unackedReliable === 0, 60_000);
      expect(messages(events.b).map((m) => Buffer.from(m))).toEqual(sent.map((m) => Buffer.from(m)));
      expect(pair.a.stats.packetsSent).toBeLessThan(3 * sent.length);
    });
  }
});
