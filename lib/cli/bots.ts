/**
 * `paperclip bots --game arena --count N`: N bots play the arena demo (examples/arena) for S
 * seconds against a server started in this process on 127.0.0.1 (or `--server host:port`),
 * optionally through a lossy proxy (`--loss/--delay/--jitter`), then print per-bot RTT, jitter,
 * snapshot rate, snapshot loss and bandwidth with a total row (`--json`: one object).
 *
 * Bad flags, an unknown game or an unreachable server end with one line on stderr and a non-zero
 * exit; Ctrl-C stops early, every bot disconnects gracefully (2.2, acknowledged) and the partial
 * window is still reported (exit 130). A second Ctrl-C kills at once.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MAX_SNAPSHOT_HZ, MIN_SNAPSHOT_HZ } from '../../examples/arena/arena-rules.js';
import { BotSwarm, type BotSwarmOptions } from '../../examples/arena/bot-swarm.js';
import { formatSwarmReport } from '../../examples/arena/report-table.js';
import type { SwarmReport } from '../../examples/arena/swarm-report.js';
import { progressDisplay } from './progress-bar.js';

export const GAMES = ['arena'] as const;
const MAX_BOTS = 4000;

export interface BotsFlags {
  readonly game: (typeof GAMES)[number];
  readonly count: number;
  readonly seconds: number;
  readonly server?: { readonly host: string; readonly port: number };
  readonly loss?: number;
  readonly delay?: number;
  readonly jitter?: number;
  readonly snapshotHz?: number;
  readonly connectTimeout: number;
  readonly json?: boolean;
}

export function registerBots(program: Command): void {
  program
    .command('bots')
    .description('run N bots against a game server and report RTT, jitter, snapshot rate, loss and bandwidth per bot')
    .addOption(new Option('--game <name>', 'the game the bots play').choices(GAMES).makeOptionMandatory())
    .addOption(new Option('--count <n>', `bots, 1..${MAX_BOTS}`).argParser(numberIn('count', 1, MAX_BOTS, true)).makeOptionMandatory())
    .option('--seconds <s>', 'measurement time after all bots connected (default 30)', numberIn('seconds', 0.1, 86_400, false), 30)
    .option('--server <host:port>', 'an arena server elsewhere (default: one in this process on 127.0.0.1)', hostPort)
    .option('--loss <percent>', 'drop this share of datagrams each way, through a lossy proxy (0..100)', numberIn('loss', 0, 100, false))
    .option('--delay <ms>', 'add this one-way delay each way, through the proxy', numberIn('delay', 0, 10_000, false))
    .option('--jitter <ms>', 'vary the delay uniformly by ± this, through the proxy', numberIn('jitter', 0, 10_000, false))
    .option('--snapshot-hz <hz>', `snapshot rate of the in-process server, ${MIN_SNAPSHOT_HZ}..${MAX_SNAPSHOT_HZ} (default 20)`, numberIn('snapshot-hz', MIN_SNAPSHOT_HZ, MAX_SNAPSHOT_HZ, false))
    .option('--connect-timeout <ms>', 'give up on a bot whose handshake takes longer (default 5000)', numberIn('connect-timeout', 100, 60_000, false), 5000)
    .option('--json', 'print one JSON object')
    .action((flags: BotsFlags) => runBots(flags));
}

export async function runBots(flags: BotsFlags): Promise<void> {
  if (flags.server !== undefined && flags.snapshotHz !== undefined) {
    throw new Error('--snapshot-hz sets the in-process server\'s rate; a server given with --server keeps its own');
  }
  const options: BotSwarmOptions = {
    count: flags.count,
    connectTimeoutMs: flags.connectTimeout,
    ...(flags.server !== undefined ? { server: flags.server } : {}),
    ...(flags.snapshotHz !== undefined ? { snapshotHz: flags.snapshotHz } : {}),
    link: { lossPercent: flags.loss ?? 0, delayMs: flags.delay ?? 0, jitterMs: flags.jitter ?? 0 },
  };
  const stop = new AbortController();
  // once: a second Ctrl-C falls through to Node's default and ends the process at once
  const interrupt = (): void => stop.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const progress = progressDisplay(flags.json !== true && process.stderr.isTTY === true, 's');
  try {
    progress.status(`connecting ${flags.count} bots…`);
    const swarm = await BotSwarm.start(options);
    let completed = false;
    let report: SwarmReport;
    try {
      completed = await swarm.run(flags.seconds, stop.signal, (p) =>
        progress.update(Math.min(p.seconds, Math.floor(p.elapsedSeconds)), p.seconds, `${p.connected} bots connected, ${p.snapshots} snapshots`),
      );
      report = await swarm.report();
    } finally {
      progress.status(stop.signal.aborted ? 'interrupted: disconnecting the bots…' : 'disconnecting the bots…');
      await swarm.close();
      progress.stop();
    }
    if (flags.json === true) {
      const summary = { game: flags.game, count: flags.count, requestedSeconds: flags.seconds, interrupted: !completed, server: swarm.serverAddress, link: options.link, ...report };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(`${formatSwarmReport(report)}\n`);
    }
    if (!completed) {
      process.stderr.write('paperclip: interrupted; the bots disconnected\n');
      process.exitCode = 130;
    }
  } finally {
    progress.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

function numberIn(name: string, min: number, max: number, integer: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}.`);
    }
    return n;
  };
}

function hostPort(value: string): { host: string; port: number } {
  // "[::1]:7777" for IPv6, "host:7777" otherwise
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  const port = Number(m?.[2]);
  if (m === null || m[1] === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError('expected host:port (e.g. 127.0.0.1:7777 or [::1]:7777).');
  }
  return { host: m[1], port };
}
