/**
 * Which I/O path runs an endpoint: the native batched engine (the default where this build has
 * it: Linux with the addon) or node:dgram (elsewhere, with the JS primitive backend, or when
 * forced). PAPERCLIP_IO=native|dgram forces one (native where it is missing is an error);
 * PAPERCLIP_BACKEND=js implies dgram. A per-call `io` option wins over both.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { backendName } from '../native.js';
import { Endpoint, type EndpointOptions } from '../protocol/endpoint.js';
import { nativeEngineClass } from './native-engine.js';
import { NativeDriver } from './native-driver.js';
import { UdpDriver, type EndpointDriver } from './udp-driver.js';

export type IoBackend = 'native' | 'dgram';

export function resolveIoBackend(requested?: IoBackend): IoBackend {
  const forced = requested ?? process.env.PAPERCLIP_IO;
  if (forced !== undefined && forced !== '' && forced !== 'native' && forced !== 'dgram') {
    throw new Error(`PAPERCLIP_IO must be "native" or "dgram", got "${forced}"`);
  }
  const available = backendName === 'native' && nativeEngineClass() !== undefined;
  if (forced === 'native') {
    if (!available) throw new Error('the native I/O engine is not available (needs Linux, the addon, and PAPERCLIP_BACKEND≠js)');
    return 'native';
  }
  if (forced === 'dgram') return 'dgram';
  return available ? 'native' : 'dgram';
}

/** Slots an endpoint can need at once: every connection and handshake it may hold, and headroom. */
function slotCapacity(options: EndpointOptions): number {
  return (options.maxConnections ?? 1024) + 64;
}

/**
 * An IP literal for `host`: names are resolved once, here, with the system resolver (the
 * endpoint names peers by IP and port, so a peer known as "localhost:4000" would never match
 * the "127.0.0.1:4000" its datagrams come from).
 */
export async function resolveHost(host: string): Promise<string> {
  return isIP(host) !== 0 ? host : (await lookup(host)).address;
}

/** Builds the endpoint and binds its driver on the chosen path (`host` an IP literal). */
export async function openEndpoint<E>(
  options: EndpointOptions,
  onEvent: (event: E) => void,
  host: string,
  port: number,
  io?: IoBackend,
): Promise<{ endpoint: Endpoint; driver: EndpointDriver; io: IoBackend }> {
  const backend = resolveIoBackend(io);
  if (backend === 'native') {
    const driver = new NativeDriver<E>({ host, port, listen: options.listen === true, capacity: slotCapacity(options) });
    const endpoint = new Endpoint({ ...options, offload: driver.slots });
    driver.start(endpoint, onEvent);
    return { endpoint, driver, io: backend };
  }
  const endpoint = new Endpoint(options);
  const driver = await UdpDriver.bind(endpoint, onEvent as (event: unknown) => void, host, port);
  return { endpoint, driver, io: backend };
}
