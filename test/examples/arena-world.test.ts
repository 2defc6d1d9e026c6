import { describe, expect, it } from 'vitest';
import { ARENA_SIZE, PICKUP_COUNT, TICK_HZ } from '../../examples/arena/arena-rules.js';
import { EntityKind, MAX_POSITION_Q } from '../../examples/arena/wire-format.js';
import { ArenaWorld } from '../../examples/arena/world.js';

describe('arena world', () => {
  it('ignores input for entities that are not players', () => {
    const world = new ArenaWorld(3);
    const before = world.snapshot(1);
    const pickup = [...before.entities].find(([, e]) => e.kind === EntityKind.PICKUP)?.[0] ?? 0;
    world.setInput(pickup, 127, 127);
    world.setInput(9_999, 127, 127);
    world.step();
    expect(world.snapshot(2).entities).toEqual(before.entities);
  });

  it('keeps a player pushing into a wall inside the arena', () => {
    const world = new ArenaWorld(3);
    const id = world.addPlayer();
    world.setInput(id, 127, -127);
    for (let i = 0; i < 10 * TICK_HZ; i++) world.step();
    const me = world.snapshot(1).entities.get(id);
    expect(me?.x).toBe(MAX_POSITION_Q);
    expect(me?.y).toBe(0);
  });

  it('comes to rest after the input is released, so a quiet world stops changing', () => {
    const world = new ArenaWorld(3);
    const id = world.addPlayer();
    world.setInput(id, 60, 80);
    for (let i = 0; i < TICK_HZ / 2; i++) world.step();
    world.setInput(id, 0, 0);
    for (let i = 0; i < 2 * TICK_HZ; i++) world.step();
    const a = world.snapshot(1).entities;
    world.step();
    expect(world.snapshot(2).entities).toEqual(a);
  });

  it('scores a pickup and moves it elsewhere', () => {
    const world = new ArenaWorld(5);
    expect(world.snapshot(1).entities.size).toBe(PICKUP_COUNT);
    // drive one player in a sweep across the arena until it collects something
    const id = world.addPlayer();
    let score = 0;
    for (let t = 0; t < 60 * TICK_HZ && score === 0; t++) {
      const row = Math.floor(t / (5 * TICK_HZ));
      world.setInput(id, row % 2 === 0 ? 127 : -127, t % (5 * TICK_HZ) < 10 ? 127 : 0);
      world.step();
      score = world.snapshot(0).entities.get(id)?.score ?? 0;
    }
    expect(score).toBeGreaterThan(0);
    expect(world.snapshot(0).entities.size).toBe(PICKUP_COUNT + 1);
    for (const e of world.snapshot(0).entities.values()) expect(e.x).toBeLessThanOrEqual(ARENA_SIZE * 32);
  });

  it('frees a leaving player', () => {
    const world = new ArenaWorld(1);
    const id = world.addPlayer();
    expect(world.playerCount).toBe(1);
    world.removePlayer(id);
    expect(world.playerCount).toBe(0);
    expect(world.snapshot(1).entities.has(id)).toBe(false);
  });
});
