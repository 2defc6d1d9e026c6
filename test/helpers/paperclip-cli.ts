/** Runs the `paperclip` command as a user would (bin/paperclip.js over dist/), never throwing. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../lib/native.js';

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code; non-zero also when the process was killed at its timeout. */
  readonly code: number;
}

export const cliPath = join(packageRoot, 'bin', 'paperclip.js');

export function paperclip(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: options.env ?? process.env, timeout: options.timeout ?? 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ stdout, stderr, code });
    });
  });
}

/** stderr as a person reads it: its lines, without the js-fallback project's one backend notice. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '' && !line.startsWith('paperclip-net: native addon unavailable'));
}
