/**
 * `npm run bench:rest [-- options]`: the accounts service's HTTP API against a Fastify
 * hello-world (bench/rest.ts).
 *   --json              one JSON array of rows { suite, case, impl, req_per_sec, p50_ms, p99_ms, ratio_to_hello, non_2xx, errors }
 *   --quick             2 s per case and a short warm-up: a smoke run, numbers are rough
 *   --duration <s>      seconds measured per case (default 10; overrides --quick)
 *   --warmup <s>        seconds of warm-up per case (default 2, quick 0.5)
 *   --connections <n>   concurrent connections (default 32)
 *   --cases <a,b>       a subset of hello, lobby/find, token, register
 *   --cpu-prof <dir>    write a CPU profile of the service process there
 * Exits 1 when any case saw a non-2xx response or a socket error.
 */
import { parseArgs } from 'node:util';
import { CASE_NAMES, type CaseName } from './rest-cases.js';
import { renderRestReport, runRestBench } from './rest.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '32' },
    cases: { type: 'string', default: CASE_NAMES.join(',') },
    'cpu-prof': { type: 'string' },
  },
});

function positive(flag: string, raw: string): number {
  const n = Number(raw);
  if (!(n > 0) || !Number.isFinite(n)) {
    process.stderr.write(`bench:rest: ${flag} must be a positive number, not "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const wanted = values.cases.split(',').map((c) => c.trim());
const unknown = wanted.filter((c) => !(CASE_NAMES as readonly string[]).includes(c));
if (unknown.length > 0) {
  process.stderr.write(`bench:rest: unknown case(s) ${unknown.join(', ')}; known: ${CASE_NAMES.join(', ')}\n`);
  process.exit(2);
}
const connections = positive('--connections', values.connections);
if (!Number.isInteger(connections)) {
  process.stderr.write('bench:rest: --connections must be a whole number\n');
  process.exit(2);
}

const report = await runRestBench({
  durationSec: positive('--duration', values.duration ?? (values.quick ? '2' : '10')),
  warmupSec: positive('--warmup', values.warmup ?? (values.quick ? '0.5' : '2')),
  connections,
  // Always in run order, whatever order they were named in.
  cases: CASE_NAMES.filter((c): c is CaseName => wanted.includes(c)),
  progress: !values.json && process.stderr.isTTY,
  ...(values['cpu-prof'] !== undefined ? { cpuProfDir: values['cpu-prof'] } : {}),
});
if (values.json) {
  process.stdout.write(`${JSON.stringify(report.rows)}\n`);
  for (const note of report.notes) process.stderr.write(`${note}\n`);
} else {
  process.stdout.write(`${renderRestReport(report)}\n`);
}
process.exitCode = report.rows.every((r) => r.non_2xx + r.errors === 0) ? 0 : 1;
