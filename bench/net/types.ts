/** Shared shapes of `npm run bench:net`: the cases, the server kinds and the rows. */

/** Reliability of a case. Servers without a protocol (c-raw, node-dgram) only have 'unreliable'. */
export type Mode = 'reliable' | 'unreliable';
export const MODES: readonly Mode[] = ['reliable', 'unreliable'];

/** Message sizes of the standard cases: a small game-state update and a near-MTU one. */
export const SIZES: readonly number[] = [64, 1200];

/**
 * The wire protocol the shared load generator (bench/net/c/loadgen.c) speaks to a server:
 * 'raw' plain datagrams echoed as they are, 'enet' ENet 1.3 peers, 'paperclip' paperclip-net
 * connections whose handshakes were done beforehand (paperclip-sessions.ts).
 */
export type LoadgenProtocol = 'raw' | 'enet' | 'paperclip';

/** What a server reports once running. */
export interface StartedServer {
  readonly port: number;
  /** The process whose CPU and memory are measured (the server itself, not a wrapper). */
  readonly pid: number;
  /** Asks it to exit (SIGTERM), waits, and resolves with its exit-counters line, if it printed one. */
  stop(): Promise<Record<string, unknown> | null>;
}

/** Where things live and what the build found; handed to every server kind. */
export interface BenchContext {
  /** Directory of the built C programs (raw_echo, enet_echo, loadgen, gso_probe). */
  readonly binDir: string;
  /** Directory of this module once compiled (dist/bench/net), for the Node servers. */
  readonly jsDir: string;
  readonly enetAvailable: boolean;
}

/** One implementation under test: an entry of SERVER_KINDS (servers.ts). */
export interface ServerKind {
  /** Row label, e.g. 'c-raw'. */
  readonly impl: string;
  readonly protocol: LoadgenProtocol;
  /** The modes that mean something for this server (a raw echo has no 'reliable'). */
  readonly modes: readonly Mode[];
  readonly encrypted: boolean;
  /** null when it can run here, else why not (shown as a note, the rows are skipped). */
  unavailable(ctx: BenchContext): string | null;
  start(ctx: BenchContext): Promise<StartedServer>;
}

/** One measured case: the JSON row of `--json`. */
export interface NetRow {
  readonly impl: string;
  readonly size: number;
  readonly mode: Mode;
  readonly encrypted: boolean;
  readonly msgs_per_sec: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly rss_mb: number;
  /** Server CPU over the measured window; 100 = one core. */
  readonly cpu_pct: number;
}

/** What the load generator prints (bench/net/c/loadgen.c), the fields we use. */
export interface LoadgenResult {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly late: number;
  readonly bad: number;
  readonly duration_s: number;
  readonly msgs_per_sec: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly max_us: number;
  readonly gen_cpu_pct: number;
  readonly rate_shortfall: number;
}
