/**
 * Child processes of `npm run bench:net` that speak in JSON lines on stdout (the servers print
 * {"event":"ready",...} and, on SIGTERM, {"event":"exit",...}), and /proc sampling of a server's
 * CPU time and resident memory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { StartedServer } from './types.js';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export type JsonLine = Record<string, unknown>;

function parseLine(text: string): JsonLine | null {
  if (!text.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonLine) : null;
  } catch {
    return null;
  }
}

/** Spawns a server and resolves once it printed a ready line with a port; rejects with its stderr otherwise. */
export async function startJsonServer(name: string, command: string, args: readonly string[]): Promise<StartedServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: JsonLine[] = [];
  let stderr = '';
  let wake: () => void = () => {};
  let closed: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = parseLine(text);
    if (line !== null) lines.push(line);
    wake();
  });
  // Only the tail explains a failure; keep memory bounded.
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4096)));
  // 'close' (not 'exit') fires after stdout is drained, so the exit-counters line is in `lines`.
  const done = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      closed = { code, signal };
      wake();
      resolve();
    });
  });
  child.once('error', (err) => {
    spawnError = err;
    wake();
  });
  const why = (): string => `${name}: ${spawnError?.message ?? `exited (${closed?.code ?? closed?.signal})`}\n${stderr.trim()}`;

  const ready = await new Promise<JsonLine>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ready line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    wake = () => {
      const found = lines.find((l) => l.event === 'ready');
      if (found !== undefined) resolve(found);
      else if (closed !== null || spawnError !== null) reject(new Error(why()));
      else return;
      clearTimeout(timer);
    };
    wake();
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  wake = () => {};
  const port = ready.port;
  const pid = child.pid;
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || pid === undefined) {
    child.kill('SIGKILL');
    throw new Error(`${name}: bad ready line ${JSON.stringify(ready)}`);
  }

  return {
    port,
    pid,
    async stop() {
      if (closed === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await done;
        clearTimeout(timer);
      }
      if (closed?.code !== 0) throw new Error(`${name} did not exit cleanly: ${why()}`);
      return lines.find((l) => l.event === 'exit') ?? null;
    },
  };
}

let ticks: number | undefined;

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on every common kernel). */
function ticksPerSecond(): number {
  if (ticks === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticks = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU seconds a process has used (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot parse /proc/${pid}/stat`);
  return (utime + stime) / ticksPerSecond();
}

/** Resident set size in MiB (/proc/<pid>/status VmRSS). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}
