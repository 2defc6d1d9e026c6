import { createSocket, type Socket } from 'node:dgram';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPorts, probeServicePorts } from '../../lib/cli/doctor-ports.js';
import { paperclip } from '../helpers/paperclip-cli.js';

/** A TCP port and two UDP ports of a free range held by this test, as another process would. */
let tcp: Server;
let udp: Socket[] = [];
let httpPort = 0;
let range = { from: 0, to: 0 };

async function freeUdpRange(length: number): Promise<{ from: number; to: number }> {
  // an ephemeral port from the kernel, then the range after it; retried if any part is taken
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const from = probe.address().port;
    probe.close();
    const r = await probeServicePorts({ host: '127.0.0.1', httpPort: 0, udpPorts: { from, to: from + length - 1 } });
    if (r.udp.free === length && from + length - 1 < 65_536) return { from, to: from + length - 1 };
  }
  throw new Error('no free UDP range found');
}

beforeAll(async () => {
  tcp = createServer();
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  httpPort = (tcp.address() as AddressInfo).port;
  range = await freeUdpRange(10);
  udp = [range.from + 2, range.from + 7].map(() => createSocket('udp4'));
  await Promise.all(udp.map((s, i) => new Promise<void>((resolve) => s.bind(range.from + (i === 0 ? 2 : 7), '127.0.0.1', resolve))));
});

afterAll(() => {
  tcp.close();
  for (const s of udp) s.close();
});

describe('paperclip doctor: ports', () => {
  it('finds the HTTP port and the UDP ports another socket holds, and counts the rest free', async () => {
    const r = await probeServicePorts({ host: '127.0.0.1', httpPort, udpPorts: range });
    expect(r.http).toEqual({ port: httpPort, free: false, code: 'EADDRINUSE' });
    expect(r.udp.free).toBe(8);
    expect(r.udp.busy).toEqual([
      { port: range.from + 2, code: 'EADDRINUSE' },
      { port: range.from + 7, code: 'EADDRINUSE' },
    ]);
    const text = formatPorts(r).map(([k, v]) => `${k} ${v}`).join('\n');
    expect(text).toContain(`8 of 10 free; busy: ${range.from + 2} (EADDRINUSE), ${range.from + 7} (EADDRINUSE)`);
    // released: the probe itself holds nothing afterwards
    const again = await probeServicePorts({ host: '127.0.0.1', httpPort, udpPorts: range });
    expect(again.udp.free).toBe(8);
  });

  it('an address this machine does not have is reported with the error serve would hit', async () => {
    const r = await probeServicePorts({ host: '192.0.2.1', httpPort: 8080, udpPorts: { from: 40000, to: 40001 } });
    expect(r.http.free).toBe(false);
    expect(r.http.code).toBe('EADDRNOTAVAIL');
    expect(r.udp.free).toBe(0);
  });

  it('`paperclip doctor` checks the ports serve would use with the same environment', async () => {
    const env = { ...process.env, PAPERCLIP_HTTP_PORT: String(httpPort), PAPERCLIP_UDP_PORTS: `${range.from}-${range.to}` };
    const json = JSON.parse((await paperclip(['doctor', '--json'], { env })).stdout) as { ports: { http: { free: boolean }; udp: { free: number } } };
    expect(json.ports.http.free).toBe(false);
    expect(json.ports.udp.free).toBe(8);
    const text = (await paperclip(['doctor'], { env })).stdout;
    expect(text).toMatch(new RegExp(`http port +127\\.0\\.0\\.1:${httpPort} not bindable \\(EADDRINUSE\\)`));
    expect(text).toMatch(new RegExp(`udp ports +127\\.0\\.0\\.1:${range.from}-${range.to}: 8 of 10 free`));
  });
});
