/**
 * Keeps a driver's service pass from recursing: an event handler that sends calls service()
 * again from inside the pass; that call only asks for one more pass after the current one, so
 * a batch of a thousand messages answered one by one costs passes, not stack frames.
 */
export class Reentry {
  private running = false;
  private again = false;

  run(pass: () => void): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        pass();
      } while (this.again);
    } finally {
      this.running = false;
    }
  }
}
