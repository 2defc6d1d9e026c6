/**
 * `npm run fuzz -- [--seconds S | --execs N] [--target name ...] [--jobs J]`
 *   --seconds S  run each target for S seconds (default 10 when --execs is not given)
 *   --execs N    run each target for N executions (CI: a fixed amount of work)
 *   --target T   only these targets (repeatable; default: every native/fuzz/targets/*.cc)
 *   --jobs J     targets run at once (default 1; each target is one process on one core)
 *   --keep-logs  keep libFuzzer's log of clean runs too (native/fuzz/build/logs/)
 * Builds native/fuzz with make, then prints exactly one line per target on stdout:
 *   <target> execs=<n> findings=<k>
 * Artifact and log paths of any finding go to stderr. Exit code: 0 when every target ran
 * with no finding, 1 on a finding or a failed run, 2 on bad arguments or a missing toolchain.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTargets, clangAvailable, prepareCorpora, runTargets, type FuzzBudget } from './fuzz.js';

const root = fileURLToPath(new URL('../..', import.meta.url)); // dist/bench/ -> package root

function fail(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    execs: { type: 'string' },
    target: { type: 'string', multiple: true },
    jobs: { type: 'string', default: '1' },
    'keep-logs': { type: 'boolean', default: false },
  },
});
const positive = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
  return n;
};
const seconds = positive('seconds', values.seconds);
const execs = positive('execs', values.execs);
const jobs = positive('jobs', values.jobs) ?? 1;
const budget: FuzzBudget = seconds === undefined && execs === undefined ? { seconds: 10 } : { seconds, execs };

if (!clangAvailable()) fail('clang++ not found (Debian: apt-get install clang)');
const all = buildTargets(root);
const chosen = values.target ?? all;
const unknown = chosen.filter((t) => !all.includes(t));
if (unknown.length > 0) fail(`unknown target ${unknown.join(', ')}; targets: ${all.join(' ')}`);
prepareCorpora(root, chosen);

let failed = false;
await runTargets(root, chosen, { budget, jobs, keepLogs: values['keep-logs'] }, (r) => {
  process.stdout.write(`${r.target} execs=${r.execs} findings=${r.artifacts.length}\n`);
  for (const path of r.artifacts) process.stderr.write(`${r.target}: artifact ${path}\n`);
  if (r.artifacts.length > 0 || r.exitCode !== 0) {
    failed = true;
    process.stderr.write(`${r.target}: exit code ${r.exitCode}, log ${r.log}\n`);
  }
});
process.exitCode = failed ? 1 : 0;
