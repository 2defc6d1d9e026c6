/**
 * What a snapshot is: the world's entities at one tick, quantized as they travel (positions in
 * 1/32 u), so equality here is equality on the wire. A delta is what turns one snapshot into
 * another: the entities that changed (only their changed fields) and the ids that left.
 */
import type { EntityKind } from './wire-format.js';

export interface EntityState {
  readonly kind: EntityKind;
  /** Quantized: arena units × POSITION_SCALE. */
  readonly x: number;
  readonly y: number;
  readonly score: number;
}

export type EntityTable = ReadonlyMap<number, EntityState>;

export interface WorldSnapshot {
  /** ≥ 1, one per broadcast, shared by every client (0 on the wire means "no baseline"). */
  readonly id: number;
  readonly tick: number;
  readonly entities: EntityTable;
}

/** One entity entry: `mask` (Field bits) says which of the fields are meaningful. */
export interface EntityChange {
  readonly id: number;
  readonly mask: number;
  readonly kind: EntityKind;
  readonly x: number;
  readonly y: number;
  readonly score: number;
}

export interface SnapshotDelta {
  readonly removed: readonly number[];
  readonly changed: readonly EntityChange[];
}
