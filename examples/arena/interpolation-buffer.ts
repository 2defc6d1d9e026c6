/**
 * Entity interpolation: the client draws the world `delayMs` in the past, between the two
 * snapshots around that render time, so movement is smooth at 20 Hz and a lost or late snapshot
 * is bridged instead of seen as a stutter.
 *
 * Server time is the snapshot's tick × 1000/60. The client maps its own clock onto it with
 * offset = max(server time − arrival time) over the last `offsetWindowMs`: the maximum belongs
 * to the snapshot that travelled fastest, so the render time sits `delayMs` behind the earliest a
 * snapshot can arrive, and queueing or jitter on the others cannot drag it later. A render time
 * past the newest snapshot holds the newest positions (no extrapolation) and counts as `starved`.
 */
import { INTERPOLATION_DELAY_MS } from './arena-rules.js';
import type { EntityTable } from './snapshot.js';
import { POSITION_SCALE } from './wire-format.js';

export interface RenderPosition {
  /** Arena units. */
  readonly x: number;
  readonly y: number;
}

export interface InterpolationStats {
  samples: number;
  /** Samples whose render time was past the newest snapshot: the buffer ran dry. */
  starved: number;
}

interface Frame {
  readonly serverMs: number;
  readonly entities: EntityTable;
}

export class InterpolationBuffer {
  readonly stats: InterpolationStats = { samples: 0, starved: 0 };
  private readonly frames: Frame[] = [];
  private readonly offsets: { at: number; offset: number }[] = [];

  constructor(
    readonly delayMs = INTERPOLATION_DELAY_MS,
    private readonly capacity = 32,
    private readonly offsetWindowMs = 2000,
  ) {}

  get newestServerMs(): number | undefined {
    return this.frames.at(-1)?.serverMs;
  }

  /** A snapshot's entities at its server time, as it arrived at local time `arrivalMs`. */
  push(serverMs: number, arrivalMs: number, entities: EntityTable): void {
    const newest = this.frames.at(-1);
    if (newest !== undefined && serverMs <= newest.serverMs) return;
    this.frames.push({ serverMs, entities });
    if (this.frames.length > this.capacity) this.frames.shift();
    this.offsets.push({ at: arrivalMs, offset: serverMs - arrivalMs });
    while (this.offsets.length > 1 && (this.offsets[0]?.at ?? arrivalMs) < arrivalMs - this.offsetWindowMs) this.offsets.shift();
  }

  /** The server time to draw at local time `nowMs`; undefined before the first snapshot. */
  renderTime(nowMs: number): number | undefined {
    if (this.offsets.length === 0) return undefined;
    let offset = Number.NEGATIVE_INFINITY;
    for (const o of this.offsets) if (o.offset > offset) offset = o.offset;
    return nowMs + offset - this.delayMs;
  }

  /** Every entity's position at local time `nowMs` (empty before the first snapshot). */
  view(nowMs: number): Map<number, RenderPosition> {
    const t = this.renderTime(nowMs);
    return t === undefined ? new Map() : this.sample(t);
  }

  /** Positions at server time `t`: interpolated between the frames around it, clamped at the ends. */
  sample(t: number): Map<number, RenderPosition> {
    const out = new Map<number, RenderPosition>();
    const first = this.frames[0];
    if (first === undefined) return out;
    this.stats.samples++;
    let i = 0;
    while (i + 1 < this.frames.length && (this.frames[i + 1]?.serverMs ?? Infinity) <= t) i++;
    const a = this.frames[i] ?? first;
    const b = this.frames[i + 1];
    if (b === undefined || t <= a.serverMs) {
      if (b === undefined && t > a.serverMs) this.stats.starved++;
      for (const [id, e] of a.entities) out.set(id, { x: e.x / POSITION_SCALE, y: e.y / POSITION_SCALE });
      return out;
    }
    const alpha = (t - a.serverMs) / (b.serverMs - a.serverMs);
    // entities only in `b` appear at their first position; those only in `a` are gone
    for (const [id, eb] of b.entities) {
      const ea = a.entities.get(id) ?? eb;
      out.set(id, { x: lerp(ea.x, eb.x, alpha) / POSITION_SCALE, y: lerp(ea.y, eb.y, alpha) / POSITION_SCALE });
    }
    return out;
  }
}

function lerp(a: number, b: number, alpha: number): number {
  return a + (b - a) * alpha;
}
