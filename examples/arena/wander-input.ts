/**
 * A bot's stick: holds a random direction for 0.3–2 s, then picks another (one time in five it
 * lets go and idles). Seeded, so a run of N bots is repeatable.
 */
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import { TICK_HZ } from './arena-rules.js';

export class WanderInput {
  private readonly rng: SeededRandom;
  private ticksLeft = 0;
  moveX = 0;
  moveY = 0;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }

  /** Advances one input tick (1/60 s) and returns the stick to send. */
  next(): { moveX: number; moveY: number } {
    if (this.ticksLeft-- <= 0) {
      this.ticksLeft = this.rng.int(Math.round(0.3 * TICK_HZ), 2 * TICK_HZ);
      const idle = this.rng.chance(0.2);
      const angle = this.rng.next() * 2 * Math.PI;
      this.moveX = idle ? 0 : Math.round(127 * Math.cos(angle));
      this.moveY = idle ? 0 : Math.round(127 * Math.sin(angle));
    }
    return { moveX: this.moveX, moveY: this.moveY };
  }
}
