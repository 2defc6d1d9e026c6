/**
 * The ports half of `paperclip doctor`: can `paperclip serve` bind what its configuration asks
 * for? Each port is bound for a moment (exclusively, as the service will) and released, so the
 * answer is the kernel's, not a guess from a port list: a port held by another process, a
 * privileged port without the right, or a host address this machine does not have all show up
 * with the error the service would have hit.
 */
import { createSocket } from 'node:dgram';
import { createServer, isIPv6 } from 'node:net';
import type { ServiceConfig } from '../services/accounts/config.js';

export interface BusyPort {
  readonly port: number;
  /** The bind error's code: EADDRINUSE, EACCES, EADDRNOTAVAIL… */
  readonly code: string;
}

export interface PortsReport {
  readonly host: string;
  readonly http: { readonly port: number; readonly free: boolean; readonly code?: string };
  readonly udp: { readonly from: number; readonly to: number; readonly free: number; readonly busy: readonly BusyPort[] };
}

/** Busy UDP ports listed at most; the count of free ones is always exact. */
const BUSY_LISTED = 20;

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : String(err);
}

function probeTcp(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err) => resolve(errorCode(err)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function probeUdp(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', (err) => {
      socket.close();
      resolve(errorCode(err));
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(undefined)));
  });
}

export async function probeServicePorts(config: Pick<ServiceConfig, 'host' | 'httpPort' | 'udpPorts'>): Promise<PortsReport> {
  const { host, httpPort, udpPorts } = config;
  // port 0 asks the kernel for any free port: nothing to check
  const httpCode = httpPort === 0 ? undefined : await probeTcp(host, httpPort);
  const ports = Array.from({ length: udpPorts.to - udpPorts.from + 1 }, (_, i) => udpPorts.from + i);
  const codes = await Promise.all(ports.map((port) => probeUdp(host, port)));
  const busy = ports.flatMap((port, i) => (codes[i] === undefined ? [] : [{ port, code: codes[i] as string }]));
  return {
    host,
    http: httpCode === undefined ? { port: httpPort, free: true } : { port: httpPort, free: false, code: httpCode },
    udp: { from: udpPorts.from, to: udpPorts.to, free: ports.length - busy.length, busy: busy.slice(0, BUSY_LISTED) },
  };
}

export function formatPorts(r: PortsReport): Array<[string, string]> {
  const total = r.udp.to - r.udp.from + 1;
  const busy = r.udp.busy.map((b) => `${b.port} (${b.code})`).join(', ');
  const more = total - r.udp.free > r.udp.busy.length ? ', …' : '';
  return [
    ['http port', `${r.host}:${r.http.port} ${r.http.free ? 'free' : `not bindable (${r.http.code ?? '?'})`}`],
    ['udp ports', `${r.host}:${r.udp.from}-${r.udp.to}: ${r.udp.free} of ${total} free${busy === '' ? '' : `; busy: ${busy}${more}`}`],
  ];
}
