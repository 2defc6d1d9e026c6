/**
 * The primitives side by side in one run: native per call, native batched, the JS twin and
 * the node:crypto / node:zlib baselines. Ratios matter, not absolute numbers: the machine is
 * shared and noisy.
 */
import { Bench } from 'tinybench';
import { jsPrimitives, nativeLoad } from '../lib/native.js';
import { BATCH, primitiveCases, type BenchCase } from './primitive-cases.js';
import { renderTable } from './table.js';

export interface PrimitiveRow {
  readonly suite: 'primitives';
  readonly case: string;
  readonly impl: string;
  readonly mode: 'call' | 'batch';
  readonly size: number;
  readonly ops_per_sec: number;
  readonly mb_per_sec: number;
}

export async function runPrimitiveBench(options: { quick: boolean; progress: boolean }): Promise<PrimitiveRow[]> {
  const native = nativeLoad.primitives;
  if (native === null) throw new Error(`the native addon did not load: ${nativeLoad.error}`);
  const cases = primitiveCases(native, jsPrimitives, [64, 1200]);
  const bench = new Bench({ time: options.quick ? 20 : 400, warmupTime: options.quick ? 5 : 100 });
  for (const c of cases) {
    // Measure only operations that succeed: a failing op (e.g. a tag mismatch) is faster.
    const result = c.run();
    if (!(result >= 0)) throw new Error(`${key(c)} fails (result ${result}); the benchmark would be meaningless`);
    bench.add(key(c), c.run);
  }
  let done = 0;
  bench.addEventListener('cycle', () => {
    done++;
    if (options.progress) process.stderr.write(`\r  ${done}/${cases.length} ${' '.repeat(20)}`);
  });
  await bench.run();
  if (options.progress) process.stderr.write('\r');
  return cases.map((c) => {
    const result = bench.getTask(key(c))?.result;
    if (result === undefined || !('period' in result)) throw new Error(`${key(c)} did not complete`);
    const ops = (BATCH * 1000) / result.period;
    return { suite: 'primitives', case: c.case, impl: c.impl, mode: c.mode, size: c.size, ops_per_sec: ops, mb_per_sec: (ops * c.size) / 1e6 };
  });
}

function key(c: BenchCase): string {
  return `${c.case} ${c.size} ${c.impl} ${c.mode}`;
}

/** Each row's ratio to the JS twin (the non-native per-call row listed first for its case and size). */
export function renderPrimitiveTable(rows: readonly PrimitiveRow[]): string {
  const twin = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.case} ${r.size}`;
    if (r.impl !== 'native' && !twin.has(k)) twin.set(k, r.ops_per_sec);
  }
  return renderTable(
    ['case', 'size', 'impl', 'mode', 'ops/s', 'MB/s', '× JS twin'],
    rows.map((r) => [r.case, r.size, r.impl, r.mode, r.ops_per_sec, r.mb_per_sec, (r.ops_per_sec / (twin.get(`${r.case} ${r.size}`) ?? NaN)).toFixed(2)]),
  );
}
