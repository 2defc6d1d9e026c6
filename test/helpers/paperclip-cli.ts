/**
 * Runs the `paperclip` command (bin/paperclip.js over dist/) or another compiled script as a user
 * would, never throwing; and parses a command's flags in this process, as paperclip.ts does.
 */
import { execFile } from 'node:child_process';
import { join, resolve as resolvePath } from 'node:path';
import { Command } from 'commander';
import { packageRoot } from '../../lib/native.js';

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code; non-zero also when the process was killed at its timeout. */
  readonly code: number;
}

export const cliPath = join(packageRoot, 'bin', 'paperclip.js');

/** `node <script> ...args`; the script's path is absolute or relative to the package root. */
export function runScript(script: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [resolvePath(packageRoot, script), ...args], { env: options.env ?? process.env, timeout: options.timeout ?? 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ stdout, stderr, code });
    });
  });
}

export function paperclip(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<CliResult> {
  return runScript(cliPath, args, options);
}

/**
 * Parses `paperclip <name> ...args` on a program holding only the command `register` adds, which
 * throws instead of exiting: what the parse rejected with (undefined when it ran to the end) and
 * what commander printed as usage errors.
 */
export async function parseInProcess(register: (program: Command) => void, name: string, args: readonly string[]): Promise<{ error: unknown; printed: string }> {
  const printed: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => printed.push(s), writeOut: () => {} });
  register(program);
  const error = await program.parseAsync(['node', 'paperclip', name, ...args]).then(() => undefined, (e: unknown) => e);
  return { error, printed: printed.join('') };
}

/** stderr as a person reads it: its lines, without the js-fallback project's one backend notice. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '' && !line.startsWith('paperclip-net: native addon unavailable'));
}
