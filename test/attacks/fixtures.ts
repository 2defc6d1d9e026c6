/** Shared set-up for the attack suites: seeded endpoints on a VirtualNetwork, and an authenticated hostile peer. */
import { expect } from 'vitest';
import { primitives } from '../../lib/native.js';
import { Connection } from '../../lib/protocol/connection.js';
import type { ConnectionEvent } from '../../lib/protocol/connection-events.js';
import type { ConnectionOptions } from '../../lib/protocol/connection-options.js';
import { Endpoint, type EndpointEvent, type EndpointOptions } from '../../lib/protocol/endpoint.js';
import type { RandomFill } from '../../lib/protocol/handshake/index.js';
import { AeadProtection } from '../../lib/protocol/packet-protection.js';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import type { LinkConditions } from '../../lib/protocol/simulated-link.js';
import { VirtualNetwork } from '../../lib/protocol/virtual-network.js';

export const NOW = 1_700_000_000_000;
export const SERVER = '10.0.0.1:4000';
export const CLIENT = '10.0.0.2:5000';
export const ATTACKER = '10.6.6.6:6666';

export function seeded(seed: number): RandomFill {
  const rng = new SeededRandom(seed);
  return (out) => {
    rng.fill(out);
  };
}

export function bytesOf(random: RandomFill, n: number): Uint8Array {
  const out = new Uint8Array(n);
  random(out);
  return out;
}

export function ofType<T extends EndpointEvent['type']>(events: EndpointEvent[], type: T): Extract<EndpointEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EndpointEvent, { type: T }> => e.type === type);
}

export function setup(opts: { server?: Partial<EndpointOptions>; client?: Partial<EndpointOptions>; link?: LinkConditions } = {}) {
  const net = new VirtualNetwork(opts.link ?? { latencyMs: 20 }, 7, NOW);
  const server = new Endpoint({ random: seeded(101), listen: true, ...opts.server });
  const client = new Endpoint({ random: seeded(202), ...opts.client });
  net.add(SERVER, server);
  net.add(CLIENT, client);
  return { net, server, client };
}

/** Connects CLIENT to SERVER; returns both handles and the virtual ms the client took. */
export function connect(net: VirtualNetwork, client: Endpoint) {
  const started = net.now;
  const clientHandle = client.connect(net.now, SERVER);
  net.flush();
  let clientAt = -1;
  const ok = net.drive(() => {
    if (clientAt < 0 && ofType(net.eventsOf(CLIENT), 'connected').some((e) => e.handle === clientHandle)) clientAt = net.now;
    return clientAt >= 0 && ofType(net.eventsOf(SERVER), 'connected').some((e) => e.address === CLIENT);
  }, net.now + 30_000);
  expect(ok).toBe(true);
  const serverHandle = ofType(net.eventsOf(SERVER), 'connected').find((e) => e.address === CLIENT)!.handle;
  return { clientHandle, serverHandle, elapsedMs: clientAt - started };
}

export const text = (s: string) => new TextEncoder().encode(s);
export const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** A victim Connection and the hostile peer's sealing side, with agreed keys (as test/protocol/connection-security does). */
export function hostilePeer(options: ConnectionOptions = {}) {
  const key1 = new Uint8Array(32).fill(1);
  const key2 = new Uint8Array(32).fill(2);
  const iv1 = new Uint8Array(16).fill(3);
  const iv2 = new Uint8Array(16).fill(4);
  const aead = primitives.xchacha20poly1305;
  const victim = new Connection(0, new AeadProtection(aead, { key: key2, iv: iv2 }, { key: key1, iv: iv1 }), options);
  const seal = new AeadProtection(aead, { key: key1, iv: iv1 }, { key: key2, iv: iv2 });
  return { victim, seal };
}

export function drainEvents(c: Connection): ConnectionEvent[] {
  const out: ConnectionEvent[] = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) out.push(e);
  return out;
}

export function drainTransmit(c: Connection, now: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(now); d !== undefined; d = c.pollTransmit(now)) out.push(d);
  return out;
}
