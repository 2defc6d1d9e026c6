/**
 * The arena simulation: players accelerate along their held input, glide to a stop with
 * friction, stay inside the walls and collect pickups (score + 1, the pickup reappears
 * elsewhere). Deterministic from a seed and stepped at a fixed 60 Hz; no clock, no sockets, so
 * tests step it directly.
 */
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import {
  ARENA_SIZE, FRICTION, MAX_SCORE, PICKUP_COUNT, PICKUP_RADIUS, PLAYER_ACCEL, PLAYER_MAX_SPEED, REST_SPEED, TICK_HZ,
} from './arena-rules.js';
import type { EntityState, WorldSnapshot } from './snapshot.js';
import { EntityKind, POSITION_SCALE } from './wire-format.js';

interface Body {
  readonly kind: EntityKind;
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Held input, each axis −1..1. */
  ix: number;
  iy: number;
  score: number;
}

const DT = 1 / TICK_HZ;
const MAX_ENTITY_ID = 0xffff;

export class ArenaWorld {
  private readonly bodies = new Map<number, Body>();
  private readonly rng: SeededRandom;
  private nextId = 1;
  private tickCount = 0;

  constructor(seed = 1) {
    this.rng = new SeededRandom(seed);
    for (let i = 0; i < PICKUP_COUNT; i++) this.spawn(EntityKind.PICKUP);
  }

  get tick(): number {
    return this.tickCount;
  }

  get playerCount(): number {
    let n = 0;
    for (const b of this.bodies.values()) if (b.kind === EntityKind.PLAYER) n++;
    return n;
  }

  /** A new player at a random spot; returns its entity id. */
  addPlayer(): number {
    return this.spawn(EntityKind.PLAYER);
  }

  removePlayer(id: number): void {
    if (this.bodies.get(id)?.kind === EntityKind.PLAYER) this.bodies.delete(id);
  }

  /** The stick as sent on the wire (−127..127 per axis); longer than 1 is scaled back to 1. */
  setInput(id: number, moveX: number, moveY: number): void {
    const body = this.bodies.get(id);
    if (body === undefined || body.kind !== EntityKind.PLAYER) return;
    const x = moveX / 127;
    const y = moveY / 127;
    const len = Math.hypot(x, y);
    body.ix = len > 1 ? x / len : x;
    body.iy = len > 1 ? y / len : y;
  }

  step(): void {
    this.tickCount++;
    const decay = Math.exp(-FRICTION * DT);
    for (const p of this.bodies.values()) {
      if (p.kind !== EntityKind.PLAYER) continue;
      const pushing = p.ix !== 0 || p.iy !== 0;
      p.vx = (p.vx + p.ix * PLAYER_ACCEL * DT) * (pushing ? 1 : decay);
      p.vy = (p.vy + p.iy * PLAYER_ACCEL * DT) * (pushing ? 1 : decay);
      const speed = Math.hypot(p.vx, p.vy);
      if (speed > PLAYER_MAX_SPEED) {
        p.vx *= PLAYER_MAX_SPEED / speed;
        p.vy *= PLAYER_MAX_SPEED / speed;
      } else if (!pushing && speed < REST_SPEED) {
        p.vx = 0;
        p.vy = 0;
      }
      p.x = this.clampWall(p.x + p.vx * DT, () => (p.vx = 0));
      p.y = this.clampWall(p.y + p.vy * DT, () => (p.vy = 0));
      this.collect(p);
    }
  }

  /** The current state, quantized as it travels. */
  snapshot(id: number): WorldSnapshot {
    const entities = new Map<number, EntityState>();
    for (const [eid, b] of this.bodies) entities.set(eid, { kind: b.kind, x: quantize(b.x), y: quantize(b.y), score: b.score });
    return { id, tick: this.tickCount, entities };
  }

  private collect(p: Body): void {
    for (const item of this.bodies.values()) {
      if (item.kind !== EntityKind.PICKUP) continue;
      if (Math.hypot(item.x - p.x, item.y - p.y) > PICKUP_RADIUS) continue;
      p.score = Math.min(MAX_SCORE, p.score + 1);
      item.x = this.rng.next() * ARENA_SIZE;
      item.y = this.rng.next() * ARENA_SIZE;
    }
  }

  private clampWall(v: number, stop: () => void): number {
    if (v >= 0 && v <= ARENA_SIZE) return v;
    stop();
    return Math.max(0, Math.min(ARENA_SIZE, v));
  }

  private spawn(kind: EntityKind): number {
    const id = this.freeId();
    this.bodies.set(id, { kind, x: this.rng.next() * ARENA_SIZE, y: this.rng.next() * ARENA_SIZE, vx: 0, vy: 0, ix: 0, iy: 0, score: 0 });
    return id;
  }

  /** Ids are u16 on the wire: reuse freed ones after a wrap rather than grow past 65,535. */
  private freeId(): number {
    for (let tries = 0; tries < MAX_ENTITY_ID; tries++) {
      const id = this.nextId;
      this.nextId = id >= MAX_ENTITY_ID ? 1 : id + 1;
      if (!this.bodies.has(id)) return id;
    }
    throw new RangeError('the arena is full (65,535 entities)');
  }
}

function quantize(v: number): number {
  return Math.round(v * POSITION_SCALE);
}
