/**
 * `npm run bench:net [-- options]`: UDP echo round trips on loopback, every implementation driven
 * by the same C load generator (bench/net/run.ts).
 *   --json               one JSON array of rows { impl, size, mode, encrypted, msgs_per_sec, p50_us, p99_us, rss_mb, cpu_pct }
 *   --quick              2 s per case after 0.5 s warm-up (the whole run < 90 s): numbers are rough
 *   --duration <s>       seconds measured per case (default 6; overrides --quick)
 *   --warmup <s>         seconds of warm-up per case (default 1, quick 0.5)
 *   --clients <n>        load-generator clients, each its own socket (default 64)
 *   --window <n>         messages outstanding per client (default 8)
 *   --rate <n>           total messages/s, paced; 0 = closed loop (default 0)
 *   --loss-timeout-ms <n> an unreliable message unanswered this long is lost (default 200)
 *   --impls <a,b>        a subset of the implementations (c-raw, node-dgram, enet, paperclip-dgram, paperclip-native)
 *   --sizes <a,b>        message sizes in bytes (default 64,1200)
 *   --modes <a,b>        reliable, unreliable (default both)
 *   --sections <a,b>     extra sections after the table: latency, garbage, scale (default all; '' for none)
 *   --latency-rate <n>   offered msgs/s of the latency section (default 50000)
 *   --garbage-rate <n>   unknown-source datagrams/s of the garbage section (default 100000)
 *   --connections <n>    live connections of the scale section (default 10000, quick 2000)
 * Exits 1 when a case failed (or, with CI=true, when ENet is missing).
 */
import { parseArgs } from 'node:util';
import { renderNetReport } from './net/report.js';
import { runNetBench } from './net/run.js';
import { SERVER_KINDS } from './net/servers.js';
import { MODES, SIZES, type Mode } from './net/types.js';
import { SECTIONS } from './net/sections.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    clients: { type: 'string', default: '64' },
    window: { type: 'string', default: '8' },
    rate: { type: 'string', default: '0' },
    'loss-timeout-ms': { type: 'string', default: '200' },
    impls: { type: 'string', default: '' },
    sizes: { type: 'string', default: SIZES.join(',') },
    modes: { type: 'string', default: MODES.join(',') },
    sections: { type: 'string', default: SECTIONS.join(',') },
    'latency-rate': { type: 'string', default: '50000' },
    'garbage-rate': { type: 'string', default: '100000' },
    connections: { type: 'string' },
  },
});

function usage(message: string): never {
  process.stderr.write(`bench:net: ${message}\n`);
  process.exit(2);
}

function number(flag: string, raw: string, opts: { integer?: boolean; min?: number } = {}): number {
  const n = Number(raw);
  const min = opts.min ?? Number.MIN_VALUE;
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || (opts.integer === true && !Number.isInteger(n))) {
    usage(`${flag} must be ${opts.integer === true ? 'a whole number' : 'a number'} ≥ ${min}, not "${raw}"`);
  }
  return n;
}

function list(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

const impls = list(values.impls);
const known = SERVER_KINDS.map((k) => k.impl);
const unknownImpls = impls.filter((i) => !known.includes(i));
if (unknownImpls.length > 0) usage(`unknown impl(s) ${unknownImpls.join(', ')}; known: ${known.join(', ')}`);
const modes = list(values.modes);
const badModes = modes.filter((m) => !(MODES as readonly string[]).includes(m));
if (badModes.length > 0 || modes.length === 0) usage(`--modes takes ${MODES.join(', ')}`);
const sizes = list(values.sizes).map((s) => number('--sizes', s, { integer: true, min: 32 }));
if (sizes.some((s) => s > 65507)) usage('--sizes: at most 65507 bytes (one UDP datagram)');

const report = await runNetBench({
  durationSec: number('--duration', values.duration ?? (values.quick ? '2' : '6')),
  warmupSec: number('--warmup', values.warmup ?? (values.quick ? '0.5' : '1'), { min: 0 }),
  clients: number('--clients', values.clients, { integer: true, min: 1 }),
  window: number('--window', values.window, { integer: true, min: 1 }),
  rate: number('--rate', values.rate, { min: 0 }),
  lossTimeoutMs: number('--loss-timeout-ms', values['loss-timeout-ms'], { integer: true, min: 1 }),
  sizes,
  // Always in the standard order, whatever order they were named in.
  modes: MODES.filter((m): m is Mode => modes.includes(m)),
  impls,
  sections: SECTIONS.filter((s) => list(values.sections).includes(s)),
  latencyRate: number('--latency-rate', values['latency-rate'], { min: 1 }),
  garbageRate: number('--garbage-rate', values['garbage-rate'], { min: 1 }),
  connections: number('--connections', values.connections ?? (values.quick ? '2000' : '10000'), { integer: true, min: 2 }),
  ...(!values.json && process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(`${line}\n`) } : {}),
});
if (values.json) {
  process.stdout.write(`${JSON.stringify(report.rows)}\n`);
  if (Object.keys(report.sections).length > 0) process.stderr.write(`${JSON.stringify({ sections: report.sections })}\n`);
  for (const note of report.notes) process.stderr.write(`note: ${note}\n`);
  for (const failure of report.failures) process.stderr.write(`FAILED: ${failure}\n`);
} else {
  process.stdout.write(`${renderNetReport(report)}\n`);
}
process.exitCode = report.failures.length === 0 ? 0 : 1;
