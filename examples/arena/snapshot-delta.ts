/**
 * Delta compression: `diffEntities` lists what changed from a baseline to the current table
 * (no baseline: everything, which is the full snapshot); `applyDelta` rebuilds the current table
 * from the same baseline. apply(b, diff(b, c)) equals c for every b and c.
 */
import type { EntityChange, EntityState, EntityTable, SnapshotDelta } from './snapshot.js';
import { ALL_FIELDS, Field, type Decoded } from './wire-format.js';

export function diffEntities(baseline: EntityTable | undefined, current: EntityTable): SnapshotDelta {
  const removed: number[] = [];
  const changed: EntityChange[] = [];
  if (baseline !== undefined) for (const id of baseline.keys()) if (!current.has(id)) removed.push(id);
  for (const [id, now] of current) {
    const before = baseline?.get(id);
    const mask = before === undefined ? ALL_FIELDS : changedFields(before, now);
    if (mask !== 0) changed.push({ id, mask, ...now });
  }
  return { removed, changed };
}

export function applyDelta(baseline: EntityTable | undefined, delta: SnapshotDelta): Decoded<Map<number, EntityState>> {
  const table = new Map(baseline ?? []);
  for (const id of delta.removed) {
    if (!table.delete(id)) return { ok: false, reason: `removes entity ${id}, which the baseline does not have` };
  }
  for (const c of delta.changed) {
    const before = table.get(c.id);
    if (before === undefined && c.mask !== ALL_FIELDS) return { ok: false, reason: `entity ${c.id} is new but carries only some fields` };
    const base = before ?? c;
    table.set(c.id, {
      kind: c.mask & Field.KIND ? c.kind : base.kind,
      x: c.mask & Field.POSITION ? c.x : base.x,
      y: c.mask & Field.POSITION ? c.y : base.y,
      score: c.mask & Field.SCORE ? c.score : base.score,
    });
  }
  return { ok: true, value: table };
}

function changedFields(a: EntityState, b: EntityState): number {
  let mask = 0;
  if (a.kind !== b.kind) mask |= Field.KIND;
  if (a.x !== b.x || a.y !== b.y) mask |= Field.POSITION;
  if (a.score !== b.score) mask |= Field.SCORE;
  return mask;
}
