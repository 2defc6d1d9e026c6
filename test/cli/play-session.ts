/**
 * Drives `paperclip play` (bin/paperclip.js over dist/) as a person would: through a
 * pseudo-terminal from util-linux `script -qfec <command> /dev/null` (no dependency: the child
 * sees a TTY on stdin and stdout, so readline runs in terminal mode, passwords are not echoed and
 * Ctrl-C is the byte 0x03), or with piped stdin for the scripted mode.
 *
 * Output is read with ANSI escapes and carriage returns removed. `expect` waits for a pattern
 * after the previous match, so a test reads as the dialogue it is: wait for the prompt, answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath } from '../helpers/paperclip-cli.js';

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export class PlaySession {
  private raw = '';
  private errRaw = '';
  private consumed = 0;
  readonly exited: Promise<number>;
  private readonly changed = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    /** What the Enter key sends: CR to a terminal, a newline down a pipe. */
    private readonly enter: string,
  ) {
    const collect = (chunk: Buffer): void => {
      this.raw += chunk.toString('utf8');
      for (const wake of [...this.changed]) wake();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', (chunk: Buffer) => {
      this.errRaw += chunk.toString('utf8');
      collect(chunk);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))));
  }

  /** In a pseudo-terminal: stdout and stderr arrive merged, as on a screen. */
  static inTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): PlaySession {
    const command = [process.execPath, cliPath, 'play', ...args].map(shellQuote).join(' ');
    return new PlaySession(spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }), '\r');
  }

  /** With piped stdin and stdout: the scripted mode. */
  static piped(args: readonly string[], env: NodeJS.ProcessEnv = {}): PlaySession {
    return new PlaySession(spawn(process.execPath, [cliPath, 'play', ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }), '\n');
  }

  /** Everything shown so far, without escapes and carriage returns. */
  get text(): string {
    return this.raw.replace(ANSI, '').replace(/\r/g, '');
  }

  /** What went to stderr alone (piped mode; in a terminal, `script` merges it into the screen). */
  get stderr(): string {
    return this.errRaw;
  }

  /** Waits for `pattern` after the last match; resolves with the matched text. */
  async expect(pattern: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(this.consumed);
      const found = typeof pattern === 'string' ? { index: rest.indexOf(pattern), text: pattern } : matchOf(pattern, rest);
      if (found.index >= 0) {
        this.consumed += found.index + found.text.length;
        return found.text;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${String(pattern)} within ${timeoutMs} ms; the session so far:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.changed.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 200));
        this.changed.add(wake);
      });
    }
  }

  /** Waits for the prompt, then types the answer and Enter. */
  async answer(prompt: string | RegExp, text: string): Promise<void> {
    await this.expect(prompt);
    this.type(`${text}${this.enter}`);
  }

  type(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Ctrl-C, as the terminal sends it. */
  interrupt(): void {
    this.type('\x03');
  }

  /** A signal to the process itself, as `kill` sends it (piped mode: there is no terminal to type Ctrl-C at). */
  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** End of input (piped mode). */
  endInput(): void {
    this.child.stdin?.end();
  }

  /** For afterEach: a failed test must not leave a client running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

function matchOf(pattern: RegExp, text: string): { index: number; text: string } {
  const m = pattern.exec(text);
  return m === null ? { index: -1, text: '' } : { index: m.index, text: m[0] };
}
