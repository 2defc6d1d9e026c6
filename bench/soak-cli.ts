/**
 * `npm run soak [-- --messages N] [-- --seed S] [-- --json]`: the virtual-time soak
 * (bench/soak.ts). The top-level counts cover the reliable channels, whose guarantee is
 * "every message exactly once, intact"; `by_kind` has every channel kind.
 *
 * `npm run soak -- --real [--messages N] [--loss P] [--link auto|netns|proxy] [--json]`: the
 * real-network soak (bench/real-soak.ts): two processes across network namespaces with tc netem,
 * or, where that is not permitted, across LossyUdpProxy on loopback (the output says which).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_REAL_CONDITIONS, installSignalCleanup, NetnsUnavailableError } from './netns.js';
import { describeConditions, describeProgress, describeRealSoak } from './real-soak-report.js';
import { runRealSoak } from './real-soak.js';
import { runSoak } from './soak.js';

/**
 * ~1,800 messages/s through the default 20 % loss with the loss-tolerant congestion controller
 * (README, "Soak and benchmarks"): 200,000 + 20,000 take about two minutes, 10^6 about ten.
 */
const REAL_DEFAULT_MESSAGES = 200_000;

const { values } = parseArgs({
  options: {
    messages: { type: 'string' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    real: { type: 'boolean', default: false },
    loss: { type: 'string' },
    link: { type: 'string', default: 'auto' },
  },
});
const messages = Number(values.messages ?? (values.real ? REAL_DEFAULT_MESSAGES : 100_000));
const seed = Number(values.seed);
if (!Number.isInteger(messages) || messages <= 0 || !Number.isInteger(seed)) {
  process.stderr.write('soak: --messages must be a positive integer and --seed an integer\n');
  process.exit(2);
}

if (values.real) {
  const loss = Number(values.loss ?? DEFAULT_REAL_CONDITIONS.lossPercent);
  const link = values.link;
  if (!(loss >= 0 && loss < 100) || (link !== 'auto' && link !== 'netns' && link !== 'proxy')) {
    process.stderr.write('soak --real: --loss is a percentage in [0, 100) and --link one of auto, netns, proxy\n');
    process.exit(2);
  }
  installSignalCleanup();
  const conditions = { ...DEFAULT_REAL_CONDITIONS, lossPercent: loss };
  const total = messages + Math.floor(messages / 10);
  process.stderr.write(`real soak: ${messages} reliable + ${Math.floor(messages / 10)} reliable-unordered messages; ${describeConditions(conditions)}\n`);
  const result = await runRealSoak({
    messages,
    seed,
    conditions,
    link,
    onLine: (line) => {
      const text = describeProgress(line, total);
      if (text !== undefined) process.stderr.write(`${text}\n`);
    },
  }).catch((err: unknown) => {
    // --link netns where namespaces cannot be made: the reason, not a stack trace
    if (!(err instanceof NetnsUnavailableError)) throw err;
    process.stderr.write(`soak --real --link netns: ${err.reason}\n`);
    process.exit(1);
  });
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${describeRealSoak(result).join('\n')}\n`);
  process.exitCode = result.lost + result.duplicated + result.corrupted + result.out_of_order === 0 ? 0 : 1;
} else {
  const started = performance.now();
  const result = runSoak({ messages, seed });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${messages} messages per channel kind, ${result.virtual_seconds.toFixed(1)} virtual s, ${((performance.now() - started) / 1000).toFixed(1)} s wall\n`);
    for (const [kind, r] of Object.entries(result.by_kind)) process.stdout.write(`${kind.padEnd(22)} ${JSON.stringify(r)}\n`);
  }
  process.exitCode = result.lost + result.duplicated + result.corrupted + result.out_of_order === 0 ? 0 : 1;
}
