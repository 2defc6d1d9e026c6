/** Builds a connected pair with session keys already agreed (the handshake is tested apart). */
import { primitives } from '../../lib/native.js';
import { Connection } from '../../lib/protocol/connection.js';
import type { ConnectionEvent } from '../../lib/protocol/connection-events.js';
import type { ConnectionOptions } from '../../lib/protocol/connection-options.js';
import { AeadProtection, ChecksumProtection } from '../../lib/protocol/packet-protection.js';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import { SimulatedLink, type LinkConditions } from '../../lib/protocol/simulated-link.js';
import { VirtualPair } from '../../lib/protocol/virtual-pair.js';

export interface PairSetup {
  readonly seed?: number;
  readonly link?: LinkConditions;
  readonly options?: ConnectionOptions;
  readonly encrypted?: boolean;
}

export interface Fixture {
  readonly pair: VirtualPair;
  readonly events: { a: ConnectionEvent[]; b: ConnectionEvent[] };
}

export function makePair(setup: PairSetup = {}): Fixture {
  const rng = new SeededRandom(setup.seed ?? 1);
  const keys = Array.from({ length: 4 }, (_, i) => rng.fill(new Uint8Array(i < 2 ? 32 : 16)));
  const [k1, k2, iv1, iv2] = keys as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const aead = primitives.xchacha20poly1305;
  const encrypted = setup.encrypted ?? true;
  const a = new Connection(0, encrypted ? new AeadProtection(aead, { key: k1, iv: iv1 }, { key: k2, iv: iv2 }) : new ChecksumProtection(), setup.options);
  const b = new Connection(0, encrypted ? new AeadProtection(aead, { key: k2, iv: iv2 }, { key: k1, iv: iv1 }) : new ChecksumProtection(), setup.options);
  const events = { a: [] as ConnectionEvent[], b: [] as ConnectionEvent[] };
  const link = setup.link ?? {};
  const pair = new VirtualPair(a, b, new SimulatedLink(link, new SeededRandom(rng.nextUint32())), new SimulatedLink(link, new SeededRandom(rng.nextUint32())), (side, e) => events[side].push(e));
  return { pair, events };
}

export function messages(events: ConnectionEvent[]): Uint8Array[] {
  return events.flatMap((e) => (e.type === 'message' ? [e.data] : []));
}
