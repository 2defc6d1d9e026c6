import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeInput, encodeInput, type InputMessage } from '../../examples/arena/input-codec.js';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotBody, type SnapshotHeader } from '../../examples/arena/snapshot-codec.js';
import { applyDelta, diffEntities } from '../../examples/arena/snapshot-delta.js';
import type { EntityState, EntityTable } from '../../examples/arena/snapshot.js';
import { ALL_FIELDS, EntityKind, Field, MAX_POSITION_Q, SNAPSHOT_HEADER_BYTES } from '../../examples/arena/wire-format.js';
import { ArenaWorld } from '../../examples/arena/world.js';

const input: InputMessage = { seq: 65_535, ackSnapshotId: 0xfedc_ba98, clientTimeUs: 123_456_789, moveX: -127, moveY: 42 };
const header: SnapshotHeader = { snapshotId: 10, baselineId: 7, tick: 300, yourEntityId: 17, lastInputSeq: 9, inputEchoUs: 5, inputHoldUs: 1_000 };

function table(entries: readonly [number, EntityState][]): Map<number, EntityState> {
  return new Map(entries);
}

const baseline = table([
  [1, { kind: EntityKind.PLAYER, x: 10, y: 20, score: 0 }],
  [2, { kind: EntityKind.PLAYER, x: 30, y: 40, score: 5 }],
  [3, { kind: EntityKind.PICKUP, x: 50, y: 60, score: 0 }],
]);
const current = table([
  [1, { kind: EntityKind.PLAYER, x: 11, y: 20, score: 0 }], // moved
  [2, { kind: EntityKind.PLAYER, x: 30, y: 40, score: 6 }], // scored
  [4, { kind: EntityKind.PLAYER, x: 70, y: 80, score: 0 }], // joined; 3 was removed
]);

function validSnapshot(): Uint8Array {
  return encodeSnapshot(header, encodeSnapshotBody(diffEntities(baseline, current)));
}

/** Rewrites bytes of a valid snapshot's body (offset from the body's start). */
function withBody(patch: (body: DataView) => void, extra = 0): Uint8Array {
  const bytes = new Uint8Array([...validSnapshot(), ...new Uint8Array(extra)]);
  patch(new DataView(bytes.buffer, SNAPSHOT_HEADER_BYTES));
  return bytes;
}

describe('arena input codec', () => {
  it('rejects every truncation, a longer message, another type and the −128 axis, without throwing', () => {
    const bytes = encodeInput(input);
    for (let n = 0; n < bytes.length; n++) expect(decodeInput(bytes.subarray(0, n)).ok).toBe(false);
    expect(decodeInput(new Uint8Array([...bytes, 0])).ok).toBe(false);
    expect(decodeInput(Uint8Array.from(bytes, (b, i) => (i === 0 ? 2 : b)))).toMatchObject({ ok: false, reason: expect.stringContaining('type 2') });
    const minX = bytes.slice();
    minX[11] = 0x80;
    expect(decodeInput(minX)).toMatchObject({ ok: false, reason: expect.stringContaining('−128') });
  });

  it('round-trips, clamping the axes to ±127', () => {
    expect(decodeInput(encodeInput(input))).toEqual({ ok: true, value: input });
    expect(decodeInput(encodeInput({ ...input, moveX: 900, moveY: -900 }))).toMatchObject({ ok: true, value: { moveX: 127, moveY: -127 } });
  });
});

