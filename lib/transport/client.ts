/**
 * `connect()`: a paperclip-net client. `client.connected` resolves once the handshake is done
 * (seed 000's `joined`) and rejects with a HandshakeFailedError; `close()` sends 2.2 CLIENT
 * DISCONNECT and resolves when the server acknowledged it (or the disconnect timeout passed).
 * With `validateOnline`, the server certificate is also checked online before the handshake ends.
 */
import { randomFillSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import { type Endpoint, type ConnectionHandle, type EndpointEvent, type EndpointOptions } from '../protocol/endpoint.js';
import type { ConnectionStats } from '../protocol/connection.js';
import { parseCertificate, type ValidateOnline } from '../protocol/handshake/index.js';
import type { ErrorCodeInfo } from '../wire/errors.js';
import { ErrorCode, formatErrorCode } from '../wire/errors.js';
import { deliveryName, kindFor, type SendOptions } from './send-options.js';
import type { DisconnectInfo, MessageInfo } from './server.js';
import { formatPeer, type EndpointDriver } from './udp-driver.js';
import { openEndpoint, resolveHost, type IoBackend } from './io-backend.js';
import { transportNow } from './clock.js';

export interface ClientOptions extends Omit<EndpointOptions, 'random' | 'listen' | 'validateCertificatesOnline'> {
  /**
   * Online check of the server certificate (`POST /auth/certificate/validate`), run after it
   * verified offline under `servicePublicKey` and before the client Finished is sent. false: the
   * handshake fails with 1.2; a rejection (or a throw): the offline verdict stands; no answer within
   * `handshakeTimeoutMs`: 1.2. Default none (offline verification only).
   */
  readonly validateOnline?: ValidateOnline;
  /** I/O path: the native batched engine (Linux default) or node:dgram. Default: PAPERCLIP_IO, else native where available. */
  readonly io?: IoBackend;
}

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
  private driver: EndpointDriver | undefined;
  private state: 'connecting' | 'connected' | 'closed' = 'connecting';
  private closedPromise: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly validateOnline?: ValidateOnline,
  ) {
    super();
    this.connected = new Promise<void>((resolve, reject) => {
      this.resolveConnected = resolve;
      this.rejectConnected = reject;
    });
    // an unobserved rejection must not crash the process; callers who care await `connected`
    this.connected.catch(() => {});
  }

  /** @internal */
  start(driver: EndpointDriver, address: string): void {
    this.driver = driver;
    this.handle = this.endpoint.connect(transportNow(), address);
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
        this.endpoint.disconnect(transportNow(), this.handle);
        this.driver?.service();
        await done;
      } else if (this.handle !== undefined) {
        this.endpoint.disconnect(transportNow(), this.handle);
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
        // not synchronously: an ERROR telling the server (e.g. 1.2 after online validation) was
        // just handed to socket.send, which resolves the address on the next tick
        if (this.closedPromise === undefined) setImmediate(() => void this.driver?.close());
        break;
      case 'validate-certificate':
        this.validate(event.handle, event.certificate);
        break;
      case 'peer-error':
        break;
    }
  }

  /** Runs the hook and reports its verdict; a rejection (or a throw) means "could not ask". */
  private validate(handle: ConnectionHandle, certificate: Uint8Array): void {
    const hook = this.validateOnline;
    const report = (verdict: 'valid' | 'invalid' | 'unavailable'): void => {
      if (this.state !== 'connecting') return;
      this.endpoint.certificateValidated(transportNow(), handle, verdict);
      this.driver?.service();
    };
    // always asynchronous: never re-enter the endpoint from inside the driver's event loop
    Promise.resolve()
      .then(() => {
        // connect() sets the endpoint flag only with a hook; without one, the offline verdict stands
        if (hook === undefined) throw new Error('no validateOnline hook');
        return hook(parseCertificate(certificate));
      })
      .then(
        (ok) => report(ok === true ? 'valid' : 'invalid'),
        () => report('unavailable'),
      );
  }
}

/** Starts connecting to host:port (a name is resolved once); await `client.connected` before sending. */
export async function connect(name: string, port: number, options: ClientOptions = {}): Promise<Client> {
  const { validateOnline, io, ...endpointOptions } = options;
  const host = await resolveHost(name);
  let client: Client | undefined;
  // any local address: the kernel picks the source that routes to the server
  const opened = await openEndpoint<EndpointEvent>(
    { maxConnections: 1, ...endpointOptions, validateCertificatesOnline: validateOnline !== undefined, random: (out) => randomFillSync(out) },
    (e) => client?.dispatch(e),
    isIPv6(host) ? '::' : '0.0.0.0',
    0,
    io,
  );
  client = new Client(opened.endpoint, validateOnline);
  client.start(opened.driver, formatPeer(host, port));
  return client;
}
