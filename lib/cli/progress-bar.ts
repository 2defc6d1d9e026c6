/**
 * The progress display of long CLI work (cli-progress): a bar with a status while something
 * measurable runs, a plain status line around it (connecting, disconnecting). On stderr, and only
 * on a terminal: logs, pipes, `--json` and tests get nothing, so stdout stays the result alone.
 */
import cliProgress from 'cli-progress';

export interface ProgressDisplay {
  /** A phase without a measure ("connecting 100 bots…"). */
  status(text: string): void;
  /** `value` of `total` done, with a status after the bar. */
  update(value: number, total: number, text: string): void;
  /** Removes the display (idempotent). */
  stop(): void;
}

const SILENT: ProgressDisplay = { status: () => undefined, update: () => undefined, stop: () => undefined };

export function progressDisplay(enabled: boolean, unit: string): ProgressDisplay {
  if (!enabled) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: `{bar} {value}/{total} ${unit}  {status}`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  let line = false;
  const clearLine = (): void => {
    if (line) process.stderr.write('\r\x1b[2K');
    line = false;
  };
  return {
    status(text) {
      if (running) {
        bar.stop();
        running = false;
      }
      process.stderr.write(`\r\x1b[2K${text}`);
      line = true;
    },
    update(value, total, text) {
      clearLine();
      if (!running) {
        bar.start(total, value, { status: text });
        running = true;
      } else {
        bar.setTotal(total);
        bar.update(value, { status: text });
      }
    },
    stop() {
      if (running) bar.stop();
      running = false;
      clearLine();
    },
  };
}