describe('arena snapshot codec', () => {
  it('rejects every truncation and trailing bytes', () => {
    const bytes = validSnapshot();
    for (let n = 0; n < bytes.length; n++) expect(decodeSnapshot(bytes.subarray(0, n)).ok, `${n} bytes`).toBe(false);
    expect(decodeSnapshot(new Uint8Array([...bytes, 0]))).toMatchObject({ ok: false, reason: expect.stringContaining('after the last entity') });
  });

  it('rejects inconsistent headers and entries', () => {
    const bad = (h: Partial<SnapshotHeader>, delta = diffEntities(baseline, current)) => decodeSnapshot(encodeSnapshot({ ...header, ...h }, encodeSnapshotBody(delta)));
    expect(bad({ snapshotId: 0, baselineId: 0 })).toMatchObject({ ok: false, reason: expect.stringContaining('id 0') });
    expect(bad({ baselineId: 10 })).toMatchObject({ ok: false, reason: expect.stringContaining('not older') });
    // a full snapshot (baseline 0) may neither remove nor send partial entities
    expect(bad({ baselineId: 0 })).toMatchObject({ ok: false, reason: expect.stringContaining('cannot remove') });
    expect(bad({ baselineId: 0 }, { removed: [], changed: diffEntities(baseline, current).changed })).toMatchObject({ ok: false, reason: expect.stringContaining('lacks fields') });
    // body: u16 removed count, u16 id, u16 changed count, then entries (id u16, mask u8, …)
    expect(decodeSnapshot(withBody((b) => b.setUint16(0, 60_000)))).toMatchObject({ ok: false, reason: expect.stringContaining('do not fit') });
    expect(decodeSnapshot(withBody((b) => b.setUint16(4, 60_000)))).toMatchObject({ ok: false, reason: expect.stringContaining('do not fit') });
    expect(decodeSnapshot(withBody((b) => b.setUint8(8, 0)))).toMatchObject({ ok: false, reason: expect.stringContaining('mask 0x0') });
    expect(decodeSnapshot(withBody((b) => b.setUint8(8, 0x80)))).toMatchObject({ ok: false, reason: expect.stringContaining('mask 0x80') });
    expect(decodeSnapshot(withBody((b) => b.setUint16(6, 3)))).toMatchObject({ ok: false, reason: expect.stringContaining('twice') });
    const full = encodeSnapshot({ ...header, baselineId: 0 }, encodeSnapshotBody(diffEntities(undefined, current)));
    const kind = full.slice();
    kind[SNAPSHOT_HEADER_BYTES + 4 + 3] = 9; // first entity's kind byte
    expect(decodeSnapshot(kind)).toMatchObject({ ok: false, reason: expect.stringContaining('unknown kind 9') });
    const outside = full.slice();
    new DataView(outside.buffer).setUint16(SNAPSHOT_HEADER_BYTES + 4 + 4, MAX_POSITION_Q + 1);
    expect(decodeSnapshot(outside)).toMatchObject({ ok: false, reason: expect.stringContaining('outside the arena') });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const withType = bytes.length > 0 ? Uint8Array.from(bytes, (b, i) => (i === 0 ? 2 : b)) : bytes;
        expect(typeof decodeSnapshot(withType).ok).toBe('boolean');
        expect(typeof decodeInput(bytes).ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });

  it('encodes only what changed: moved position, new score, the joined entity in full, the removed id', () => {
    const delta = diffEntities(baseline, current);
    expect(delta.removed).toEqual([3]);
    expect(delta.changed.map((c) => [c.id, c.mask])).toEqual([
      [1, Field.POSITION],
      [2, Field.SCORE],
      [4, ALL_FIELDS],
    ]);
    const decoded = decodeSnapshot(validSnapshot());
    expect(decoded).toMatchObject({ ok: true, value: { ...header, removed: [3] } });
  });

  it('a delta applied to its baseline equals the full snapshot, for random tables', () => {
    const state = fc.record({
      kind: fc.constantFrom(EntityKind.PLAYER, EntityKind.PICKUP),
      x: fc.integer({ min: 0, max: MAX_POSITION_Q }),
      y: fc.integer({ min: 0, max: MAX_POSITION_Q }),
      score: fc.integer({ min: 0, max: 0xffff }),
    });
    const entities = fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), state), { maxLength: 30 }).map((e) => new Map(e) as EntityTable);
    fc.assert(
      fc.property(entities, entities, (before, after) => {
        const viaDelta = decodeSnapshot(encodeSnapshot(header, encodeSnapshotBody(diffEntities(before, after))));
        const viaFull = decodeSnapshot(encodeSnapshot({ ...header, baselineId: 0 }, encodeSnapshotBody(diffEntities(undefined, after))));
        if (!viaDelta.ok || !viaFull.ok) throw new Error('a valid snapshot did not decode');
        const applied = applyDelta(before, viaDelta.value);
        const full = applyDelta(undefined, viaFull.value);
        expect(applied).toEqual({ ok: true, value: after });
        expect(full).toEqual({ ok: true, value: after });
      }),
      { numRuns: 500 },
    );
  });

  it('a delta between two world states is smaller than the full snapshot and rebuilds it', () => {
    const world = new ArenaWorld(7);
    const players = [world.addPlayer(), world.addPlayer(), world.addPlayer()];
    const a = world.snapshot(1);
    world.setInput(players[0] ?? 0, 127, 0);
    for (let i = 0; i < 3; i++) world.step();
    const b = world.snapshot(2);
    const delta = encodeSnapshotBody(diffEntities(a.entities, b.entities));
    const full = encodeSnapshotBody(diffEntities(undefined, b.entities));
    expect(delta.length).toBeLessThan(full.length / 5);
    const decoded = decodeSnapshot(encodeSnapshot({ ...header, snapshotId: 2, baselineId: 1 }, delta));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(applyDelta(a.entities, decoded.value)).toEqual({ ok: true, value: b.entities });
  });

  it('refuses a delta that does not fit its baseline', () => {
    const delta = diffEntities(baseline, current);
    expect(applyDelta(current, delta)).toMatchObject({ ok: false, reason: expect.stringContaining('removes entity 3') });
    expect(applyDelta(new Map(), { removed: [], changed: delta.changed })).toMatchObject({ ok: false, reason: expect.stringContaining('only some fields') });
  });
});
