/**
 * The server's snapshot message (README "Messages"): a per-client header, then a body of
 * removals and changed entities relative to the baseline the header names (0: none, so the body
 * is the full snapshot). The body depends only on (baseline, snapshot), so the server encodes it
 * once per distinct baseline and shares it between clients; the header is the client's own.
 * decodeSnapshot checks every count, bit and range and returns a reason instead of throwing.
 */
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import type { EntityChange, SnapshotDelta } from './snapshot.js';
import {
  ALL_FIELDS, EntityKind, Field, isEntityKind, MAX_POSITION_Q, MIN_ENTITY_BYTES, MessageType, SNAPSHOT_HEADER_BYTES, type Decoded,
} from './wire-format.js';

export interface SnapshotHeader {
  readonly snapshotId: number;
  /** 0: a full snapshot. */
  readonly baselineId: number;
  readonly tick: number;
  /** The receiving client's own player entity. */
  readonly yourEntityId: number;
  /** Newest input sequence the server holds from this client. */
  readonly lastInputSeq: number;
  /** That input's client timestamp, echoed (µs mod 2³²). */
  readonly inputEchoUs: number;
  /** µs between that input's arrival and this send; NO_INPUT_ECHO when there is no input yet. */
  readonly inputHoldUs: number;
}

export type SnapshotMessage = SnapshotHeader & SnapshotDelta;

const bodyWriter = new ByteWriter(2048);
const messageWriter = new ByteWriter(2048);

export function encodeSnapshotBody(delta: SnapshotDelta): Uint8Array {
  const w = bodyWriter.reset().u16(delta.removed.length);
  for (const id of delta.removed) w.u16(id);
  w.u16(delta.changed.length);
  for (const c of delta.changed) {
    w.u16(c.id).u8(c.mask);
    if (c.mask & Field.KIND) w.u8(c.kind);
    if (c.mask & Field.POSITION) w.u16(c.x).u16(c.y);
    if (c.mask & Field.SCORE) w.u16(c.score);
  }
  return w.finish();
}

export function encodeSnapshot(header: SnapshotHeader, body: Uint8Array): Uint8Array {
  return messageWriter
    .reset()
    .u8(MessageType.SNAPSHOT)
    .u32(header.snapshotId)
    .u32(header.baselineId)
    .u32(header.tick)
    .u16(header.yourEntityId)
    .u16(header.lastInputSeq)
    .u32(header.inputEchoUs)
    .u32(header.inputHoldUs)
    .raw(body)
    .finish();
}

export function decodeSnapshot(bytes: Uint8Array): Decoded<SnapshotMessage> {
  if (bytes.length < SNAPSHOT_HEADER_BYTES + 4) return { ok: false, reason: `snapshot is ${bytes.length} bytes, shorter than its header` };
  const r = new ByteReader(bytes);
  const type = r.u8();
  if (type !== MessageType.SNAPSHOT) return { ok: false, reason: `message type ${type} is not SNAPSHOT` };
  const header: SnapshotHeader = {
    snapshotId: r.u32(),
    baselineId: r.u32(),
    tick: r.u32(),
    yourEntityId: r.u16(),
    lastInputSeq: r.u16(),
    inputEchoUs: r.u32(),
    inputHoldUs: r.u32(),
  };
  if (header.snapshotId === 0) return { ok: false, reason: 'snapshot id 0 is reserved' };
  if (header.baselineId >= header.snapshotId) return { ok: false, reason: `baseline ${header.baselineId} is not older than snapshot ${header.snapshotId}` };
  const full = header.baselineId === 0;
  const seen = new Set<number>();

  const removedCount = r.u16();
  if (removedCount * 2 > r.remaining) return { ok: false, reason: `${removedCount} removals do not fit in ${r.remaining} bytes` };
  if (full && removedCount > 0) return { ok: false, reason: 'a full snapshot cannot remove entities' };
  const removed: number[] = [];
  for (let i = 0; i < removedCount; i++) {
    const id = r.u16();
    if (seen.has(id)) return { ok: false, reason: `entity ${id} appears twice` };
    seen.add(id);
    removed.push(id);
  }

  const changedCount = r.u16();
  if (changedCount * MIN_ENTITY_BYTES > r.remaining) return { ok: false, reason: `${changedCount} entities do not fit in ${r.remaining} bytes` };
  const changed: EntityChange[] = [];
  for (let i = 0; i < changedCount; i++) {
    const entry = readEntity(r, full);
    if (typeof entry === 'string') return { ok: false, reason: entry };
    if (seen.has(entry.id)) return { ok: false, reason: `entity ${entry.id} appears twice` };
    seen.add(entry.id);
    changed.push(entry);
  }
  if (r.failed) return { ok: false, reason: 'snapshot is truncated' };
  if (r.remaining !== 0) return { ok: false, reason: `${r.remaining} bytes after the last entity` };
  return { ok: true, value: { ...header, removed, changed } };
}

/** One entity entry, or why it is invalid. */
function readEntity(r: ByteReader, full: boolean): EntityChange | string {
  const id = r.u16();
  const mask = r.u8();
  if (mask === 0 || (mask & ~ALL_FIELDS) !== 0) return `entity ${id} has field mask 0x${mask.toString(16)}`;
  if (full && mask !== ALL_FIELDS) return `entity ${id} in a full snapshot lacks fields`;
  const kind = mask & Field.KIND ? r.u8() : EntityKind.PLAYER;
  if (!isEntityKind(kind)) return `entity ${id} has unknown kind ${kind}`;
  const x = mask & Field.POSITION ? r.u16() : 0;
  const y = mask & Field.POSITION ? r.u16() : 0;
  if (x > MAX_POSITION_Q || y > MAX_POSITION_Q) return `entity ${id} is outside the arena`;
  const score = mask & Field.SCORE ? r.u16() : 0;
  return { id, mask, kind, x, y, score };
}
