/**
 * A soak child process seen as a stream of JSON lines (real-soak-messages.ts ChildLine): wait for
 * the first line of a kind, and fail with the child's stderr when it exits before saying it.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ChildLine } from './real-soak-messages.js';

type EventName = ChildLine['event'];
type LineOf<E extends EventName> = Extract<ChildLine, { event: E }>;

export class ChildLines {
  private readonly seen: ChildLine[] = [];
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  private exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    onLine?: (line: ChildLine) => void,
  ) {
    if (child.stdout === null || child.stderr === null) throw new Error(`${name}: spawn it with piped stdout and stderr`);
    createInterface({ input: child.stdout }).on('line', (text) => {
      if (!text.startsWith('{')) return;
      let line: ChildLine;
      try {
        line = JSON.parse(text) as ChildLine;
      } catch {
        return; // not one of ours
      }
      this.seen.push(line);
      onLine?.(line);
      this.wake();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      // the tail is what explains a failure; keep memory bounded on a chatty child
      this.stderr = (this.stderr + chunk).slice(-8192);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        this.exitCode = code;
        this.wake();
        resolve(code);
      });
    });
  }

  /** The first line with this event, or a rejection if the child exits without one. */
  async next<E extends EventName>(event: E): Promise<LineOf<E>> {
    for (;;) {
      const found = this.seen.find((l): l is LineOf<E> => l.event === event);
      if (found !== undefined) return found;
      if (this.exitCode !== undefined) {
        throw new Error(`${this.name} exited (${this.exitCode}) before '${event}'${this.stderr === '' ? '' : `:\n${this.stderr}`}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
