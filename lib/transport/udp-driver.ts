/**
 * Runs a sans-IO endpoint on a node:dgram socket: the only place (with the lossy proxy) that
 * owns a socket and a timer. Every input (datagram or timer) is followed by draining the
 * endpoint's transmits and events, then re-arming one timer at its pollTimeout(). The clock is
 * transportNow(): epoch milliseconds advanced monotonically (see clock.ts).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { transportNow } from './clock.js';
import { EndpointTimer } from './endpoint-timer.js';
import { Reentry } from './reentry.js';

/** What the driver needs from a protocol endpoint (lib/protocol's Endpoint implements it). */
export interface SansIoEndpoint<E> {
  handleDatagram(now: number, from: string, bytes: Uint8Array): void;
  handleTimeout(now: number): void;
  pollTransmit(now: number): { readonly to: string; readonly bytes: Uint8Array } | undefined;
  pollTimeout(): number | undefined;
  pollEvent(): E | undefined;
}

/** "127.0.0.1:4000" / "[::1]:4000", the endpoint's address form. */
export function formatPeer(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

export function parsePeer(address: string): { host: string; port: number } {
  const m = /^\[(.+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (m === null) throw new RangeError(`not a host:port address: ${address}`);
  return { host: m[1] as string, port: Number(m[2]) };
}

/** What Server and Client need from the I/O driver running their endpoint (dgram or native). */
export interface EndpointDriver {
  readonly address: { host: string; port: number };
  /** Drains transmits and events and re-arms the timer; call after acting on the endpoint. */
  service(): void;
  close(): Promise<void>;
}

const SOCKET_BUFFER = 4 << 20;

export interface UdpDriverStats {
  datagramsIn: number;
  datagramsOut: number;
  sendErrors: number;
}

export class UdpDriver<E> implements EndpointDriver {
  readonly stats: UdpDriverStats = { datagramsIn: 0, datagramsOut: 0, sendErrors: 0 };
  private readonly timer: EndpointTimer;
  private readonly reentry = new Reentry();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly endpoint: SansIoEndpoint<E>,
    private readonly onEvent: (event: E) => void,
  ) {
    this.timer = new EndpointTimer(endpoint, () => this.service());
    socket.on('message', (msg, rinfo) => {
      this.stats.datagramsIn++;
      this.endpoint.handleDatagram(transportNow(), formatPeer(rinfo.address, rinfo.port), msg);
      this.service();
    });
    // ICMP errors surface as socket errors on some platforms; a game server must not die of them
    socket.on('error', () => {
      this.stats.sendErrors++;
    });
  }

  /** Binds a socket (port 0 = any) and starts driving `endpoint`. */
  static async bind<E>(endpoint: SansIoEndpoint<E>, onEvent: (event: E) => void, host = '127.0.0.1', port = 0): Promise<UdpDriver<E>> {
    // 4 MiB queues like the native engine's (the kernel caps them at net.core.[rw]mem_max)
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', ipv6Only: isIPv6(host), recvBufferSize: SOCKET_BUFFER, sendBufferSize: SOCKET_BUFFER });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpDriver(socket, endpoint, onEvent);
  }

  get address(): { host: string; port: number } {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  /** Drains transmits and events and re-arms the timer; call after acting on the endpoint. */
  service(): void {
    this.reentry.run(() => this.serviceOnce());
  }

  private serviceOnce(): void {
    if (this.closed) return;
    const now = transportNow();
    for (let t = this.endpoint.pollTransmit(now); t !== undefined; t = this.endpoint.pollTransmit(now)) {
      const { host, port } = parsePeer(t.to);
      this.stats.datagramsOut++;
      this.socket.send(t.bytes, port, host, (err) => {
        if (err) this.stats.sendErrors++;
      });
    }
    for (let e = this.endpoint.pollEvent(); e !== undefined; e = this.endpoint.pollEvent()) this.onEvent(e);
    this.timer.arm();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer.cancel();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
