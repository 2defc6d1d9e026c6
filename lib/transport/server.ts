/**
 * `createServer()`: a paperclip-net server on a UDP socket. Peers appear with 'connection',
 * speak with 'message', leave with 'disconnect'; `close()` sends 2.1 SERVER DISCONNECT to all
 * and waits for their acknowledgements (bounded by the connections' disconnect timeout).
 */
import { randomFillSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Endpoint, type ConnectionHandle, type EndpointEvent, type EndpointOptions } from '../protocol/endpoint.js';
import type { ConnectionStats } from '../protocol/connection.js';
import type { Certificate } from '../protocol/handshake/index.js';
import type { DisconnectReason } from '../protocol/connection-events.js';
import type { ErrorCodeInfo } from '../wire/errors.js';
import { deliveryName, kindFor, type DeliveryName, type SendOptions } from './send-options.js';
import type { EndpointDriver } from './udp-driver.js';
import { openEndpoint, resolveHost, type IoBackend } from './io-backend.js';
import { NativeDriver } from './native-driver.js';
import type { NativeEngineStats } from './native-engine.js';
import { transportNow } from './clock.js';

export interface ServerOptions extends Omit<EndpointOptions, 'random' | 'listen'> {
  /** Default 127.0.0.1 (use '::' or '0.0.0.0' to accept from everywhere). */
  readonly host?: string;
  /** Default 0 (any free port; read server.address). */
  readonly port?: number;
  /** I/O path: the native batched engine (Linux default) or node:dgram. Default: PAPERCLIP_IO, else native where available. */
  readonly io?: IoBackend;
}

export interface DisconnectInfo {
  readonly reason: DisconnectReason;
  readonly code: ErrorCodeInfo;
  readonly detail: string;
}

export interface MessageInfo {
  readonly delivery: DeliveryName;
  readonly channel: number;
}

export class Peer {
  constructor(
    private readonly server: Server,
    readonly handle: ConnectionHandle,
    /** "host:port" of the client. */
    readonly address: string,
    /** The client's certificate (verified when the server has `servicePublicKey`), if it sent one. */
    readonly certificate?: Certificate,
  ) {}

  send(data: Uint8Array, options?: SendOptions): void {
    this.server.sendTo(this, data, options);
  }

  /** Kicks the client (2.0 DISCONNECT) after it acknowledges, or the timeout. */
  disconnect(detail = ''): void {
    this.server.disconnectPeer(this, detail);
  }

  get stats(): ConnectionStats | undefined {
    return this.server.statsOf(this);
  }
}

export interface ServerEvents {
  connection: [peer: Peer];
  message: [peer: Peer, data: Uint8Array, info: MessageInfo];
  disconnect: [peer: Peer, info: DisconnectInfo];
  'handshake-failed': [address: string, info: { code: ErrorCodeInfo; detail: string }];
}

export class Server extends EventEmitter<ServerEvents> {
  readonly peers = new Map<ConnectionHandle, Peer>();
  private driver: EndpointDriver | undefined;
  private closing: Promise<void> | undefined;

  constructor(readonly endpoint: Endpoint) {
    super();
  }

  /** @internal */
  attach(driver: EndpointDriver): void {
    this.driver = driver;
  }

  get address(): { host: string; port: number } {
    if (this.driver === undefined) throw new Error('server is not bound');
    return this.driver.address;
  }

  /** The I/O path this server runs on. */
  get io(): IoBackend {
    return this.driver instanceof NativeDriver ? 'native' : 'dgram';
  }

  /** The native engine's counters (datagrams, batches, drops by reason), or undefined on node:dgram. */
  get ioStats(): NativeEngineStats | undefined {
    return this.driver instanceof NativeDriver ? this.driver.stats : undefined;
  }

  sendTo(peer: Peer, data: Uint8Array, options?: SendOptions): void {
    this.endpoint.send(peer.handle, data, kindFor(options), options?.channel ?? 0);
    this.driver?.service();
  }

  disconnectPeer(peer: Peer, detail: string): void {
    this.endpoint.disconnect(transportNow(), peer.handle, detail);
    this.driver?.service();
  }

  statsOf(peer: Peer): ConnectionStats | undefined {
    return this.endpoint.connectionStats(peer.handle);
  }

  /** Graceful shutdown: 2.1 to every client, wait for acknowledgements, release the socket. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.endpoint.close(transportNow());
      this.driver?.service();
      // each connection ends by itself: acknowledged, or its disconnect timeout
      while (this.endpoint.connectionCount > 0) await new Promise((r) => setTimeout(r, 5));
      await this.driver?.close();
    })();
    return this.closing;
  }

  /** @internal */
  dispatch(event: EndpointEvent): void {
    switch (event.type) {
      case 'connected': {
        const peer = new Peer(this, event.handle, event.address, event.peerCertificate);
        this.peers.set(event.handle, peer);
        this.emit('connection', peer);
        break;
      }
      case 'message': {
        const peer = this.peers.get(event.handle);
        if (peer !== undefined) this.emit('message', peer, event.data, { delivery: deliveryName(event.kind), channel: event.channel });
        break;
      }
      case 'disconnect': {
        const peer = this.peers.get(event.handle);
        this.peers.delete(event.handle);
        if (peer !== undefined) this.emit('disconnect', peer, { reason: event.reason, code: event.code, detail: event.detail });
        break;
      }
      case 'handshake-failed':
        this.emit('handshake-failed', event.address, { code: event.code, detail: event.detail });
        break;
      case 'peer-error':
        break;
    }
  }
}

export async function createServer(options: ServerOptions = {}): Promise<Server> {
  const { host: name = '127.0.0.1', port = 0, io, ...endpointOptions } = options;
  const host = await resolveHost(name);
  let server: Server | undefined;
  const opened = await openEndpoint<EndpointEvent>(
    { ...endpointOptions, listen: true, random: (out) => randomFillSync(out) },
    (e) => server?.dispatch(e),
    host,
    port,
    io,
  );
  server = new Server(opened.endpoint);
  server.attach(opened.driver);
  return server;
}
