/**
 * `paperclip bench [suite] [-- suite options]`: the benchmark suites of `bench/`, which the
 * package ships compiled in dist/bench/. Each suite runs as its own Node process with the
 * terminal attached, exactly as its npm script would run it (they print progress to stderr and
 * the table to stdout), so a suite's options and exit code pass through unchanged.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../native.js';

/** Suite name → compiled entry point and what it measures. */
const SUITES = {
  primitives: { script: 'cli.js', what: 'native primitives against their JS twins (npm run bench)' },
  net: { script: 'net-cli.js', what: 'UDP echo against ENet, node:dgram and raw C sockets (npm run bench:net)' },
  rest: { script: 'rest-cli.js', what: 'the accounts service against a Fastify hello-world (npm run bench:rest)' },
  soak: { script: 'soak-cli.js', what: 'the soak: every message once, intact (npm run soak; --real for the lossy network)' },
  fuzz: { script: 'fuzz-cli.js', what: 'the libFuzzer targets of the C++ cores (npm run fuzz; needs clang)' },
} as const;
type Suite = keyof typeof SUITES;

function isSuite(name: string): name is Suite {
  return Object.hasOwn(SUITES, name);
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run a benchmark suite: ' + Object.keys(SUITES).join(', ') + ' (options after --)')
    .argument('[suite]', 'which suite', 'primitives')
    .argument('[options...]', "the suite's own options, e.g. paperclip bench net -- --quick")
    .allowUnknownOption()
    .addHelpText('after', '\n' + Object.entries(SUITES).map(([name, s]) => `  ${name.padEnd(12)}${s.what}`).join('\n'))
    .action(async (suite: string, options: string[]) => {
      if (!isSuite(suite)) throw new Error(`unknown suite '${suite}': one of ${Object.keys(SUITES).join(', ')}`);
      const script = join(packageRoot, 'dist', 'bench', SUITES[suite].script);
      if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build:ts`);
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [script, ...options], { stdio: 'inherit' });
        child.once('error', reject);
        child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128)));
        // Ctrl-C reaches the child through the terminal's process group; wait for it to clean up
        process.on('SIGINT', () => undefined);
      });
      process.exitCode = code;
    });
}
