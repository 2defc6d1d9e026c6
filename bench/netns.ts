/**
 * Two Linux network namespaces joined by a veth pair, with `tc netem` damaging traffic on both
 * ends (so both directions suffer): the real kernel path between two processes, with real
 * loss, delay, jitter, reordering, duplication and corruption. Needs root (or CAP_SYS_ADMIN +
 * CAP_NET_ADMIN), iproute2 and a kernel with netem; when any is missing, creation throws
 * NetnsUnavailableError whose `reason` says which, and callers fall back to the userspace proxy.
 *
 * Nothing is left behind: every namespace is deleted by destroy(), by an 'exit' hook, on
 * SIGINT/SIGTERM when installSignalCleanup() was called, and namespaces of earlier runs whose
 * process is gone are swept before each creation.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface NetemConditions {
  /** Percent of datagrams dropped, per direction. */
  readonly lossPercent: number;
  readonly delayMs: number;
  /** ± around delayMs, normally distributed. */
  readonly jitterMs: number;
  /** Percent sent at once instead of delayed (so they overtake the queue). */
  readonly reorderPercent: number;
  readonly duplicatePercent: number;
  /** Percent with one bit flipped. */
  readonly corruptPercent: number;
}

export const DEFAULT_REAL_CONDITIONS: NetemConditions = { lossPercent: 20, delayMs: 40, jitterMs: 10, reorderPercent: 5, duplicatePercent: 2, corruptPercent: 1 };

