/**
 * `connect()`: a paperclip-net client. `client.connected` resolves once the handshake is done
 * (seed 000's `joined`) and rejects with a HandshakeFailedError; `close()` sends 2.2 CLIENT
 * DISCONNECT and resolves when the server acknowledged it (or the disconnect timeout passed).
 */
import { randomFillSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import { Endpoint, type ConnectionHandle, type EndpointEvent, type EndpointOptions } from '../protocol/endpoint.js';
import type { ConnectionStats } from '../protocol/connection.js';
import type { ErrorCodeInfo } from '../wire/errors.js';
import { ErrorCode, formatErrorCode } from '../wire/errors.js';
import { deliveryName, kindFor, type SendOptions } from './send-options.js';
import type { DisconnectInfo, MessageInfo } from './server.js';
import { formatPeer, UdpDriver } from './udp-driver.js';

export type ClientOptions = Omit<EndpointOptions, 'random' | 'listen'>;

export class HandshakeFailedError extends Error {
  override readonly name = 'HandshakeFailedError';
  constructor(
    readonly code: ErrorCodeInfo,
    readonly detail: string,
  ) {
    super(`${formatErrorCode(code)} ${code.name}: ${detail}`);
  }
}

export interface ClientEvents {
  message: [data: Uint8Array, info: MessageInfo];
  disconnect: [info: DisconnectInfo];
}

export class Client extends EventEmitter<ClientEvents> {
  /** Resolves when the handshake completes; rejects with HandshakeFailedError. */
  readonly connected: Promise<void>;
  private resolveConnected!: () => void;
  private rejectConnected!: (err: Error) => void;
  private handle: ConnectionHandle | undefined;
  private driver: UdpDriver<EndpointEvent> | undefined;
  private state: 'connecting' | 'connected' | 'closed' = 'connecting';
  private closedPromise: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(private readonly endpoint: Endpoint) {
    super();
    this.connected = new Promise<void>((resolve, reject) => {
      this.resolveConnected = resolve;
      this.rejectConnected = reject;
    });
    // an unobserved rejection must not crash the process; callers who care await `connected`
    this.connected.catch(() => {});
  }

  /** @internal */
  start(driver: UdpDriver<EndpointEvent>, address: string): void {
    this.driver = driver;
    this.handle = this.endpoint.connect(performance.now(), address);
    driver.service();
  }

  get isConnected(): boolean {
    return this.state === 'connected';
  }

  get stats(): ConnectionStats | undefined {
    return this.handle === undefined ? undefined : this.endpoint.connectionStats(this.handle);
  }

  send(data: Uint8Array, options?: SendOptions): void {
    if (this.state !== 'connected' || this.handle === undefined) throw new Error(`client is ${this.state}`);
    this.endpoint.send(this.handle, data, kindFor(options), options?.channel ?? 0);
    this.driver?.service();
  }

  /** Graceful: 2.2 CLIENT DISCONNECT, then waits for the acknowledgement (bounded). */
  close(): Promise<void> {
    this.closedPromise ??= (async () => {
      if (this.state === 'connected' && this.handle !== undefined) {
        const done = new Promise<void>((resolve) => (this.resolveClosed = resolve));
        this.endpoint.disconnect(performance.now(), this.handle);
        this.driver?.service();
        await done;
      } else if (this.handle !== undefined) {
        this.endpoint.disconnect(performance.now(), this.handle);
      }
      this.state = 'closed';
      this.rejectConnected(new HandshakeFailedError(ErrorCode.CONNECTION, 'closed before connecting'));
      await this.driver?.close();
    })();
    return this.closedPromise;
  }

  private async releaseWhenIdle(): Promise<void> {
    while (this.endpoint.connectionCount > 0) await new Promise((r) => setTimeout(r, 5));
    await this.driver?.close();
  }

  /** @internal */
  dispatch(event: EndpointEvent): void {
    switch (event.type) {
      case 'connected':
        this.state = 'connected';
        this.resolveConnected();
        break;
      case 'message':
        this.emit('message', event.data, { delivery: deliveryName(event.kind), channel: event.channel });
        break;
      case 'disconnect':
        this.state = 'closed';
        this.emit('disconnect', { reason: event.reason, code: event.code, detail: event.detail });
        this.resolveClosed?.();
        // keep the socket while the connection drains: it still acknowledges the server's 2.1
        if (this.closedPromise === undefined) void this.releaseWhenIdle();
        break;
      case 'handshake-failed':
        this.state = 'closed';
        this.rejectConnected(new HandshakeFailedError(event.code, event.detail));
        if (this.closedPromise === undefined) void this.driver?.close();
        break;
      case 'peer-error':
        break;
    }
  }
}

/** Starts connecting to host:port; await `client.connected` before sending. */
export async function connect(host: string, port: number, options: ClientOptions = {}): Promise<Client> {
  const endpoint = new Endpoint({ ...options, random: (out) => randomFillSync(out) });
  const client = new Client(endpoint);
  // any local address: the kernel picks the source that routes to the server
  const driver = await UdpDriver.bind(endpoint, (e) => client.dispatch(e), isIPv6(host) ? '::' : '0.0.0.0');
  client.start(driver, formatPeer(host, port));
  return client;
}
