/**
 * Questions and answers on the terminal, or on piped stdin for scripts.
 *
 * Built on node:readline rather than readline/promises' `question()`: that drops every line
 * that arrives while no question is pending, so answers piped in all at once would be lost
 * after the first. Here, with piped (non-terminal) input, lines wait in a queue for the next
 * question and are echoed after it, so a transcript reads like a session. On a terminal, a line
 * typed while no question is pending is dropped instead: a stray Enter while waiting for the
 * opponent must not become the next round's answer.
 *
 * Passwords are not echoed on a terminal (readline's echo goes through a muted stream).
 * Ctrl-C on a terminal reaches readline, not the process (raw mode): `onInterrupt` relays it.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** The input ended (Ctrl-D, or the end of a script) while a question waited for its answer. */
export class InputClosedError extends Error {
  override readonly name = 'InputClosedError';
  constructor(readonly question: string) {
    super(`the input ended before an answer to "${question.trim()}"`);
  }
}

export interface PrompterStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & { readonly columns?: number };
  /** Line editing, no echo for secrets, Ctrl-C as a key. Usually stdin and stdout are TTYs. */
  readonly terminal: boolean;
}

/** Forwards readline's output unless muted (while a password is typed). */
class MutableOutput extends Writable {
  muted = false;

  constructor(private readonly target: NodeJS.WritableStream & { readonly columns?: number }) {
    super();
  }

  /** readline wraps lines at this width. */
  get columns(): number | undefined {
    return this.target.columns;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.muted) this.target.write(chunk);
    done();
  }
}

export class Prompter {
  private readonly rl: Interface;
  private readonly echo: MutableOutput;
  private readonly queued: string[] = [];
  private waiter: ((line: string | null) => void) | undefined;
  private closed = false;

  constructor(private readonly streams: PrompterStreams) {
    this.echo = new MutableOutput(streams.output);
    this.rl = createInterface({ input: streams.input, output: this.echo, terminal: streams.terminal, historySize: 0 });
    this.rl.on('line', (line) => this.receive(line));
    this.rl.on('close', () => {
      this.closed = true;
      this.deliver(null);
    });
  }

  get isTerminal(): boolean {
    return this.streams.terminal;
  }

  /** Writes one line (or several, each ending with a newline). */
  print(text = ''): void {
    this.streams.output.write(`${text}\n`);
  }

  /** Called on Ctrl-C typed at the terminal. */
  onInterrupt(listener: () => void): void {
    this.rl.on('SIGINT', listener);
  }

  /** Asks and resolves with the answer line. Rejects with InputClosedError or the signal's reason. */
  ask(question: string, signal?: AbortSignal): Promise<string> {
    return this.prompt(question, false, signal);
  }

  /** As `ask`, without echoing the answer. */
  secret(question: string, signal?: AbortSignal): Promise<string> {
    return this.prompt(question, true, signal);
  }

  close(): void {
    this.rl.close();
  }

  private receive(line: string): void {
    if (this.waiter !== undefined) this.deliver(line);
    else if (!this.streams.terminal) this.queued.push(line);
  }

  private deliver(line: string | null): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(line);
  }

  private async prompt(question: string, hidden: boolean, signal: AbortSignal | undefined): Promise<string> {
    if (signal?.aborted === true) throw signal.reason;
    if (this.waiter !== undefined) throw new Error('one question at a time');
    const early = this.queued.shift();
    if (early !== undefined) {
      this.streams.output.write(`${question}${hidden ? '' : early}\n`);
      return early;
    }
    if (this.closed) throw new InputClosedError(question);
    if (this.streams.terminal) {
      this.rl.setPrompt(question);
      this.rl.prompt();
      this.echo.muted = hidden;
    } else {
      this.streams.output.write(question);
    }
    let onAbort: (() => void) | undefined;
    let aborted = false;
    try {
      const line = await new Promise<string | null>((resolve, reject) => {
        this.waiter = resolve;
        if (signal !== undefined) {
          onAbort = () => {
            aborted = true;
            this.waiter = undefined;
            reject(signal.reason as Error);
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }
      });
      if (line === null) {
        this.streams.output.write('\n');
        throw new InputClosedError(question);
      }
      // the answer ends the line: readline's own newline was muted, and piped input is not echoed
      if (hidden || !this.streams.terminal) this.streams.output.write(`${hidden ? '' : line}\n`);
      return line;
    } catch (err) {
      if (aborted) this.abandonLine();
      throw err;
    } finally {
      this.echo.muted = false;
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A question cut short: forget what was typed so far and leave the prompt's line. */
  private abandonLine(): void {
    if (this.streams.terminal && !this.closed) {
      this.echo.muted = true;
      this.rl.write(null, { ctrl: true, name: 'e' });
      this.rl.write(null, { ctrl: true, name: 'u' });
      this.echo.muted = false;
    }
    this.streams.output.write('\n');
  }
}
