/**
 * Builds and runs the libFuzzer targets of native/fuzz/ (docs/NATIVE.md, "Fuzzing").
 * Each run reads the target's grown corpus (kept between runs) and fresh seeds, writes any
 * crash/leak/timeout/oom input to an artifacts directory, and logs libFuzzer's output to a
 * file; the result is parsed from that log. Generated files all live in git-ignored
 * directories under native/fuzz/.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeSeeds } from './fuzz-seeds.js';

export interface FuzzBudget {
  /** libFuzzer -max_total_time (whole seconds). */
  readonly seconds?: number;
  /** libFuzzer -runs: a fixed number of executions, corpus replay included. */
  readonly execs?: number;
}

export interface FuzzResult {
  readonly target: string;
  readonly execs: number;
  /** Artifacts written: inputs that crashed, leaked, timed out or ran out of memory. */
  readonly artifacts: readonly string[];
  readonly exitCode: number;
  /** libFuzzer's output; deleted after a clean run unless kept. */
  readonly log: string;
}

export interface FuzzPaths {
  readonly dir: string;
  readonly build: string;
  readonly logs: string;
  readonly grown: string;
  readonly seeds: string;
  readonly artifacts: string;
}

export function fuzzPaths(root: string): FuzzPaths {
  const dir = join(root, 'native', 'fuzz');
  return {
    dir,
    build: join(dir, 'build'),
    logs: join(dir, 'build', 'logs'),
    grown: join(dir, '.corpus', 'grown'),
    seeds: join(dir, '.corpus', 'seeds'),
    artifacts: join(dir, '.corpus', 'artifacts'),
  };
}

/** True when clang++ runs: the targets need clang's libFuzzer and sanitizer runtimes. */
export function clangAvailable(): boolean {
  try {
    execFileSync('clang++', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `make` in native/fuzz (incremental), then the target names. Build output goes to stderr. */
export function buildTargets(root: string): string[] {
  const { dir } = fuzzPaths(root);
  execFileSync('make', ['-C', dir, '-s', '-j2', 'all'], { stdio: ['ignore', process.stderr, process.stderr] });
  const names = execFileSync('make', ['-C', dir, '-s', 'list'], { encoding: 'utf8' });
  return names.trim().split(/\s+/).filter((n) => n !== '');
}

/** Fresh seeds for every target; the grown corpora are kept. */
export function prepareCorpora(root: string, targets: readonly string[]): void {
  const paths = fuzzPaths(root);
  writeSeeds(root, paths.seeds, targets);
  for (const t of targets) {
    mkdirSync(join(paths.grown, t), { recursive: true });
    mkdirSync(join(paths.artifacts, t), { recursive: true });
  }
  mkdirSync(paths.logs, { recursive: true });
}

// libFuzzer's artifact prefixes for failures; slow-unit-* is only a report, not a finding.
const FINDING = /Test unit written to (\S*\/(?:crash|leak|timeout|oom)-[0-9a-f]+)/g;

/** Executions and artifacts from a libFuzzer log (-print_final_stats=1). */
export function parseFuzzLog(text: string): { execs: number; artifacts: string[] } {
  const stat = /stat::number_of_executed_units:\s*(\d+)/.exec(text);
  // Without final stats (killed early), the last status line "#N ..." still counts.
  const progress = [...text.matchAll(/^#(\d+)\s/gm)].at(-1);
  const execs = Number(stat?.[1] ?? progress?.[1] ?? 0);
  return { execs, artifacts: [...text.matchAll(FINDING)].map((m) => m[1] as string) };
}

export function runTarget(root: string, target: string, budget: FuzzBudget, keepLog = false): Promise<FuzzResult> {
  const paths = fuzzPaths(root);
  const args = [
    '-print_final_stats=1',
    '-max_len=4096',
    '-timeout=10', // one input running 10 s is a hang: write it as a timeout artifact
    '-rss_limit_mb=1024', // two targets run at once on a 2-core CI box
    `-artifact_prefix=${join(paths.artifacts, target)}/`,
  ];
  if (budget.seconds !== undefined) args.push(`-max_total_time=${budget.seconds}`);
  if (budget.execs !== undefined) args.push(`-runs=${budget.execs}`);
  // The grown corpus comes first: libFuzzer adds new inputs to the first directory only.
  args.push(join(paths.grown, target), join(paths.seeds, target));
  // One log per run and target, so two runs at once (a developer's and the test suite's)
  // never write into the same file; a clean run's log is removed.
  const log = join(paths.logs, `${target}.${process.pid}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(join(paths.build, target), args, {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  });
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      closeSync(fd);
      reject(err);
    });
    child.on('close', (code, signal) => {
      closeSync(fd);
      const { execs, artifacts } = parseFuzzLog(readFileSync(log, 'utf8'));
      const exitCode = code ?? (signal === null ? 1 : 128);
      if (exitCode === 0 && artifacts.length === 0 && !keepLog) rmSync(log, { force: true });
      resolve({ target, execs, artifacts, exitCode, log });
    });
  });
}

/** Runs the targets, at most `jobs` at a time, in the given order. */
export async function runTargets(
  root: string,
  targets: readonly string[],
  options: { budget: FuzzBudget; jobs: number; keepLogs: boolean },
  onResult: (r: FuzzResult) => void,
): Promise<FuzzResult[]> {
  const { budget, jobs, keepLogs } = options;
  const results: FuzzResult[] = [];
  const queue = [...targets];
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
      const r = await runTarget(root, t, budget, keepLogs);
      results.push(r);
      onResult(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return results;
}
