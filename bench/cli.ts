/**
 * `npm run bench [-- --json] [-- --quick]`
 *   --json    one JSON array of rows { suite, case, impl, mode, size, ops_per_sec, mb_per_sec }
 *   --quick   short sampling: a smoke run, numbers are rough
 */
import { BATCH } from './primitive-cases.js';
import { renderPrimitiveTable, runPrimitiveBench } from './primitives.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const rows = await runPrimitiveBench({ quick: args.has('--quick'), progress: !json && process.stderr.isTTY });
process.stdout.write(
  json ? `${JSON.stringify(rows)}\n` : `${renderPrimitiveTable(rows)}\n\nbatch = ${BATCH} packets per call\n`,
);
