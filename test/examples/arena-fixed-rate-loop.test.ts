import { describe, expect, it } from 'vitest';
import { FixedRateLoop } from '../../examples/arena/fixed-rate-loop.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('arena fixed-rate loop', () => {
  it('refuses a rate that is not positive', () => {
    expect(() => new FixedRateLoop(0, () => {})).toThrow('hz must be positive');
  });

  it('ticks at its rate against absolute deadlines, and not after stop()', async () => {
    let ticks = 0;
    const loop = new FixedRateLoop(100, () => ticks++);
    loop.start();
    await sleep(300);
    loop.stop();
    const atStop = ticks;
    // 30 due; a busy machine delays wake-ups, and the deadlines let late ones catch up
    expect(atStop).toBeGreaterThanOrEqual(20);
    expect(atStop).toBeLessThanOrEqual(31);
    await sleep(50);
    expect(ticks).toBe(atStop);
  });

  it('after a stall runs at most maxCatchUp ticks at once and counts the rest as skipped', async () => {
    const bursts: number[] = [];
    let inBurst = 0;
    let stalled = false;
    const loop = new FixedRateLoop(100, () => {
      inBurst++;
      if (!stalled) {
        stalled = true;
        const until = performance.now() + 100; // ten periods
        while (performance.now() < until);
      }
    }, 2);
    loop.start();
    const timer = setInterval(() => {
      bursts.push(inBurst);
      inBurst = 0;
    }, 1);
    await sleep(250);
    loop.stop();
    clearInterval(timer);
    expect(loop.stats.skipped).toBeGreaterThanOrEqual(7);
    expect(Math.max(...bursts)).toBeLessThanOrEqual(2);
  });
});
