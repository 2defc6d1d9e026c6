/**
 * A UDP proxy that damages traffic on purpose, for real-socket tests: each client address gets
 * its own upstream socket (so the server sees distinct peers), and every datagram in either
 * direction may be dropped, delayed (with jitter, hence reordered) or duplicated, from a seeded
 * RNG, or dropped by a caller's hook (udx-native's test proxy does the same).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { SeededRandom } from '../protocol/seeded-random.js';

export type ProxyDirection = 'to-server' | 'to-client';

export interface LossyProxyOptions {
  readonly target: { readonly host: string; readonly port: number };
  /** Address to listen on. Default 127.0.0.1 (or ::1 for an IPv6 target). */
  readonly host?: string;
  readonly loss?: number;
  readonly duplicate?: number;
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  readonly seed?: number;
  /** Return true to drop this datagram (applied before the random loss). */
  readonly drop?: (direction: ProxyDirection, bytes: Buffer) => boolean;
}

export interface LossyProxyStats {
  forwarded: number;
  dropped: number;
  duplicated: number;
}

export class LossyUdpProxy {
  readonly stats: LossyProxyStats = { forwarded: 0, dropped: 0, duplicated: 0 };
  private readonly upstreams = new Map<string, Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rng: SeededRandom;
  private closed = false;

  private constructor(
    private readonly front: Socket,
    private readonly options: LossyProxyOptions,
  ) {
    this.rng = new SeededRandom(options.seed ?? 1);
  }

  static async start(options: LossyProxyOptions): Promise<LossyUdpProxy> {
    const v6 = isIPv6(options.target.host);
    const front = createSocket(v6 ? 'udp6' : 'udp4');
    const proxy = new LossyUdpProxy(front, options);
    front.on('message', (msg, rinfo) => proxy.fromClient(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.bind(0, options.host ?? (v6 ? '::1' : '127.0.0.1'), () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return this.front.address().port;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const sockets = [this.front, ...this.upstreams.values()];
    this.upstreams.clear();
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private fromClient(msg: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let up = this.upstreams.get(key);
    if (up === undefined) {
      up = createSocket(rinfo.family === 'IPv6' ? 'udp6' : 'udp4');
      up.on('message', (reply) => this.forward('to-client', reply, (b) => this.front.send(b, rinfo.port, rinfo.address)));
      up.on('error', () => {});
      this.upstreams.set(key, up);
    }
    const socket = up;
    const { host, port } = this.options.target;
    this.forward('to-server', msg, (b) => socket.send(b, port, host));
  }

  private forward(direction: ProxyDirection, msg: Buffer, send: (b: Buffer) => void): void {
    if (this.closed) return;
    if (this.options.drop?.(direction, msg) === true || this.rng.chance(this.options.loss ?? 0)) {
      this.stats.dropped++;
      return;
    }
    const copies = this.rng.chance(this.options.duplicate ?? 0) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      const delay = (this.options.latencyMs ?? 0) + this.rng.next() * (this.options.jitterMs ?? 0);
      this.stats.forwarded++;
      if (delay <= 0) {
        send(msg);
        continue;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.closed) send(msg);
      }, delay);
      this.timers.add(timer);
    }
  }
}
