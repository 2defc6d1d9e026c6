/**
 * Ctrl-C and SIGTERM for a play session. The first one aborts the session's signal: whatever is
 * pending rejects with InterruptedError and the `finally` blocks run, which is what disconnects
 * from a game server with the transport's CLIENT DISCONNECT instead of leaving a ghost player
 * the server only notices after its idle timeout. A second one exits at once, for when that
 * graceful path itself hangs.
 *
 * On a terminal, Ctrl-C is a key that readline reports (raw mode); from `kill -INT`, or with
 * piped stdin, it is the process signal. Both land here.
 */
import { InterruptedError } from './cancellation.js';
import type { Prompter } from './prompter.js';

export interface Interrupts {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function trapInterrupts(prompter: Prompter): Interrupts {
  const controller = new AbortController();
  const interrupt = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (controller.signal.aborted) {
      process.exit(new InterruptedError(signal).exitCode);
    }
    controller.abort(new InterruptedError(signal));
  };
  const onSigint = (): void => interrupt('SIGINT');
  const onSigterm = (): void => interrupt('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  prompter.onInterrupt(onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}