export class NetnsUnavailableError extends Error {
  override readonly name = 'NetnsUnavailableError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Our namespaces: pc-<pid of the creating process>-<random hex>-<a|b>. */
const NAME = /^pc-(\d+)-[0-9a-f]{6}-[ab]$/;
const live = new Set<string>();

export interface NamespacePair {
  readonly a: string;
  readonly b: string;
  /** Address of the veth end in A (the server's side) and in B. */
  readonly addressA: string;
  readonly addressB: string;
  readonly devA: string;
  readonly devB: string;
  /** argv that runs `argv` inside namespace `ns`. */
  exec(ns: string, argv: readonly string[]): { command: string; args: string[] };
  /** Kills whatever still runs inside and deletes both namespaces (and with them the veth pair). */
  destroy(): void;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function netemArgs(c: NetemConditions): string[] {
  const args = ['loss', `${c.lossPercent}%`, 'delay', `${c.delayMs}ms`];
  // netem wants a distribution only with jitter, and reordering only with a delay to skip
  if (c.jitterMs > 0) args.push(`${c.jitterMs}ms`, 'distribution', 'normal');
  if (c.reorderPercent > 0 && c.delayMs > 0) args.push('reorder', `${c.reorderPercent}%`);
  args.push('duplicate', `${c.duplicatePercent}%`, 'corrupt', `${c.corruptPercent}%`);
  return args;
}

/** Turns a failed command into the reason a reader can act on. */
function explain(step: string, err: unknown): string {
  const e = err as { code?: string; stderr?: string | Buffer; message?: string };
  const stderr = String(e.stderr ?? '').trim();
  const tool = step.startsWith('tc') ? 'tc' : 'ip';
  if (e.code === 'ENOENT') return `\`${tool}\` not found: install iproute2`;
  if (/qdisc kind is unknown|unknown qdisc/i.test(stderr)) {
    return 'the kernel has no netem qdisc (CONFIG_NET_SCH_NETEM off, or module sch_netem not available)';
  }
  if (/not permitted|permission denied/i.test(stderr)) {
    const uid = process.getuid?.() ?? -1;
    return `not permitted: network namespaces need root or CAP_SYS_ADMIN + CAP_NET_ADMIN (uid ${uid}; \`${step}\`: ${stderr})`;
  }
  return `\`${step}\` failed: ${stderr || e.message || String(err)}`;
}

function remove(ns: string): void {
  try {
    // a process still inside would keep the namespace (and its veth) alive after `ip netns del`
    for (const pid of ip(['netns', 'pids', ns]).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    ip(['netns', 'del', ns]);
  } catch {
    // already gone, or we cannot: either way there is nothing more to do here
  }
  live.delete(ns);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Deletes pc-* namespaces whose creating process no longer exists (a run killed by SIGKILL). */
export function sweepStaleNamespaces(): string[] {
  let names: string[];
  try {
    names = ip(['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '');
  } catch {
    return [];
  }
  const stale = names.filter((n) => {
    const m = NAME.exec(n);
    return m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]));
  });
  for (const n of stale) remove(n);
  return stale;
}

/**
 * What the system lists as this process's namespaces (created and not yet deleted), to prove
 * a run left nothing behind; [] where `ip` cannot list.
 */
export function namespacesOfThisProcess(): string[] {
  try {
    return ip(['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(`pc-${process.pid}-`));
  } catch {
    return [];
  }
}

/**
 * Creates the pair. `conditions` null: a clean veth (to test the plumbing on a kernel without
 * netem). Throws NetnsUnavailableError, having removed whatever it had created.
 */
export function createNamespacePair(conditions: NetemConditions | null): NamespacePair {
  if (process.platform !== 'linux') throw new NetnsUnavailableError(`network namespaces are Linux-only (platform ${process.platform})`);
  sweepStaleNamespaces();
  const id = `pc-${process.pid}-${randomBytes(3).toString('hex')}`;
  const a = `${id}-a`;
  const b = `${id}-b`;
  // The pair is connected to nothing else, so any subnet works and parallel runs cannot clash;
  // a varying octet only makes a stray pair easier to tell apart in `ip addr`.
  const octet = 1 + (randomBytes(1)[0] ?? 0) % 254;
  const addressA = `10.77.${octet}.1`;
  const addressB = `10.77.${octet}.2`;
  // created directly inside the namespaces, so the names never meet in the root namespace
  const devA = 'pc-veth-a';
  const devB = 'pc-veth-b';
  const steps: Array<[string, readonly string[]]> = [
    ['ip', ['netns', 'add', a]],
    ['ip', ['netns', 'add', b]],
    ['ip', ['link', 'add', devA, 'netns', a, 'type', 'veth', 'peer', 'name', devB, 'netns', b]],
    ['ip', ['-n', a, 'addr', 'add', `${addressA}/24`, 'dev', devA]],
    ['ip', ['-n', b, 'addr', 'add', `${addressB}/24`, 'dev', devB]],
    ['ip', ['-n', a, 'link', 'set', 'lo', 'up']],
    ['ip', ['-n', b, 'link', 'set', 'lo', 'up']],
    ['ip', ['-n', a, 'link', 'set', devA, 'up']],
    ['ip', ['-n', b, 'link', 'set', devB, 'up']],
  ];
  if (conditions !== null) {
    steps.push(['tc', ['-n', a, 'qdisc', 'add', 'dev', devA, 'root', 'netem', ...netemArgs(conditions)]]);
    steps.push(['tc', ['-n', b, 'qdisc', 'add', 'dev', devB, 'root', 'netem', ...netemArgs(conditions)]]);
  }
  const pair: NamespacePair = {
    a, b, addressA, addressB, devA, devB,
    exec: (ns, argv) => ({ command: 'ip', args: ['netns', 'exec', ns, ...argv] }),
    destroy: () => {
      remove(a);
      remove(b);
    },
  };
  for (const [command, args] of steps) {
    try {
      if (args[0] === 'netns' && args[1] === 'add') live.add(args[2] as string);
      execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      if (args[0] === 'netns' && args[1] === 'add') live.delete(args[2] as string);
      pair.destroy();
      throw new NetnsUnavailableError(explain(`${command} ${args.join(' ')}`, err));
    }
  }
  return pair;
}

/** Counters of one netem qdisc: what the kernel sent and what it dropped (netem's loss). */
export interface QdiscStats {
  readonly sentPackets: number;
  readonly dropped: number;
}

export function qdiscStats(ns: string, dev: string): QdiscStats | undefined {
  try {
    const out = execFileSync('tc', ['-n', ns, '-s', 'qdisc', 'show', 'dev', dev], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseQdiscStats(out);
  } catch {
    return undefined;
  }
}

export function parseQdiscStats(out: string): QdiscStats | undefined {
  const m = /Sent \d+ bytes (\d+) pkt \(dropped (\d+)/.exec(out);
  return m === null ? undefined : { sentPackets: Number(m[1]), dropped: Number(m[2]) };
}

/** UDP datagrams the namespace's kernel discarded for a bad checksum: netem's corruption, caught. */
export function udpChecksumErrors(ns: string): number | undefined {
  try {
    const snmp = execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseUdpChecksumErrors(snmp);
  } catch {
    return undefined;
  }
}

export function parseUdpChecksumErrors(snmp: string): number | undefined {
  const lines = snmp.split('\n').filter((l) => l.startsWith('Udp: '));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const i = names.indexOf('InCsumErrors');
  return i < 0 || values[i] === undefined ? undefined : Number(values[i]);
}

function sweepLive(): void {
  for (const ns of [...live]) remove(ns);
}

// synchronous, so it runs even from process.exit()
process.on('exit', sweepLive);

let signalsInstalled = false;

/** For a CLI: delete our namespaces on Ctrl-C / SIGTERM, then exit as the signal would. */
export function installSignalCleanup(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      sweepLive();
      process.exit(code);
    });
  }
}
