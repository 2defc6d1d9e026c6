/**
 * `npm run soak [-- --messages N] [-- --seed S] [-- --json]`: the virtual-time soak
 * (bench/soak.ts). The top-level counts cover the reliable channels, whose guarantee is
 * "every message exactly once, intact"; `by_kind` has every channel kind.
 */
import { parseArgs } from 'node:util';
import { runSoak } from './soak.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, json: { type: 'boolean', default: false } },
});
const messages = Number(values.messages);
const seed = Number(values.seed);
if (!Number.isInteger(messages) || messages <= 0 || !Number.isInteger(seed)) {
  process.stderr.write('soak: --messages must be a positive integer and --seed an integer\n');
  process.exit(2);
}
const started = performance.now();
const result = runSoak({ messages, seed });
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(`${messages} messages per channel kind, ${result.virtual_seconds.toFixed(1)} virtual s, ${((performance.now() - started) / 1000).toFixed(1)} s wall\n`);
  for (const [kind, r] of Object.entries(result.by_kind)) process.stdout.write(`${kind.padEnd(22)} ${JSON.stringify(r)}\n`);
}
process.exitCode = result.lost + result.duplicated + result.corrupted + result.out_of_order === 0 ? 0 : 1;
