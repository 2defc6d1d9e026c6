import { afterEach, describe, expect, it } from 'vitest';
import { formatPeer, parsePeer, UdpDriver, type SansIoEndpoint } from '../../lib/transport/udp-driver.js';

/** A minimal sans-IO endpoint: echoes every datagram after `delayMs` of protocol time. */
class DelayedEcho implements SansIoEndpoint<string> {
  private readonly due: Array<{ at: number; to: string; bytes: Uint8Array }> = [];
  private readonly events: string[] = [];
  constructor(private readonly delayMs: number) {}
  handleDatagram(now: number, from: string, bytes: Uint8Array): void {
    this.due.push({ at: now + this.delayMs, to: from, bytes: Uint8Array.from(bytes) });
    this.events.push(`in ${from}`);
  }
  handleTimeout(): void {}
  pollTransmit(now: number) {
    const i = this.due.findIndex((d) => d.at <= now);
    return i < 0 ? undefined : this.due.splice(i, 1)[0];
  }
  pollTimeout(): number | undefined {
    return this.due.length === 0 ? undefined : Math.min(...this.due.map((d) => d.at));
  }
  pollEvent(): string | undefined {
    return this.events.shift();
  }
}

class Sink implements SansIoEndpoint<Uint8Array> {
  readonly received: Uint8Array[] = [];
  outbox: Array<{ to: string; bytes: Uint8Array }> = [];
  handleDatagram(_now: number, _from: string, bytes: Uint8Array): void {
    this.received.push(Uint8Array.from(bytes));
  }
  handleTimeout(): void {}
  pollTransmit() {
    return this.outbox.shift();
  }
  pollTimeout(): undefined {
    return undefined;
  }
  pollEvent(): undefined {
    return undefined;
  }
}

const drivers: Array<UdpDriver<unknown>> = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

describe('UdpDriver', () => {
  it('formats and parses IPv4 and IPv6 peer addresses, refusing others', () => {
    expect(formatPeer('::1', 5)).toBe('[::1]:5');
    expect(parsePeer('[::1]:5')).toEqual({ host: '::1', port: 5 });
    expect(parsePeer('127.0.0.1:80')).toEqual({ host: '127.0.0.1', port: 80 });
    expect(() => parsePeer('nonsense')).toThrow(RangeError);
  });

  for (const host of ['127.0.0.1', '::1']) {
    it(`delivers datagrams, fires the endpoint's timers and sends what it polls (${host})`, async () => {
      const events: string[] = [];
      const echo = await UdpDriver.bind(new DelayedEcho(30), (e) => events.push(e), host);
      const sinkEndpoint = new Sink();
      const sink = await UdpDriver.bind(sinkEndpoint, () => {}, host);
      drivers.push(echo as UdpDriver<unknown>, sink as UdpDriver<unknown>);
      sinkEndpoint.outbox.push({ to: formatPeer(host, echo.address.port), bytes: Uint8Array.of(7, 8) });
      const started = performance.now();
      sink.service();
      while (sinkEndpoint.received.length === 0 && performance.now() - started < 2000) await new Promise((r) => setTimeout(r, 5));
      expect(sinkEndpoint.received).toEqual([Uint8Array.of(7, 8)]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(29);
      expect(events).toEqual([`in ${formatPeer(host, sink.address.port)}`]);
    });
  }
});
