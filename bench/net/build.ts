/**
 * Finds and builds the C programs of bench/net/c with make. Run every time: make does nothing
 * when they are current, and a stale binary would silently measure old code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The apt line that gives the ENet rows; .ci/run installs it. */
export const ENET_APT = 'apt-get install -y --no-install-recommends libenet-dev';

export interface CBuild {
  readonly cDir: string;
  readonly binDir: string;
  /** Repository root (holds dist/ once `npm run build:ts` ran). */
  readonly root: string;
  readonly enetAvailable: boolean;
}

/** bench/net/c, found upwards from this file: works from bench/net (tests) and dist/bench/net. */
export function findCDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'bench', 'net', 'c');
    if (existsSync(join(candidate, 'Makefile'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench:net: cannot find bench/net/c/Makefile above this file');
    dir = parent;
  }
}

export function buildC(): CBuild {
  const cDir = findCDir();
  const made = spawnSync('make', ['--no-print-directory', '-C', cDir], { encoding: 'utf8' });
  if (made.error !== undefined) {
    throw new Error(`bench:net needs make and a C compiler (apt-get install -y gcc make): ${made.error.message}`);
  }
  if (made.status !== 0) throw new Error(`make -C ${cDir} failed:\n${made.stdout}${made.stderr}`);
  const binDir = join(cDir, 'build');
  return { cDir, binDir, root: dirname(dirname(dirname(cDir))), enetAvailable: existsSync(join(binDir, 'enet_echo')) };
}

/** Whether a C compiler and make are on PATH (the smoke test skips without them). */
export function haveCToolchain(): boolean {
  const ok = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  return ok('make', ['--version']) && ok(process.env.CC ?? 'cc', ['--version']);
}
