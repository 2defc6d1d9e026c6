/**
 * The transport's clock: milliseconds since the Unix epoch, advanced by the monotonic timer.
 * Protocol timers need monotonic time (a wall-clock jump must not fire or stall them);
 * certificate expiry needs epoch time. timeOrigin + performance.now() is both: epoch-based at
 * start, monotonic after.
 */
export function transportNow(): number {
  return performance.timeOrigin + performance.now();
}
