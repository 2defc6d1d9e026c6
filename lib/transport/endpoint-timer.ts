/**
 * The one timer a driver keeps for its endpoint: armed at the endpoint's pollTimeout(), moved
 * only when that time comes earlier, and on expiry handleTimeout(now) followed by the driver's
 * service (which re-arms it).
 */
import type { SansIoEndpoint } from './udp-driver.js';
import { transportNow } from './clock.js';

export class EndpointTimer {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly endpoint: Pick<SansIoEndpoint<unknown>, 'pollTimeout' | 'handleTimeout'>,
    private readonly afterTimeout: () => void,
  ) {}

  arm(): void {
    const at = this.endpoint.pollTimeout();
    if (at === undefined) {
      this.cancel();
      return;
    }
    // A later deadline keeps the armed timer: firing early is harmless (handleTimeout acts only
    // on what is due, and the pass after it re-arms), and it saves a clear/set per datagram.
    if (this.timer !== undefined && at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.endpoint.handleTimeout(transportNow());
      this.afterTimeout();
    }, Math.max(0, Math.ceil(at - transportNow())));
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
