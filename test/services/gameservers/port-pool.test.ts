import { describe, expect, it } from 'vitest';
import { PortPool } from '../../../lib/services/gameservers/port-pool.js';

describe('PortPool', () => {
  it('hands out every port of from..to once, then nothing', () => {
    const pool = new PortPool({ from: 5000, to: 5002 });
    expect(pool.size).toBe(3);
    expect([pool.acquire(), pool.acquire(), pool.acquire()]).toEqual([5000, 5001, 5002]);
    expect(pool.acquire()).toBeUndefined();
    expect(pool.freeCount).toBe(0);
    expect(pool.takenCount).toBe(3);
  });

  it('reuses a released port only after the ports that rested longer', () => {
    const pool = new PortPool({ from: 5000, to: 5002 });
    const first = pool.acquire();
    expect(first).toBe(5000);
    pool.release(5000);
    expect(pool.isTaken(5000)).toBe(false);
    expect([pool.acquire(), pool.acquire(), pool.acquire()]).toEqual([5001, 5002, 5000]);
  });

  it('refuses to release a port it did not hand out (a double release is a bug)', () => {
    const pool = new PortPool({ from: 5000, to: 5001 });
    expect(() => pool.release(5000)).toThrow(/not taken/);
    const p = pool.acquire() as number;
    pool.release(p);
    expect(() => pool.release(p)).toThrow(/not taken/);
    expect(() => pool.release(9999)).toThrow(/not taken/);
    expect(pool.freeCount).toBe(2);
  });

  it('rejects empty or invalid ranges', () => {
    expect(() => new PortPool({ from: 5001, to: 5000 })).toThrow(RangeError);
    expect(() => new PortPool({ from: 0, to: 10 })).toThrow(RangeError);
    expect(() => new PortPool({ from: 65_535, to: 65_536 })).toThrow(RangeError);
    expect(() => new PortPool({ from: 1.5, to: 10 })).toThrow(RangeError);
    expect(new PortPool({ from: 7, to: 7 }).size).toBe(1);
  });
});
