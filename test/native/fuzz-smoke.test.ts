/**
 * Smoke of `npm run fuzz`: every libFuzzer target in native/fuzz/targets builds, runs a few
 * thousand inputs (about 2 s for all of them) and reports no finding. The long runs are
 * recorded in docs/NATIVE.md; this only proves the harness and the CLI still work.
 * Native project only (the fuzzers test the C++ core, not the backend a project picks).
 * Without clang it skips, visibly, except in CI, where it fails: .ci/run installs clang.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clangAvailable } from '../../bench/fuzz.js';
import { packageRoot } from '../../lib/native.js';

const nativeProject = process.env.PAPERCLIP_BACKEND === 'native';
const inCi = process.env.CI === 'true';
const clang = nativeProject && clangAvailable();

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliRun> {
  const cli = join(packageRoot, 'dist', 'bench', 'fuzz-cli.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.runIf(nativeProject)('npm run fuzz (smoke)', () => {
  if (!clang && !inCi) {
    it.skip('skipped: clang++ not found (apt-get install clang); in CI this fails instead', () => {});
    return;
  }

  it('every target runs with execs > 0 and findings=0', async () => {
    expect(clang, 'clang++ is required in CI (.ci/run installs it)').toBe(true);
    const targets = readdirSync(join(packageRoot, 'native', 'fuzz', 'targets'))
      .filter((f) => f.endsWith('.cc'))
      .map((f) => f.slice(0, -'.cc'.length));
    const run = await runCli(['--execs', '3000', '--jobs', '2']);
    const lines = run.stdout.trim().split('\n');
    const parsed = lines.map((line) => /^(\w+) execs=(\d+) findings=(\d+)$/.exec(line));
    expect(parsed.every((m) => m !== null), `one "<target> execs=N findings=K" line per target:\n${run.stdout}`).toBe(true);
    const byTarget = new Map(parsed.map((m) => [m?.[1], { execs: Number(m?.[2]), findings: Number(m?.[3]) }]));
    expect([...byTarget.keys()].sort()).toEqual(targets.sort());
    expect(lines).toHaveLength(targets.length);
    for (const [target, r] of byTarget) {
      expect(r.execs, target).toBeGreaterThan(0);
      expect(r.findings, `${target}: ${run.stderr}`).toBe(0);
    }
    expect(run.code, run.stderr).toBe(0);
  }, 300_000);
});
