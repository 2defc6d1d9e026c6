/**
 * Runs the shared load generator (bench/net/c/loadgen.c) once against a running server, and
 * samples that server's CPU and memory over exactly the generator's measured window: loadgen
 * writes {"mark":"measure_start"} and {"mark":"measure_end"} lines on stderr at the window's edges.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cpuSeconds, rssMb } from './proc.js';
import type { LoadgenProtocol, LoadgenResult, Mode } from './types.js';

export interface LoadgenCase {
  readonly protocol: LoadgenProtocol;
  readonly port: number;
  readonly size: number;
  readonly mode: Mode;
  readonly clients: number;
  readonly window: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  /** Messages per second over all clients; 0 = closed loop. */
  readonly rate: number;
  readonly lossTimeoutMs: number;
  /** paperclip: the session file of its pre-made handshakes (paperclip-sessions.ts). */
  readonly sessions?: string;
}

export interface LoadgenRun {
  readonly result: LoadgenResult;
  /** Server CPU over the measured window, 100 = one core. */
  readonly serverCpuPct: number;
  /** Server RSS at the end of the window. */
  readonly serverRssMb: number;
}

const NUMERIC_FIELDS = [
  'sent', 'received', 'lost', 'late', 'bad', 'duration_s', 'msgs_per_sec',
  'p50_us', 'p99_us', 'max_us', 'gen_cpu_pct', 'rate_shortfall',
] as const satisfies readonly (keyof LoadgenResult)[];

function parseResult(text: string): LoadgenResult {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error(`loadgen printed ${text}`);
  const record = value as Record<string, unknown>;
  for (const field of NUMERIC_FIELDS) {
    if (typeof record[field] !== 'number') throw new Error(`loadgen result has no numeric "${field}": ${text}`);
  }
  return record as unknown as LoadgenResult;
}

export function loadgenArgs(c: LoadgenCase): string[] {
  return [
    '--proto', c.protocol, '--host', '127.0.0.1', '--port', String(c.port),
    '--size', String(c.size), '--mode', c.mode,
    '--clients', String(c.clients), '--window', String(c.window),
    '--duration', String(c.durationSec), '--warmup', String(c.warmupSec),
    '--rate', String(c.rate), '--loss-timeout-ms', String(c.lossTimeoutMs),
    ...(c.sessions !== undefined ? ['--sessions', c.sessions] : []),
  ];
}

export async function runLoadgen(binDir: string, serverPid: number, c: LoadgenCase): Promise<LoadgenRun> {
  const child = spawn(join(binDir, 'loadgen'), loadgenArgs(c), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Filled in by the stderr listener; an object so the compiler does not narrow it to its initial value.
  const samples: { start?: { cpu: number; at: number }; window?: { cpuPct: number; rss: number }; error?: Error } = {};

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  createInterface({ input: child.stderr }).on('line', (line) => {
    // A server that dies mid-window makes /proc vanish; loadgen then fails too and says why.
    try {
      if (line === '{"mark":"measure_start"}') {
        samples.start = { cpu: cpuSeconds(serverPid), at: performance.now() };
      } else if (line === '{"mark":"measure_end"}' && samples.start !== undefined) {
        const seconds = (performance.now() - samples.start.at) / 1000;
        samples.window = { cpuPct: (100 * (cpuSeconds(serverPid) - samples.start.cpu)) / seconds, rss: rssMb(serverPid) };
      } else {
        stderr = `${stderr}${line}\n`.slice(-4096);
      }
    } catch (err) {
      samples.error = err instanceof Error ? err : new Error(String(err));
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => resolve(exitCode ?? (signal === null ? null : -1)));
  });
  if (code !== 0) throw new Error(`loadgen exited with ${code}: ${stderr.trim()}`);
  if (samples.error !== undefined) throw samples.error;
  const measured = samples.window;
  if (measured === undefined) throw new Error('loadgen printed no measure marks');
  const last = stdout.trim().split('\n').pop() ?? '';
  return { result: parseResult(last), serverCpuPct: measured.cpuPct, serverRssMb: measured.rss };
}
