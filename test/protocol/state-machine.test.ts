/**
 * Model-based property tests of the protocol state machine: random sequences of operations
 * (sends of every kind and size, datagram drops, duplicates, holds released out of order, single
 * byte corruption, replays of old datagrams, garbage, small and large time jumps, disconnect and
 * close from either side) against a client and a server Endpoint joined by a link the test drives
 * datagram by datagram (state-machine-model.ts). Invariants, checked after every step:
 * - reliable-ordered: exactly once, in order, per channel; reliable-unordered: exactly once;
 *   unreliable: at most once; sequenced: never an older message after a newer one; every
 *   delivered message is byte-identical to one the peer sent on that kind and channel;
 * - nothing is delivered before `connected` or after `disconnect`; at most one disconnect event;
 * - no exception escapes an endpoint (bad input is counted, not thrown);
 * - pollTimeout is a finite time, and strictly after `now` right after handleTimeout(now) and
 *   draining pollTransmit(now) (no busy loop; a deadline may fall due after a datagram);
 * and at the end, after healing the link and 40 s of virtual time: every reliable message arrived
 * when both sides are still up; after teardown each side that connected emitted exactly one
 * disconnect, holds no connection, handshake or timer.
 *
 * Default run: DEFAULT_RUNS (below) runs per property, about 15 s. Soak: FAST_CHECK_RUNS=2000.
 * STATE_MACHINE_STATS=1 prints what the runs exercised.
 * Replay a failure with FAST_CHECK_SEED=<seed> FAST_CHECK_PATH=<path> (printed by fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { MIN_MESSAGE, runScenario, type Harness, type Op, type Scenario, type Side } from './state-machine-model.js';

const DEFAULT_RUNS = 250;
const runs = Number(process.env.FAST_CHECK_RUNS ?? DEFAULT_RUNS);
const seed = process.env.FAST_CHECK_SEED !== undefined ? Number(process.env.FAST_CHECK_SEED) : undefined;
const path = process.env.FAST_CHECK_PATH;
const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}), ...(path !== undefined ? { path } : {}) };
/** Generous per-test budget: 0.3 s per run (a run takes about 0.04 s), never under 60 s. */
const timeout = Math.max(60_000, runs * 300);

/** STATE_MACHINE_STATS=1 prints what the runs exercised (to check the generators still bite). */
function tally(): { add(h: Harness): void; print(name: string): void } {
  const t: Record<string, number> = {};
  const bump = (k: string, n = 1) => (t[k] = (t[k] ?? 0) + n);
  return {
    add(h) {
      bump('runs');
      if (h.upAtLivenessCheck) bump('livenessChecked');
      if (h.sides.client.connected) bump('clientConnected');
      if (h.sides.client.handshakeFailed > 0) bump('clientHandshakeFailed');
      bump('delivered', h.deliveredCount);
      for (const [k, v] of Object.entries(h.counts)) bump(k, v);
    },
    print(name) {
      if (process.env.STATE_MACHINE_STATS) console.log(name, t);
    },
  };
}

const side = fc.constantFrom<Side>('client', 'server');
const kind = fc.constantFrom<ChannelKind>(ChannelKind.RELIABLE_ORDERED, ChannelKind.RELIABLE_UNORDERED, ChannelKind.UNRELIABLE, ChannelKind.UNRELIABLE_SEQUENCED);

/** Small, around both MTUs' whole-frame/fragment boundaries, and fragmenting up to 4 KiB. */
const size = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: MIN_MESSAGE, max: 64 }) },
  { weight: 2, arbitrary: fc.integer({ min: 480, max: 620 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1100, max: 1250 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1251, max: 4096 }) },
);

const ms = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 60 }) },
  { weight: 3, arbitrary: fc.integer({ min: 61, max: 1500 }) },
  // past RTOs, heartbeats, the disconnect timeout, the handshake timeout and the idle timeout
  { weight: 1, arbitrary: fc.integer({ min: 1501, max: 15_000 }) },
);

const count = fc.integer({ min: 1, max: 8 });

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ op: fc.constant('send' as const), from: side, kind, channel: fc.constantFrom(0, 1, 63), size }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('burst' as const), from: side, kind, channel: fc.constantFrom(0, 1, 63), size: fc.oneof(fc.integer({ min: MIN_MESSAGE, max: 200 }), size), count: fc.integer({ min: 2, max: 300 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('advance' as const), ms }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), dir: side, n: count }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), dir: side, n: count }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hold' as const), dir: side, n: count }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), dir: side, reverse: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('corrupt' as const), dir: side, n: count, position: fc.nat(4096), xor: fc.integer({ min: 1, max: 255 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('replay' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('garbage' as const), to: side, stranger: fc.boolean(), bytes: fc.uint8Array({ maxLength: 80 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('disconnect' as const), side }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), side }) },
);

/** Operations without disconnect/close: the liveness check at the end always applies. */
const liveOp = op.filter((o) => o.op !== 'disconnect' && o.op !== 'close');

function scenario(ops: fc.Arbitrary<Op>, faultyHandshake: fc.Arbitrary<boolean>, maxOps: number): fc.Arbitrary<Scenario> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    unencrypted: fc.boolean(),
    mtu: fc.constantFrom(576, 1200),
    latencyMs: fc.integer({ min: 1, max: 80 }),
    faultyHandshake,
    ops: fc.array(ops, { maxLength: maxOps, size: 'max' }),
    teardown: fc.constantFrom('disconnect' as const, 'close' as const),
    teardownSide: side,
  });
}

describe('protocol state machine (model-based, fast-check)', () => {
  it(
    'connected pair under faults: delivery guarantees per kind, liveness after healing, clean teardown',
    () => {
      const stats = tally();
      fc.assert(
        fc.property(scenario(liveOp, fc.constant(false), 60), (sc) => {
          stats.add(runScenario(sc));
        }),
        params,
      );
      stats.print('connected pair');
    },
    timeout,
  );

  it(
    'any interleaving, handshake included: disconnect/close from either side at any time',
    () => {
      const stats = tally();
      fc.assert(
        fc.property(scenario(op, fc.boolean(), 60), (sc) => {
          stats.add(runScenario(sc));
        }),
        params,
      );
      stats.print('any interleaving');
    },
    timeout,
  );

  it('harness self-check: after a short outage both reliable messages arrive', () => {
    const h = runScenario({
      seed: 1, unencrypted: false, mtu: 1200, latencyMs: 10, faultyHandshake: false, teardown: 'disconnect', teardownSide: 'client',
      ops: [
        { op: 'send', from: 'client', kind: ChannelKind.RELIABLE_ORDERED, channel: 0, size: 3000 },
        { op: 'drop', dir: 'client', n: 5 },
        { op: 'send', from: 'server', kind: ChannelKind.RELIABLE_UNORDERED, channel: 63, size: 100 },
        { op: 'advance', ms: 2000 },
      ],
    });
    expect(h.deliveredCount).toBe(2);
    expect(h.counts.dropped).toBe(5);
  });
});
